"""Benchmark: the public appeal page under a viral surge, through the production stack.

    uv run python benchmarks/public_pages.py [--seconds 10] [--concurrency 16] [--workers 2]

What it does (everything on 127.0.0.1, in a temporary directory):
1. production settings: FAHNDUNG_DEBUG=false, a generated secret key, SQLite in the temp dir
   (or the DATABASE_URL you pass), manifest static files collected with collectstatic;
2. seeds one published appeal and renders its page once to learn its exact byte size;
3. writes a static file of exactly that size into STATIC_ROOT (served by WhiteNoise);
4. starts gunicorn (gthread workers) and drives both URLs with the same closed-loop load
   (several client processes × threads, persistent HTTP/1.1 connections, no compression);
5. prints requests/s and p99 latency for both and ends with
   ``public_pages: <n> req/s p99 <ms> ms, static <n> req/s, ratio <r>``
   where ratio = page req/s ÷ static req/s (1.0 means "as cheap as a static file").
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fahndung.core.net import free_port  # noqa: E402


def production_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "fahndung.settings",
        "FAHNDUNG_DEBUG": "false",
        "FAHNDUNG_SECRET_KEY": secrets.token_urlsafe(50),
        # Production refuses to start without the tips encryption key.
        "FAHNDUNG_TIPS_KEYS": Fernet.generate_key().decode(),
        "FAHNDUNG_VAR_DIR": str(tmp / "var"),
        "FAHNDUNG_STATIC_ROOT": str(tmp / "static"),
        "FAHNDUNG_MEDIA_ROOT": str(tmp / "media"),
        "FAHNDUNG_ALLOWED_HOSTS": "127.0.0.1,testserver",
        # Plain HTTP on loopback: no redirect to https, no secure-only cookies.
        "FAHNDUNG_SSL_REDIRECT": "false",
        "FAHNDUNG_SECURE_COOKIES": "false",
        "FAHNDUNG_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    # Persistent connections, as in any production deployment (one per gunicorn thread).
    env.setdefault("FAHNDUNG_DB_CONN_MAX_AGE", "60")
    return env


SEED = r"""
import sys
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from fahndung.accounts.models import Unit
from fahndung.appeals.models import Appeal, Person
from fahndung.core import clock
unit, _ = Unit.objects.get_or_create(code="bench", defaults={"name": "Benchmark"})
user, _ = get_user_model().objects.get_or_create(username="bench-owner")
appeal = Appeal.objects.create(
    kind="suspect_unknown", legal_basis="stpo_131b_1", status="published", title="Benchmark",
    file_number_police="ST/0000/00001/26", unit=unit, owner=user, offence="Schwerer Raub",
    place="Stuttgart-Mitte, Königstraße", hotline="0711 8990-5778", is_dangerous=True,
    public_facts="Am Abend wurde eine Apotheke in der Königstraße überfallen. " * 6,
    expires_at=clock.now() + timedelta(days=30), published_at=clock.now(),
    reward_amount=5000, reward_reference="1 Js 1/26", reward_authority="Staatsanwaltschaft Stuttgart",
)
Person.objects.create(
    appeal=appeal, role="suspect", sex="male", age_min=25, age_max=30, height_min_cm=175,
    height_max_cm=180, build="schlank", hair="kurz, dunkel", clothing="schwarze Kapuzenjacke",
    published_fields=Person.default_published_fields(),
)
response = Client().get(f"/fahndung/{appeal.slug}/", HTTP_HOST="127.0.0.1")
assert response.status_code == 200, response.status_code
body = response.content
from django.conf import settings
(settings.STATIC_ROOT / "bench-same-size.html").write_bytes(body)
sys.stdout.write(f"{appeal.slug} {len(body)}\n")
"""


def _worker(port: int, path: str, seconds: float, threads: int, out: mp.Queue) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        bad = 0
        headers = {"Accept-Encoding": "identity", "Host": "127.0.0.1"}
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((latencies, errors[0]))


def load(port: int, path: str, seconds: float, concurrency: int, processes: int) -> tuple[float, float, int, int]:
    """Closed-loop load; returns (req/s, p99 ms, ok requests, errors)."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    per = max(1, concurrency // processes)
    procs = [ctx.Process(target=_worker, args=(port, path, seconds, per, queue)) for _ in range(processes)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(lat for lats, _ in results for lat in lats)
    errors = sum(e for _, e in results)
    if not latencies:
        return 0.0, 0.0, 0, errors
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    # Elapsed includes process start-up; use the load window for the rate.
    rate = len(latencies) / min(elapsed, seconds) if elapsed else 0.0
    return rate, p99, len(latencies), errors


def wait_ready(port: int, path: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    last = "no answer"
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            body = response.read()
            if response.status == 200:
                return
            last = f"HTTP {response.status}: {body[:300]!r}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not become ready for {path}: {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--client-processes", type=int, default=2)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-public-"))
    gunicorn = None
    try:
        env = production_env(tmp)
        seeded = subprocess.run(
            [sys.executable, "-c", SEED], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        if seeded.returncode != 0:
            raise SystemExit(f"seeding failed:\n{seeded.stderr[-3000:]}")
        slug, size = seeded.stdout.strip().splitlines()[-1].split()
        page_path, static_path = f"/fahndung/{slug}/", "/static/bench-same-size.html"
        port = free_port()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "fahndung.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
             "--keep-alive", "5", "--log-level", "warning"],
            env=env, cwd=ROOT, start_new_session=True,
        )
        wait_ready(port, page_path, gunicorn)
        wait_ready(port, static_path, gunicorn)
        print(f"page {page_path} and {static_path}: {size} bytes each; {args.workers} gunicorn workers × "
              f"{args.threads} threads; {args.concurrency} concurrent clients, {args.seconds:.0f} s each")
        load(port, page_path, 1, args.concurrency, args.client_processes)  # warm caches on every worker
        load(port, static_path, 1, args.concurrency, args.client_processes)
        page_rate, page_p99, page_n, page_err = load(port, page_path, args.seconds, args.concurrency, args.client_processes)
        static_rate, static_p99, static_n, static_err = load(port, static_path, args.seconds, args.concurrency, args.client_processes)
        print(f"page:   {page_n} requests, {page_err} errors, {page_rate:.0f} req/s, p99 {page_p99:.1f} ms")
        print(f"static: {static_n} requests, {static_err} errors, {static_rate:.0f} req/s, p99 {static_p99:.1f} ms")
        if page_err or static_err:
            print("WARNING: errors during the run; the numbers are not comparable", file=sys.stderr)
        ratio = page_rate / static_rate if static_rate else 0.0
        print(f"public_pages: {page_rate:.0f} req/s p99 {page_p99:.1f} ms, static {static_rate:.0f} req/s, ratio {ratio:.2f}")
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
