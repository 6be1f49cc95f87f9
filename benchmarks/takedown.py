"""Benchmark: time from closing an appeal until every API-deletable post is verified gone.

    uv run python benchmarks/takedown.py [--appeals 10] [--fault-seconds 20] [--sweep-interval 5]

Everything runs on 127.0.0.1: a PostgreSQL database of its own (fahndung_bench_takedown,
dropped and re-created; override with --database-url), a private redis-server, the fake
platform server (in this process), real `celery worker` processes, and the reconciliation
sweep (fahndung.lifecycle.tasks.sweep_reconcile's body) in a thread every
--sweep-interval seconds instead of beat's 60 s (the withdraw backoff cap is set to the
same interval, FAHNDUNG_WITHDRAW_BACKOFF_MAX_SECONDS).

Phase 1 (healthy): publish N appeals to all fake platforms (worker publishes), close them,
measure per appeal: max over its API publications of (Takedown.finished_at − closed_at).
Phase 2 (faults): publish N more, inject faults on X (500), Mastodon (429), LinkedIn
(timeouts) and Facebook (503) for --fault-seconds, close them at once; "after-recovery"
is measured from the end of the fault window. "verified" counts API publications whose
absence the platform confirmed (verify GET) AND that the fake server holds no live copy of.

Phase 3 (realistic, "takedown-real"): --real-appeals (50) more appeals, then a mass close
of all of them at once against the realistic fakes: Graph deletes become visible only after
--delete-delay seconds, Instagram answers Business-Use-Case throttling (80002 with
X-Business-Use-Case-Usage) for the first --throttle-seconds, the Facebook Page token has lost
its Page role just before the close (100/33 on every object – the "lost permission" account),
Mastodon allows 30 deletes per window and our pacing keeps inside it. Windows are
time-scaled so the run takes minutes, not hours: Mastodon's 30 deletes per 30 min and X's 50
per 15 min become per --quota-window seconds (fake and FAHNDUNG_PUBLISHING_DELETE_RATE_*
alike). Per appeal: max over its API publications of the time from close until the platform
confirmed absence or a person got the manual task. "verified" = verified absent AND no live
object on the fake; "false-absent" = marked verified absent while one of its objects was
still online at that moment (measured on the fake: never deleted, or visibly gone only after
verified_absent_at); "manual" = API publications handed to a person (ManualTakedownTask).

Lines: takedown: median <s> s, max <s> s, verified <n> of <m>, after-recovery max <s> s
(median/max = healthy phase), then takedown-real: median <s> s, max <s> s, verified <n> of
<m>, false-absent <k>, manual <k>.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fahndung.core.net import free_port, wait_for_port  # noqa: E402


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=10)
    parser.add_argument("--fault-seconds", type=float, default=20.0)
    parser.add_argument("--sweep-interval", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4, help="worker pool size")
    parser.add_argument("--real-appeals", type=int, default=50, help="appeals closed at once in phase 3")
    parser.add_argument("--delete-delay", type=float, default=2.0, help="Graph deletes visible after (s)")
    parser.add_argument("--throttle-seconds", type=float, default=20.0, help="Instagram BUC throttle at close")
    parser.add_argument("--quota-window", type=int, default=60, help="time-scaled quota window (s)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/fahndung_bench_takedown")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-takedown-"))
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    if not wait_for_port(redis_port):
        raise RuntimeError(f"redis on {redis_port} did not start")
    recreate_database(args.database_url)

    from fakeplatform import FakePlatform, demo_env
    from fakeplatform import mastodon as fake_mastodon
    from fakeplatform import meta as fake_meta

    fake_mastodon.DELETE_WINDOW = args.quota_window  # time-scaled 30 deletes / 30 min
    platform = FakePlatform(host="127.0.0.1", port=0).start()
    card = ROOT / "fahndung/publishing/static/publishing/instagram-card.jpg"
    card_url = platform.url + fake_meta.public_file_put(platform.store, "instagram-card.jpg", card.read_bytes())
    interval = max(1, round(args.sweep_interval))
    env = {
        "DJANGO_SETTINGS_MODULE": "fahndung.settings",
        "DATABASE_URL": args.database_url,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "FAHNDUNG_VAR_DIR": str(tmp / "var"),
        "FAHNDUNG_MEDIA_ROOT": str(tmp / "media"),
        "FAHNDUNG_PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "FAHNDUNG_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "FAHNDUNG_LOG_LEVEL": "WARNING",
        "FAHNDUNG_HTTP_TIMEOUT": "2",
        "FAHNDUNG_HTTP_CONNECT_TIMEOUT": "2",
        "FAHNDUNG_WITHDRAW_BACKOFF_SECONDS": "1",
        "FAHNDUNG_WITHDRAW_BACKOFF_MAX_SECONDS": str(interval),
        "FAHNDUNG_WITHDRAW_FAST_RETRY_SECONDS": str(interval),
        "FAHNDUNG_WITHDRAW_MAX_ATTEMPTS": "30",
        "FAHNDUNG_PUBLISHING_BACKOFF_SECONDS": "1",
        "FAHNDUNG_PUBLISHING_BACKOFF_MAX_SECONDS": "2",
        # Shared cache (pacing counters, Instagram containers) across the worker processes.
        "FAHNDUNG_CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "FAHNDUNG_PUBLISHING_DELETE_RATE_MASTODON": f"30/{args.quota_window}",
        "FAHNDUNG_PUBLISHING_DELETE_RATE_X": f"50/{args.quota_window}",
        "FAHNDUNG_INSTAGRAM_CONTAINER_WAIT_SECONDS": "5",
        "PYTHONPATH": str(ROOT),
        **demo_env(platform.url),
        "FAHNDUNG_INSTAGRAM_CARD_URL": card_url,  # Meta fetches it (fakeplatform.meta)
    }
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "fahndung", "worker", "--loglevel", "WARNING", "--concurrency",
         str(args.workers), "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=dict(os.environ), stdout=(tmp / "worker.log").open("w"), stderr=subprocess.STDOUT,
    )
    stop = threading.Event()
    try:
        return run(args, platform, stop, tmp)
    finally:
        stop.set()
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
        redis.terminate()
        platform.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, platform, stop: threading.Event, tmp: Path) -> int:
    from django.db import close_old_connections

    from fahndung.accounts.roles import INVESTIGATOR, PRESS_OFFICE
    from fahndung.appeals.services import appeal_approve, appeal_close, appeal_submit
    from fahndung.lifecycle.models import Takedown
    from fahndung.lifecycle.services import takedowns_reconcile
    from fahndung.publishing.models import Publication
    from tests.factories import AppealFactory, LegalOrderFactory, UnitFactory, UserFactory

    def sweeper() -> None:
        while not stop.wait(args.sweep_interval):
            try:
                takedowns_reconcile()
            except Exception as exc:  # keep sweeping like beat would
                print(f"sweep error: {exc}", file=sys.stderr)
            finally:
                close_old_connections()

    threading.Thread(target=sweeper, daemon=True).start()
    unit = UnitFactory(code="bench", name="Benchmark")
    investigator = UserFactory(username="bench-inv", roles=[INVESTIGATOR], unit=unit)
    press = UserFactory(username="bench-press", roles=[PRESS_OFFICE], unit=None)

    def publish_batch(n: int) -> list[int]:
        ids = []
        for _ in range(n):
            appeal = AppealFactory(owner=investigator, unit=unit)
            LegalOrderFactory(appeal=appeal)
            appeal_submit(actor=investigator, appeal_id=appeal.pk)
            appeal_approve(actor=press, appeal_id=appeal.pk)
            ids.append(appeal.pk)
        deadline = time.monotonic() + 120
        api = Publication.objects.filter(appeal_id__in=ids, channel="api")
        while api.exclude(state="published").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        missing = api.exclude(state="published").count()
        if missing:
            raise RuntimeError(f"{missing} publications did not get published")
        return ids

    def wait_withdrawn(ids: list[int], timeout: float) -> None:
        api_ids = Publication.objects.filter(appeal_id__in=ids, channel="api").values("id")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            open_ = Takedown.objects.filter(publication_id__in=api_ids).exclude(state="withdrawn").count()
            if open_ == 0 and Takedown.objects.filter(publication_id__in=api_ids).exists():
                return
            time.sleep(0.1)

    def per_appeal_seconds(ids: list[int], since: dict[int, float] | None = None) -> list[float]:
        from fahndung.appeals.models import Appeal

        out = []
        for appeal in Appeal.objects.filter(pk__in=ids):
            api_ids = Publication.objects.filter(appeal=appeal, channel="api").values("id")
            finished = list(Takedown.objects.filter(publication_id__in=api_ids).values_list("finished_at", flat=True))
            if not finished or any(f is None for f in finished):
                out.append(float("inf"))
                continue
            start = since[appeal.pk] if since else appeal.closed_at.timestamp()
            out.append(max(0.0, max(f.timestamp() for f in finished) - start))
        return out

    def verified(ids: list[int]) -> tuple[int, int]:
        live = {p["id"] for p in platform.posts(live=True)}
        pubs = list(Publication.objects.filter(appeal_id__in=ids, channel="api"))
        ok = sum(
            1 for p in pubs
            if p.state == "withdrawn" and p.verified_absent_at is not None
            and not any(p.external_id and (p.external_id.endswith(i) or i.endswith(p.external_id)) for i in live)
        )
        return ok, len(pubs)

    # Phase 1: healthy platforms.
    healthy = publish_batch(args.appeals)
    for pk in healthy:
        appeal_close(actor=press, appeal_id=pk, reason="arrested")
    wait_withdrawn(healthy, timeout=120)
    times = per_appeal_seconds(healthy)
    v1, m1 = verified(healthy)
    print(f"healthy: {len(healthy)} appeals, {m1} API posts; median {statistics.median(times):.2f} s, "
          f"max {max(times):.2f} s, verified {v1} of {m1}")

    # Phase 2: faults for a while, then recovery.
    faulty = publish_batch(args.appeals)
    fault_start = time.time()
    for name, kwargs in (("x", {"status": 500, "method": "DELETE"}), ("mastodon", {"status": 429, "reset_in": 2}),
                         ("linkedin", {"delay": 3.0}), ("facebook", {"status": 503})):
        platform.add_fault(name, count=None, seconds=args.fault_seconds, **kwargs)
    for pk in faulty:
        appeal_close(actor=press, appeal_id=pk, reason="arrested")
    recovery = fault_start + args.fault_seconds
    wait_withdrawn(faulty, timeout=args.fault_seconds + 10 * args.sweep_interval + 60)
    from_close = per_appeal_seconds(faulty)
    after = per_appeal_seconds(faulty, since=dict.fromkeys(faulty, recovery))
    v2, m2 = verified(faulty)
    print(f"faults ({args.fault_seconds:.0f} s on x/mastodon/linkedin/facebook): median {statistics.median(from_close):.2f} s, "
          f"max {max(from_close):.2f} s from close; after recovery max {max(after):.2f} s "
          f"(sweep interval {args.sweep_interval:.0f} s); verified {v2} of {m2}")
    print(f"takedown: median {statistics.median(times):.2f} s, max {max(times):.2f} s, verified {v1 + v2} of {m1 + m2}, "
          f"after-recovery max {max(after):.2f} s")
    real_ok = real_phase(args, platform, press, publish_batch)
    return 0 if (v1 + v2) == (m1 + m2) and real_ok else 1


def real_phase(args, platform, press, publish_batch) -> bool:
    """Phase 3: mass close against the realistic fakes (see the module docstring)."""
    from django.db import close_old_connections

    from fahndung.appeals.models import Appeal
    from fahndung.appeals.services import appeal_close
    from fahndung.lifecycle.models import ManualTakedownTask, Takedown
    from fahndung.publishing.models import Publication
    from fakeplatform import meta as fake_meta

    with platform.store.lock:  # a fresh day for Instagram's 50 posts / 24 h
        fake_meta.state(platform.store).published_at.clear()
    ids = publish_batch(args.real_appeals)
    close_old_connections()
    fake_meta.graph_configure(platform.store, delete_delay=args.delete_delay)
    fake_meta.throttle(platform.store, fake_meta.INSTAGRAM_USER_ID, args.throttle_seconds)
    fake_meta.token_set(platform.store, fake_meta.PAGE_TOKEN, access=False)  # Page role taken away
    for pk in ids:
        appeal_close(actor=press, appeal_id=pk, reason="arrested")
    pubs = Publication.objects.filter(appeal_id__in=ids, channel="api")
    pub_ids = list(pubs.values_list("id", flat=True))
    deadline = time.monotonic() + 20 * 60
    while time.monotonic() < deadline:
        done = Takedown.objects.filter(publication_id__in=pub_ids, state__in=["withdrawn", "manual_required"]).count()
        if done == len(pub_ids):
            break
        time.sleep(0.5)
    fake_meta.settle(platform.store)
    objects = {o["id"]: o for o in platform.posts()}

    def online_at(obj_id: str, moment: float) -> bool:
        post = objects.get(obj_id)
        if post is None:
            # Fake ids can carry a prefix (X/Bluesky URIs): match like the earlier phases.
            post = next((o for i, o in objects.items() if i.endswith(obj_id) or obj_id.endswith(i)), None)
        if post is None:
            return False
        if not post["deleted"]:
            return True
        gone = post["data"].get("gone_at")
        return gone is not None and float(gone) > moment

    closed = dict(Appeal.objects.filter(pk__in=ids).values_list("pk", "closed_at"))
    manual_at = dict(ManualTakedownTask.objects.filter(takedown__publication_id__in=pub_ids)
                     .values_list("takedown__publication_id", "created_at"))
    finished = dict(Takedown.objects.filter(publication_id__in=pub_ids).values_list("publication_id", "finished_at"))
    per_appeal: dict[int, float] = {}
    verified = false_absent = 0
    rows = list(pubs)
    for pub in rows:
        objs = [i for i in (pub.external_id, *(pub.extra_ids or [])) if i]
        end = finished.get(pub.pk) or manual_at.get(pub.pk)
        took = (end - closed[pub.appeal_id]).total_seconds() if end else float("inf")
        per_appeal[pub.appeal_id] = max(per_appeal.get(pub.appeal_id, 0.0), took)
        if pub.verified_absent_at is None:
            continue
        if any(online_at(i, pub.verified_absent_at.timestamp()) for i in objs):
            false_absent += 1
        elif pub.state == "withdrawn" and not any(online_at(i, time.time()) for i in objs):
            verified += 1
    manual = len([p for p in rows if p.pk in manual_at])
    times = list(per_appeal.values())
    print(f"realistic: {len(ids)} appeals closed at once, {len(rows)} API posts; Graph deletes visible after "
          f"{args.delete_delay:.0f} s, Instagram BUC-throttled {args.throttle_seconds:.0f} s, Facebook Page role "
          f"lost, quotas per {args.quota_window} s")
    print(f"takedown-real: median {statistics.median(times):.2f} s, max {max(times):.2f} s, "
          f"verified {verified} of {len(rows)}, false-absent {false_absent}, manual {manual}")
    return false_absent == 0 and verified + manual == len(rows)


if __name__ == "__main__":
    sys.exit(main())
