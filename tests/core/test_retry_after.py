"""Every 429 says when to come back (issue 15 finding 8): Retry-After on the tip API, the
public tip form and the staff login lockout."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_public_tip_form_rate_limit_has_retry_after(published, settings):
    settings.FAHNDUNG_TIP_RATE_LIMIT = "1/600"
    client = Client()
    url = f"/hinweise/{published.slug}/"
    assert client.post(url, {"content": "Gesehen am Bahnhof."}).status_code == 201
    response = client.post(url, {"content": "Noch einmal gesehen."})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600


def test_login_lockout_has_retry_after(investigator, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 2
    settings.FAHNDUNG_LOGIN_LOCKOUT_SECONDS = 300
    client = Client()
    statuses = [client.post("/accounts/login/", {"username": "investigator", "password": "falsch"}).status_code
                for _ in range(4)]
    assert statuses[-1] == 429, statuses
    response = client.post("/accounts/login/", {"username": "investigator", "password": "falsch"})
    assert response.status_code == 429 and response["Retry-After"] == "300"
