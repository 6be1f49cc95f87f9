"""Readiness probes of the services a node depends on.

readiness() -> {"status": "ready" | "not_ready", "checks": {name: {"ok", "ms", ["error"]}}}

Each probe answers within a few seconds (the database and broker connect timeouts apply).
A failure reports only the exception class, never its message: messages of connection
errors can carry host names, user names or URLs with credentials.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

from fahndung.celery import app


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


def _cache() -> None:
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("cache does not return what was stored")
    finally:
        cache.delete(key)


def _storage(alias: str) -> Callable[[], None]:
    def probe() -> None:
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            # A fresh node has no directory until the first upload: creatable and writable = ready.
            location = Path(storage.location)
            location.mkdir(parents=True, exist_ok=True)
            if not os.access(location, os.W_OK | os.X_OK):
                raise PermissionError("storage location not writable")
        else:
            storage.listdir("")  # one request to the object store (e.g. LIST on S3)

    return probe


PROBES: dict[str, Callable[[], None]] = {
    "database": _database,
    "broker": _broker,
    "cache": _cache,
    "media_storage": _storage("default"),
    "private_storage": _storage("private"),
}


def readiness() -> dict[str, Any]:
    checks: dict[str, dict[str, Any]] = {}
    for name, probe in PROBES.items():
        started = time.monotonic()
        entry: dict[str, Any] = {"ok": True}
        try:
            probe()
        except Exception as exc:  # any failure means "not ready"; the class name says which kind
            entry = {"ok": False, "error": type(exc).__name__}
        entry["ms"] = round((time.monotonic() - started) * 1000, 1)
        checks[name] = entry
    ready = all(c["ok"] for c in checks.values())
    return {"status": "ready" if ready else "not_ready", "checks": checks}
