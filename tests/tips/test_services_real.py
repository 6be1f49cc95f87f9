"""Reliability with real services: PostgreSQL, a private Redis broker, Celery worker processes.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/fahndung_tips uv run pytest tests/tips -m services
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from fahndung.tips.models import NotificationDelivery, OutboxMessage, Tip
from tests.plugins.services import ROOT, database_url_for_current_test_db
from tests.tips.conftest import TEST_KEY

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _env(tmp_path: Path, broker_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": database_url_for_current_test_db(), "CELERY_BROKER_URL": broker_url,
        "FAHNDUNG_VAR_DIR": str(tmp_path / "var"), "FAHNDUNG_TIPS_KEYS": TEST_KEY, **extra,
    }


def run_relay(tmp_path: Path, broker_url: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", "relay_outbox"], cwd=ROOT, env=_env(tmp_path, broker_url),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def mail_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "var" / "mail"
    return sorted(folder.glob("*")) if folder.exists() else []


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _post_tip(client: Client, slug: str, **headers: str):
    return client.post(f"/api/v1/public/appeals/{slug}/tips/", {"content": "Gesehen am Schlossplatz", "anonymous": "true"},
                       content_type="application/json", headers=headers)


def test_broker_down_tip_stored_then_outbox_drained_exactly_once(pg_required, redis_broker, celery_worker, published, tmp_path):
    redis_broker.stop()
    client = Client()
    assert _post_tip(client, "warm-up-url-conf").status_code == 404  # import cost is not intake latency
    started = time.monotonic()
    response = _post_tip(client, published.slug)
    assert response.status_code == 201 and time.monotonic() - started < 2.0
    assert Tip.objects.filter(reference=response.json()["reference"]).exists()
    assert OutboxMessage.objects.get().status == "pending"
    # Relay while the broker is down: the row waits, nothing is lost.
    out = run_relay(tmp_path, redis_broker.url)
    assert "sent 0, failed 1, pending 1" in out
    row = OutboxMessage.objects.get()
    assert row.status == "pending" and row.attempts == 1 and row.last_error
    # Broker back, a worker runs: the relay hands the row over; one e-mail.
    redis_broker.start()
    worker = celery_worker(redis_broker.url, env={"FAHNDUNG_TIPS_KEYS": TEST_KEY})
    OutboxMessage.objects.update(available_at=row.created_at)  # skip the backoff wait
    assert "sent 1" in run_relay(tmp_path, redis_broker.url)
    assert wait_for(lambda: NotificationDelivery.objects.count() == 1 and len(mail_files(tmp_path)) == 1), worker.output()
    # Running the relay again (and redelivering the task by hand) adds nothing.
    run_relay(tmp_path, redis_broker.url)
    from fahndung.celery import app

    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(redis_broker.url) as conn:
            app.send_task("fahndung.tips.tasks.process_outbox", args=[row.pk], connection=conn)
    finally:
        app.conf.task_always_eager = True
    time.sleep(3)
    assert len(mail_files(tmp_path)) == 1 and NotificationDelivery.objects.count() == 1
    assert "already_processed" in worker.output()


def test_sigkill_during_notification_still_exactly_one_mail(pg_required, redis_broker, celery_worker, published, tmp_path):
    worker = celery_worker(redis_broker.url, env={"FAHNDUNG_TEST_NOTIFY_DELAY": "4", "FAHNDUNG_TIPS_KEYS": TEST_KEY})
    assert _post_tip(Client(), published.slug).status_code == 201
    assert "sent 1" in run_relay(tmp_path, redis_broker.url)
    assert wait_for(lambda: "process_outbox" in worker.output() and "received" in worker.output(), 30), worker.output()
    time.sleep(1.5)  # inside the notification transaction (delay hook)
    assert len(mail_files(tmp_path)) == 0
    worker.kill(signal.SIGKILL)
    assert wait_for(lambda: len(mail_files(tmp_path)) >= 1, 45), worker.output()
    time.sleep(3)
    assert len(mail_files(tmp_path)) == 1 and NotificationDelivery.objects.count() == 1
    out = worker.output()
    assert "SIGKILL" in out or "WorkerLostError" in out, out


class TcpProxy:
    """127.0.0.1:<port> → PostgreSQL; kill() drops the listener and every connection."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.close()

    def kill(self) -> None:
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


def test_database_down_answers_503_fast_and_never_2xx(pg_required, published):
    conn = connections["default"]
    original = (conn.settings_dict["HOST"], conn.settings_dict["PORT"])
    proxy = TcpProxy(int(original[1] or 5432))
    conn.close()
    conn.settings_dict["HOST"], conn.settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        client = Client()
        assert _post_tip(client, published.slug).status_code == 201  # through the proxy
        proxy.kill()
        conn.close()
        for attempt in range(3):
            started = time.monotonic()
            response = _post_tip(client, published.slug, **{"Idempotency-Key": f"down-{attempt}"})
            elapsed = time.monotonic() - started
            assert response.status_code == 503, response.content
            assert response.json()["error"]["code"] == "service_unavailable" and response["Retry-After"]
            assert elapsed < 1.0
        page = client.post(f"/hinweise/{published.slug}/", {"content": "x", "anonymous": "true"})
        assert page.status_code == 503 and "NICHT gespeichert" in page.content.decode()
    finally:
        conn.close()
        conn.settings_dict["HOST"], conn.settings_dict["PORT"] = original
    assert Tip.objects.count() == 1  # only the tip answered with 201


def test_same_idempotency_key_concurrently_gives_one_tip(pg_required, published):
    results: list[tuple[int, dict]] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            response = _post_tip(Client(), published.slug, **{"Idempotency-Key": "same-key-42"})
            results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Tip.objects.count() == 1 and OutboxMessage.objects.count() == 1
    assert sorted(code for code, _ in results) == [200] * 7 + [201]
    assert len({body["reference"] for _, body in results}) == 1
    assert len({body["secret"] for _, body in results}) == 1  # identical replays within the window
