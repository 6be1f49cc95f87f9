"""Tip intake benchmark against the production server stack (gunicorn + PostgreSQL).

    uv run python benchmarks/tip_intake.py [--duration 10] [--concurrency 16] [--workers 4]

What it does:
1. creates/migrates its own PostgreSQL database (fahndung_bench_tips; base URL from
   BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432) and a published appeal;
2. starts gunicorn with production settings (FAHNDUNG_DEBUG=false, generated secret and
   tip keys, FAHNDUNG_ALLOWED_HOSTS=127.0.0.1) and the broker STOPPED (CELERY_BROKER_URL
   points at a closed port) – intake must not need it;
3. loads, on loopback, the minimal endpoint of the same stack that inserts one row
   (POST /api/v1/public/bench/insert/, only with FAHNDUNG_BENCH_ENDPOINTS=true), then the
   tip endpoint (POST /api/v1/public/appeals/<slug>/tips/ with an Idempotency-Key), both
   closed-loop with N concurrent clients in interleaved 2-second slices; then tips paced
   at 100/s (open loop) for p99;
4. compares stored tips (count in the database) with 2xx answers – they must be equal.

Ends with:  tips: <n>/s p50 <ms> ms p99 <ms> ms, baseline <n>/s, ratio <r>, stored <s> of <a> accepted, errors <e>
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fahndung.core.net import free_port, wait_for_port  # noqa: E402

DB_NAME = "fahndung_bench_tips"


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, round(q * (len(data) - 1)))] * 1000


async def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
            f"Content-Length: {len(body)}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()  # drain until the server closes
    writer.close()
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 else 0


class Target:
    def __init__(self, port: int, kind: str, slug: str) -> None:
        self.port, self.kind, self.slug = port, kind, slug

    def request(self) -> tuple[str, bytes, dict[str, str]]:
        if self.kind == "baseline":
            return "/api/v1/public/bench/insert/", b"{}", {}
        body = json.dumps({"content": f"Benchmark-Hinweis {uuid.uuid4()}: Person am Bahnhof gesehen.",
                           "anonymous": True, "observed_place": "Hauptbahnhof"}).encode()
        return f"/api/v1/public/appeals/{self.slug}/tips/", body, {"Idempotency-Key": str(uuid.uuid4())}


async def one(target: Target, phase: Phase, record: bool) -> None:
    path, body, headers = target.request()
    started = time.perf_counter()
    try:
        status = await post(target.port, path, body, headers)
    except OSError:
        status = 0
    if 200 <= status < 300:
        phase.ok += 1
        if record:
            phase.latencies.append(time.perf_counter() - started)
    else:
        phase.errors += 1


async def closed_loop(target: Target, phase: Phase, concurrency: int, duration: float) -> None:
    stop = time.perf_counter() + duration

    async def client() -> None:
        while time.perf_counter() < stop:
            await one(target, phase, True)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    phase.elapsed += time.perf_counter() - started


async def paced(target: Target, phase: Phase, rate: float, duration: float) -> None:
    tasks = []
    started = time.perf_counter()
    n = int(rate * duration)
    for i in range(n):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(target, phase, True)))
    await asyncio.gather(*tasks)
    phase.elapsed = time.perf_counter() - started


def prepare_database(base: str) -> str:
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return f"{base}/{DB_NAME}"


SETUP = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.db import connection
from fahndung.accounts.models import Unit
from fahndung.appeals.models import Appeal
from fahndung.core import clock
with connection.cursor() as c:
    c.execute("TRUNCATE tips_tipattachment, tips_tipblob, tips_tipmessage, tips_tipnote, tips_tipevent, tips_tipread, "
              "tips_notificationdelivery, tips_outboxmessage, tips_notificationstate, tips_tip, tips_benchrow CASCADE")
unit, _ = Unit.objects.get_or_create(code="bench", defaults={"name": "Benchmark"})
user, _ = get_user_model().objects.get_or_create(username="bench-owner")
appeal = Appeal.objects.filter(title="Benchmark-Fahndung").first() or Appeal.objects.create(
    kind="witness", legal_basis="stpo_131b_2", title="Benchmark-Fahndung", file_number_police="BENCH/1",
    unit=unit, owner=user, status="published", expires_at=clock.now() + timedelta(days=30), published_at=clock.now())
print("SLUG=" + appeal.slug)
"""


MIGRATE_AND_SETUP = (
    "import django; django.setup()\n"
    "from django.core.management import call_command\n"
    "call_command('migrate', interactive=False, verbosity=0)\n"
    f"exec({SETUP!r})\n"
)

_T0 = time.monotonic()


def stage(name: str) -> None:
    print(f"[{time.monotonic() - _T0:5.1f} s] {name}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per closed-loop phase")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--paced-rate", type=float, default=100.0)
    parser.add_argument("--paced-duration", type=float, default=10.0)
    args = parser.parse_args()
    t_start = time.monotonic()

    db_url = prepare_database(os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/"))
    closed_broker = free_port()  # nothing listens here: the broker is "stopped"
    var_dir = Path(os.environ.get("BENCH_VAR_DIR", "/tmp/fahndung-bench-tips"))
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "fahndung.settings", "FAHNDUNG_DEBUG": "false",
        "FAHNDUNG_SECRET_KEY": secrets.token_urlsafe(50), "FAHNDUNG_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": db_url, "FAHNDUNG_DB_CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{closed_broker}/0", "FAHNDUNG_SSL_REDIRECT": "false",
        "FAHNDUNG_TIPS_KEYS": Fernet.generate_key().decode(), "FAHNDUNG_BENCH_ENDPOINTS": "true",
        # One loopback client would otherwise be rate-limited like one abusive tipster.
        "FAHNDUNG_TIP_RATE_LIMIT": "100000000/60", "FAHNDUNG_LOG_LEVEL": "WARNING",
        "FAHNDUNG_VAR_DIR": str(var_dir), "FAHNDUNG_PRIVATE_MEDIA_ROOT": str(var_dir / "private"),
    }
    # One Django process for migrate + fixture data (saves a second cold start).
    out = subprocess.run([sys.executable, "-c", MIGRATE_AND_SETUP], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    slug = next(line[5:] for line in out.splitlines() if line.startswith("SLUG="))
    stage("database ready")

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "fahndung.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--worker-class", "sync", "--backlog", "2048", "--log-level", "warning",
         "--preload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        if not wait_for_port(port, timeout=60):
            raise RuntimeError(f"gunicorn on {port} did not start")
        stage("gunicorn listening")
        baseline_t, tips_t = Target(port, "baseline", slug), Target(port, "tips", slug)
        warm_base, warm_tips = Phase("warm-up baseline"), Phase("warm-up tips")

        async def run() -> tuple[Phase, Phase, Phase]:
            # Warm every worker (imports, DB connections) before measuring.
            await asyncio.gather(*(one(baseline_t, warm_base, False) for _ in range(args.workers * 4)))
            await asyncio.gather(*(one(tips_t, warm_tips, False) for _ in range(args.workers * 4)))
            stage("warmed up")
            base, tips = Phase("baseline"), Phase("tips")
            # Interleaved slices, so drifting load on a shared machine biases neither side.
            slices = max(1, round(args.duration / 2))
            for _ in range(slices):
                await closed_loop(baseline_t, base, args.concurrency, args.duration / slices)
                await closed_loop(tips_t, tips, args.concurrency, args.duration / slices)
            stage("closed-loop phases done")
            pace = Phase("paced")
            await paced(tips_t, pace, args.paced_rate, args.paced_duration)
            stage("paced phase done")
            return base, tips, pace

        base, tips, pace = asyncio.run(run())
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    with psycopg.connect(db_url) as conn:
        stored = conn.execute("SELECT count(*) FROM tips_tip").fetchone()[0]
        outbox = conn.execute("SELECT count(*) FROM tips_outboxmessage WHERE status = 'pending'").fetchone()[0]
    # Every 2xx answer of the tip endpoint (warm-up included) must be a stored tip.
    accepted = warm_tips.ok + tips.ok + pace.ok
    errors = warm_tips.errors + tips.errors + pace.errors
    ratio = tips.rate / base.rate if base.rate else 0.0
    print(f"baseline (1 INSERT): {base.rate:.0f}/s p50 {base.pct(.5):.1f} ms p99 {base.pct(.99):.1f} ms, errors {base.errors}")
    print(f"tips (closed loop, {args.concurrency} clients): {tips.rate:.0f}/s p50 {tips.pct(.5):.1f} ms "
          f"p99 {tips.pct(.99):.1f} ms, errors {tips.errors}")
    print(f"tips paced at {args.paced_rate:.0f}/s for {args.paced_duration:.0f} s: achieved {pace.rate:.0f}/s "
          f"p50 {pace.pct(.5):.1f} ms p99 {pace.pct(.99):.1f} ms, errors {pace.errors}")
    print(f"outbox rows pending (broker stopped): {outbox}; run time {time.monotonic() - t_start:.0f} s")
    print(f"tips: {tips.rate:.0f}/s p50 {tips.pct(.5):.0f} ms p99 {tips.pct(.99):.0f} ms, baseline {base.rate:.0f}/s, "
          f"ratio {ratio:.2f}, stored {stored} of {accepted} accepted, errors {errors}")


if __name__ == "__main__":
    main()
