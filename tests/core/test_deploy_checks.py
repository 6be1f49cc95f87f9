"""`manage.py check --deploy` fails for settings that only work on one demo process
(attack test: it passed with debug off and no FAHNDUNG_TIPS_KEYS – then every public tip
answers 500 –, with the filesystem broker and with the per-process memory cache).

Runs the real command in a subprocess with the production-like environment of .ci/run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _check(tmp_path, **overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAHNDUNG_", "CELERY_", "DATABASE_URL"))}
    env.update({
        "FAHNDUNG_DEBUG": "false", "FAHNDUNG_SECRET_KEY": "k" * 40 + "-Zq9xV3", "FAHNDUNG_VAR_DIR": str(tmp_path),
        "FAHNDUNG_STATIC_ROOT": str(tmp_path / "static"),
        "FAHNDUNG_ALLOWED_HOSTS": "fahndung.polizei.example", "FAHNDUNG_PUBLIC_BASE_URL": "https://fahndung.polizei.example",
        "FAHNDUNG_TIPS_KEYS": Fernet.generate_key().decode(), "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "FAHNDUNG_CACHE_URL": "redis://127.0.0.1:6379/1",
    })
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_like_environment_passes(tmp_path):
    result = _check(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("overrides", "check_id"), [
    ({"FAHNDUNG_TIPS_KEYS": None}, "fahndung.E003"),
    ({"FAHNDUNG_TIPS_KEYS": "not-a-fernet-key"}, "fahndung.E004"),
    ({"CELERY_BROKER_URL": "filesystem://"}, "fahndung.E001"),
    ({"CELERY_BROKER_URL": None}, "fahndung.E001"),
    ({"FAHNDUNG_CACHE_URL": None}, "fahndung.E002"),
], ids=["no-tips-keys", "bad-tips-key", "filesystem-broker", "default-broker", "memory-cache"])
def test_single_process_settings_fail_deploy(tmp_path, overrides, check_id):
    result = _check(tmp_path, **overrides)
    assert result.returncode != 0
    assert check_id in result.stderr, result.stderr
