"""/healthz and /readyz: JSON, no secrets, 503 when a dependency is unreachable."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from fahndung.core.net import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


def test_healthz_says_alive_without_touching_dependencies(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_on_the_embedded_defaults_is_ready(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "broker", "cache", "media_storage", "private_storage"}
    assert all(c["ok"] for c in body["checks"].values())
    text = response.content.decode()
    assert settings.SECRET_KEY not in text and str(settings.PRIVATE_MEDIA_ROOT) not in text


def test_readyz_is_503_when_broker_and_cache_are_unreachable_and_names_no_address(client, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from fahndung.celery import app
    from fahndung.ops import checks

    port = free_port()
    old = app.conf.broker_url
    dead = f"redis://:s3cret@127.0.0.1:{port}/0"
    app.conf.broker_url = dead
    # Celery's settings prefer the CELERY_BROKER_URL environment variable (set in CI) to conf.
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    # Only the probe's cache is dead: the privacy middleware needs the cache for every request
    # (its daily key), so with the shared cache down no view answers at all.
    monkeypatch.setattr(checks, "cache", RedisCache(f"redis://127.0.0.1:{port}/1", {}))
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "not_ready"
    assert body["checks"]["broker"]["ok"] is False and body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    text = response.content.decode()
    assert "s3cret" not in text and str(port) not in text and "127.0.0.1" not in text


def test_readyz_is_503_when_private_storage_cannot_be_used(client, settings, tmp_path):
    from django.core.files.storage import storages

    (tmp_path / "a-file").write_text("x")  # a location below a file can never be created
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "a-file" / "private"), "base_url": None}}}
    storages._storages = {}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["private_storage"] == {
        "ok": False, "error": "NotADirectoryError", "ms": response.json()["checks"]["private_storage"]["ms"]}
