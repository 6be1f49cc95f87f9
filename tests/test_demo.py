"""The first README command: `manage.py demo` brings the whole system up and Ctrl-C stops it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fahndung.core.net import free_port

ROOT = Path(__file__).resolve().parents[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
def test_demo_starts_all_processes_answers_http_and_stops_on_ctrl_c(tmp_path):
    port, fake_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "FAHNDUNG_CACHE_URL"}}
    env.update({"FAHNDUNG_VAR_DIR": str(tmp_path / "var"), "FAHNDUNG_MEDIA_ROOT": str(tmp_path / "media"),
                "FAHNDUNG_PRIVATE_MEDIA_ROOT": str(tmp_path / "private")})
    log = (tmp_path / "demo.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--port", str(port), "--fake-port", str(fake_port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            try:
                status, _body = _get(f"http://127.0.0.1:{port}/fahndung/")
                if status == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, (tmp_path / "demo.log").read_text()
            time.sleep(0.5)
        assert status == 200, (tmp_path / "demo.log").read_text()
        feed_status, feed = _get(f"http://127.0.0.1:{port}/api/v1/public/appeals/")
        assert feed_status == 200
        assert "Königstraße" in json.dumps(json.loads(feed), ensure_ascii=False)
        login_status, _ = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert login_status == 200
        output = (tmp_path / "demo.log").read_text()
        for account in ("investigator", "investigator2", "press", "press2", "liaison", "admin"):
            assert f"  {account} " in output
        sample = tmp_path / "var" / "demo" / "menschenmenge.jpg"
        assert sample.exists() and str(sample) in output
        # The public must never see Django's debug pages (issue 10 finding 11).
        missing_status, missing = _get(f"http://127.0.0.1:{port}/fahndung/gibt-es-nicht/")
        assert missing_status == 404 and b"Seite nicht gefunden" in missing
        assert b"URLconf" not in missing and b"Django" not in missing
        api_status, api_body = _get(f"http://127.0.0.1:{port}/api/v1/gibt-es-nicht/")
        assert api_status == 404 and json.loads(api_body)["error"]["code"] == "not_found"
        static_status, _css = _get(f"http://127.0.0.1:{port}/static/public/public.css")
        assert static_status == 200  # static files still served without DEBUG
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert proc.returncode is not None
    time.sleep(1)
    leftovers = subprocess.run(["pgrep", "-f", f"runserver 127.0.0.1:{port}"], capture_output=True, text=True).stdout
    assert leftovers.strip() == ""


def test_demo_sample_photo_is_a_crowd_the_detector_sees(settings, tmp_path):
    from fahndung.core.demo import demo_sample_photo_write
    from fahndung.imaging.lib import pipeline
    from fahndung.imaging.lib.decode import decode
    from fahndung.imaging.lib.detect import FaceDetector

    settings.VAR_DIR = tmp_path
    path = demo_sample_photo_write()
    assert path == tmp_path / "demo" / "menschenmenge.jpg"
    decoded = decode(path.read_bytes(), max_pixels=50_000_000)
    assert decoded.rgb.shape[:2] == (1000, 1600)
    analysis = pipeline.analyse(decoded.rgb, FaceDetector())
    # 1 subject + 18 bystanders of 20–96 px; the subject is the largest face.
    assert len(analysis.faces) >= 19
    assert analysis.subject is not None and analysis.subject[2] >= 140


def _demo_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "FAHNDUNG_CACHE_URL"}}
    env.update({"FAHNDUNG_VAR_DIR": str(tmp_path / "var"), "FAHNDUNG_MEDIA_ROOT": str(tmp_path / "media"),
                "FAHNDUNG_PRIVATE_MEDIA_ROOT": str(tmp_path / "private")})
    return env


def _wait_for(predicate, timeout: float, proc, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        assert proc.poll() is None, log.read_text()
        time.sleep(0.5)
    raise AssertionError(log.read_text())


@pytest.mark.slow
def test_demo_exits_non_zero_when_the_fake_port_is_taken(tmp_path):
    """Attack test: with the fake platform's port taken the demo seeded, stopped and exited 0."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "demo", "--port", str(free_port()), "--fake-port", str(busy)],
            cwd=ROOT, env=_demo_env(tmp_path), capture_output=True, text=True, timeout=120,
        )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "--fake-port" in result.stderr and str(busy) in result.stderr


@pytest.mark.slow
def test_demo_picks_a_free_fake_port_and_restarts_a_dead_worker(tmp_path):
    """The embedded broker (SQLAlchemy on SQLite) carries the publish tasks; a worker that dies
    is restarted while the web server keeps answering (attack test: one dead worker stopped
    the whole demo)."""
    import re

    port = free_port()
    log_path = tmp_path / "demo.log"
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "manage.py", "demo", "--port", str(port)], cwd=ROOT,
                            env=_demo_env(tmp_path), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: "Läuft:" in log_path.read_text(), 120, proc, log_path)
        output = log_path.read_text()
        fake_url = re.search(r"Fake-Plattformen:\s+(http://127\.0\.0\.1:\d+)", output).group(1)
        # The seeded appeal was published by the worker through the embedded broker.
        _wait_for(lambda: json.loads(_get(f"{fake_url}/_control/posts")[1])["posts"], 90, proc, log_path)
        worker_pid = int(re.search(r"gestartet: worker \(PID (\d+)\)", output).group(1))
        os.killpg(worker_pid, signal.SIGKILL)
        _wait_for(lambda: len(re.findall(r"gestartet: worker \(PID (\d+)\)", log_path.read_text())) == 2, 60,
                  proc, log_path)
        assert "worker wurde beendet" in log_path.read_text()
        assert _get(f"http://127.0.0.1:{port}/fahndung/")[0] == 200
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
