"""Role × endpoint matrix for the appeals API. Out-of-scope objects are 404, not 403."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from fahndung.appeals import services
from fahndung.appeals.models import Appeal

ANON = "anonymous"


def _client(name, personas, api_as, api_client):
    return api_client if name == ANON else api_as(personas[name])


def _png() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    buf.name = "foto.png"
    return buf


def _state(appeal: Appeal, personas, state: str) -> Appeal:
    if state in ("submitted", "published", "closed"):
        services.appeal_submit(actor=personas["investigator"], appeal_id=appeal.pk)
    if state in ("published", "closed"):
        services.appeal_approve(actor=personas["press"], appeal_id=appeal.pk)
    if state == "closed":
        services.appeal_close(actor=personas["press"], appeal_id=appeal.pk, reason="arrested")
    appeal.refresh_from_db()
    return appeal


# (method, url suffix, appeal state, payload, {persona: expected status})
MATRIX = [
    ("get", "", "draft", None, {"investigator": 200, "investigator2": 404, "press": 404, "liaison": 404, "admin": 404, ANON: 401}),
    ("get", "", "submitted", None, {"investigator": 200, "investigator2": 404, "press": 200, "liaison": 200, "admin": 404, ANON: 401}),
    ("patch", "", "draft", {"place": "Stuttgart-Ost"}, {"investigator": 200, "investigator2": 404, "press": 404, "liaison": 404, "admin": 404, ANON: 401}),
    ("patch", "", "submitted", {"place": "Stuttgart-Ost"}, {"investigator2": 404, "press": 403, "liaison": 403, "investigator": 200}),
    ("post", "submit/", "draft", {}, {"investigator2": 404, "press": 404, "admin": 404, ANON: 401, "investigator": 200}),
    ("post", "approve/", "submitted", {}, {"investigator": 403, "liaison": 403, "investigator2": 404, "admin": 404, ANON: 401, "press": 200}),
    ("post", "request-changes/", "submitted", {"comment": "Bitte Foto"}, {"investigator": 403, "liaison": 403, "investigator2": 404, "press": 200}),
    ("post", "close/", "published", {"reason": "arrested"}, {"investigator2": 404, "admin": 404, ANON: 401, "liaison": 200}),
    ("post", "close/", "published", {"reason": "arrested"}, {"investigator": 200}),
    ("post", "close/", "published", {"reason": "arrested"}, {"press": 200}),
    ("get", "events/", "submitted", None, {"investigator": 200, "investigator2": 404, "press": 200, "admin": 404, ANON: 401}),
    ("delete", "", "draft", None, {"investigator2": 404, "press": 404, ANON: 401, "investigator": 204}),
    ("post", "archive/", "published", {}, {"press": 409}),
    ("post", "archive/", "closed", {}, {"investigator": 403, "investigator2": 404, "liaison": 403, "press": 200}),
]


@pytest.mark.parametrize(("method", "suffix", "state", "payload", "expected"), MATRIX)
def test_role_endpoint_matrix(method, suffix, state, payload, expected, appeal, personas, api_as, api_client):
    appeal = _state(appeal, personas, state)
    for name, status in expected.items():
        client = _client(name, personas, api_as, api_client)
        response = getattr(client, method)(f"/api/v1/appeals/{appeal.pk}/{suffix}", payload, format="json")
        assert response.status_code == status, (name, response.status_code, getattr(response, "data", None))
        if status >= 400:
            assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("investigator", 201), ("investigator2", 404), ("press", 404), ("liaison", 404), (ANON, 401)],
)
def test_photo_upload_matrix(persona, expected, appeal, personas, api_as, api_client):
    client = _client(persona, personas, api_as, api_client)
    response = client.post(f"/api/v1/appeals/{appeal.pk}/photos/", {"file": _png()}, format="multipart")
    assert response.status_code == expected, response.content
    assert appeal.photos.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(("persona", "expected"), [("investigator", 201), ("press", 403), ("liaison", 403), ("admin", 403), (ANON, 401)])
def test_create_matrix(persona, expected, personas, api_as, api_client, valid_payload):
    response = _client(persona, personas, api_as, api_client).post("/api/v1/appeals/", valid_payload, format="json")
    assert response.status_code == expected, response.content


def test_list_is_scoped(appeal, personas, api_as):
    assert api_as(personas["investigator"]).get("/api/v1/appeals/").json()["count"] == 1
    assert api_as(personas["investigator2"]).get("/api/v1/appeals/").json()["count"] == 0
    assert api_as(personas["press"]).get("/api/v1/appeals/").json()["count"] == 0  # drafts are private to the unit
    _state(appeal, personas, "submitted")
    assert api_as(personas["press"]).get("/api/v1/appeals/?status=submitted").json()["count"] == 1


def test_unknown_list_filter_is_400_with_allowed_values(appeal, personas, api_as):
    response = api_as(personas["investigator"]).get("/api/v1/appeals/?status=publishd&kind=suspect")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "published" in fields["status"][0] and "suspect_unknown" in fields["kind"][0]


def test_illegal_transition_is_409_with_message(appeal, personas, api_as):
    _state(appeal, personas, "published")
    response = api_as(personas["press"]).post(f"/api/v1/appeals/{appeal.pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert "nicht möglich" in response.json()["error"]["message"]


def test_team_member_of_other_unit_gains_access(appeal, personas, api_as):
    services.team_member_add(actor=personas["investigator"], appeal_id=appeal.pk, user=personas["investigator2"])
    assert api_as(personas["investigator2"]).get(f"/api/v1/appeals/{appeal.pk}/").status_code == 200


def test_session_without_second_factor_is_not_authenticated(appeal, personas, client):
    client.force_login(personas["investigator"])
    assert client.get(f"/api/v1/appeals/{appeal.pk}/").status_code in (401, 403)
