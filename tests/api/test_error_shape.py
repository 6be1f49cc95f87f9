"""The API's one JSON error shape on every /api/ path (issue 10 finding 11, issue 15 finding 8):
unknown URLs, non-integer ids, wrong methods, malformed and absurdly nested JSON, rate
limits (with Retry-After) – always {"error": {"code", "message", "fields"}}, German, never
HTML and never a 5xx."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


GERMAN_HINTS = ("nicht", "Fehler", "ungültig", "Anfrage", "zulässig", "gefunden", "fehlerhaft", "Zu viele", "Anmeld")


def _german(message: str) -> None:
    assert any(h.lower() in message.lower() for h in GERMAN_HINTS), message
    for english in ("not found", "not allowed", "parse error", "malformed", "credentials", "Expecting"):
        assert english.lower() not in message.lower(), message


@pytest.mark.parametrize("path", [
    "/api/v1/does-not-exist/",
    "/api/v1/appeals/abc/",          # non-integer id: the <int:pk> route does not match
    "/api/v1/appeals/1x/submit/",
    "/api/v1/public/appeals/kein-slug-vorhanden/",
    "/api/",
    "/api/v2/appeals/",
])
def test_unknown_api_urls_answer_the_json_error(api_as, investigator, path):
    error = _error(api_as(investigator).get(path), 404)
    assert error["code"] == "not_found"
    _german(error["message"])


def test_unknown_api_url_anonymous_is_json_too():
    error = _error(Client().get("/api/v1/nothing/here/"), 404)
    _german(error["message"])


def test_wrong_method_is_json_and_german(api_as, investigator):
    error = _error(api_as(investigator).delete("/api/v1/appeals/"), 405)
    assert error["code"] == "method_not_allowed"
    _german(error["message"])


def test_malformed_json_is_a_german_400(api_as, investigator):
    response = api_as(investigator).generic("POST", "/api/v1/appeals/", "{\"title\": ", content_type="application/json")
    error = _error(response, 400)
    assert error["code"] == "parse_error"
    _german(error["message"])


def test_json_nested_10000_levels_is_a_400_not_a_500(api_as, investigator):
    body = "[" * 10_000 + "]" * 10_000
    response = api_as(investigator).generic("POST", "/api/v1/appeals/", body, content_type="application/json")
    error = _error(response, 400)
    assert error["code"] == "parse_error"
    _german(error["message"])


def test_deeply_nested_json_object_on_public_tip_api(published):
    body = '{"content": ' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "}"
    response = Client().generic("POST", f"/api/v1/public/appeals/{published.slug}/tips/", body,
                                content_type="application/json")
    assert response.status_code == 400
    _error(response, 400)


def test_unauthenticated_message_is_german():
    response = Client().get("/api/v1/appeals/")
    assert response.status_code in (401, 403)
    _german(_error(response, response.status_code)["message"])


def test_csrf_failure_on_api_with_session_is_json(investigator):
    from tests.accounts.helpers import verified_client

    session = verified_client(investigator)
    client = Client(enforce_csrf_checks=True)
    client.cookies = session.cookies
    response = client.post("/api/v1/appeals/", data=json.dumps({}), content_type="application/json")
    error = _error(response, 403)
    _german(error["message"])


def test_rate_limited_public_tip_api_carries_retry_after(published, settings):
    settings.FAHNDUNG_TIP_RATE_LIMIT = "1/600"
    client = Client()
    url = f"/api/v1/public/appeals/{published.slug}/tips/"
    first = client.post(url, data=json.dumps({"content": "Gesehen am Bahnhof."}), content_type="application/json")
    assert first.status_code in (201, 202), first.content[:300]
    second = client.post(url, data=json.dumps({"content": "Noch einmal gesehen."}), content_type="application/json")
    error = _error(second, 429)
    _german(error["message"])
    assert 0 < int(second["Retry-After"]) <= 600


def test_server_error_on_api_is_json(api_as, investigator, monkeypatch):
    from api import appeals

    def boom(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(appeals.AppealListCreateApi, "get", boom)
    client = api_as(investigator)
    client.raise_request_exception = False
    error = _error(client.get("/api/v1/appeals/"), 500)
    assert error["code"] == "server_error"
    _german(error["message"])
    assert "kaputt" not in error["message"]
