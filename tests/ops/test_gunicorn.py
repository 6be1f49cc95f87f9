"""fahndung/gunicorn.conf.py as shipped: a real gunicorn serves /healthz, and its access log
names the request but never the client address (tipster privacy, tips-reliability T9)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from fahndung.core.net import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_config_serves_and_logs_no_client_address(tmp_path):
    port = free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "DJANGO_SETTINGS_MODULE": "fahndung.settings", "FAHNDUNG_VAR_DIR": str(tmp_path)}
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "fahndung" / "gunicorn.conf.py"), "fahndung.wsgi"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            assert wait_for_port(port, timeout=60), log.read_text()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                assert response.status == 200
                assert b'"alive"' in response.read()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    text = log.read_text()
    assert '"GET /healthz" 200' in text
    access = [line for line in text.splitlines() if "/healthz" in line]
    assert access and not any("127.0.0.1" in line for line in access)
