"""Fixtures for tests that need real services (PostgreSQL, Redis, Celery worker processes).

- `pg_required`: skip unless the test database is PostgreSQL (set DATABASE_URL).
- `redis_broker`: a private redis-server on a free port (its own process, so a test may
  stop and restart it without touching the machine's Redis); `.url`, `.stop()`, `.start()`.
- `celery_worker`: factory starting real `celery worker` processes that use the same test
  database and a given broker; `.kill(signal)`, `.stop()`. Tests using it need
  `transactional_db` (data must be committed to be visible to the worker).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fahndung.core.net import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_required(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL over a real connection: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")


@dataclass
class RedisServer:
    port: int
    workdir: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if self.proc and self.proc.poll() is None:
            return
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_for_port(self.port):
            raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def redis_broker(tmp_path, monkeypatch):
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (Debian package redis-server)")
    server = RedisServer(port=free_port(), workdir=tmp_path)
    server.start()
    # Celery reads CELERY_BROKER_URL from the environment before its own config, so a CI
    # run with a global broker would otherwise send this test's tasks elsewhere.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    yield server
    server.stop()


@dataclass
class WorkerProc:
    proc: subprocess.Popen
    log: Path
    children: list[int] = field(default_factory=list)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the pool child processes (as the OOM killer would), leaving the parent."""
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        for pid in [int(p) for p in out.split()]:
            os.kill(pid, sig)

    def kill_all(self) -> None:
        self.kill(signal.SIGKILL)
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill_all()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def database_url_for_current_test_db() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def celery_worker(tmp_path, settings):
    """start(broker_url, *, queues=None, concurrency=1, env=None) -> WorkerProc."""
    started: list[WorkerProc] = []

    def start(broker_url: str, *, concurrency: int = 1, env: dict[str, str] | None = None,
              pool: str = "prefork") -> WorkerProc:
        log = tmp_path / f"worker-{len(started)}.log"
        full_env = {
            **os.environ,
            "DATABASE_URL": database_url_for_current_test_db(),
            "CELERY_BROKER_URL": broker_url,
            "FAHNDUNG_VAR_DIR": str(tmp_path / "var"),
            "FAHNDUNG_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "FAHNDUNG_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "FAHNDUNG_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "fahndung", "worker", "--loglevel", "INFO",
             "--concurrency", str(concurrency), "--pool", pool, "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=full_env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )
        worker = WorkerProc(proc=proc, log=log)
        started.append(worker)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "ready" not in worker.output():
            if proc.poll() is not None:
                raise RuntimeError("celery worker exited:\n" + worker.output())
            time.sleep(0.1)
        return worker

    yield start
    for worker in started:
        worker.stop()
