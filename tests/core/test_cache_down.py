"""The shared cache (Redis) is down: requests must not answer 500 in the privacy middleware.
The daily client key falls back to a process-local random key, the rate limiter to a
process-local window, tips are still accepted and stored (no tip is lost), and the staff
login – whose lockout cannot be checked – answers a clear 503 instead of a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from fahndung.core.net import free_port
from fahndung.tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    # override_settings' setting_changed signal rebuilds django.core.cache.caches.
    yield


def test_public_pages_and_tips_work_without_the_cache(cache_down, api_client, published, settings):
    settings.FAHNDUNG_TIP_RATE_LIMIT = "2/60"
    assert Client().get("/healthz").status_code == 200
    url = f"/api/v1/public/appeals/{published.slug}/tips/"
    for n in range(2):
        response = api_client.post(url, {"content": f"Gesehen am Bahnhof {n}."}, format="json")
        assert response.status_code == 201, response.content
    assert Tip.objects.count() == 2
    # The process-local limiter still limits.
    limited = api_client.post(url, {"content": "Noch einer."}, format="json")
    assert limited.status_code == 429 and limited["Retry-After"]


def test_staff_login_answers_503_not_500(cache_down, investigator):
    client = Client(enforce_csrf_checks=False)
    response = client.post("/accounts/login/", {"username": investigator.username, "password": "falsch"})
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "Anmeldung ist derzeit nicht möglich" in response.content.decode()


def test_public_pages_render_from_the_database_without_the_cache(cache_down, published):
    """The page cache is an optimisation: with Redis down the list, the page and the feeds
    are rendered from the database instead of answering 500 (they failed before)."""
    client = Client()
    for url in ("/fahndung/", f"/fahndung/{published.slug}/", "/fahndung/feed.rss", "/api/v1/public/appeals/"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
