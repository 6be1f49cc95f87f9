"""API validation errors: missing/malformed fields give 400 with field details; nothing is stored."""

from __future__ import annotations

import pytest

from fahndung.appeals.models import Appeal


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: p.pop("kind"), "kind"),
        (lambda p: p.pop("expires_at"), "expires_at"),
        (lambda p: p.update(kind="alien"), "kind"),
        (lambda p: p.update(legal_basis="other"), "legal_basis"),
        (lambda p: p.update(expires_at="gestern"), "expires_at"),
        (lambda p: p.update(reward_amount=-5), "reward_amount"),
        (lambda p: p.update(reward_amount=1000), "reward_reference"),
        (lambda p: p.update(kind="missing"), "legal_basis"),
        (lambda p: p["order"].update(decided_at="not a date"), "order.decided_at"),
        (lambda p: p["order"].update(issuer_type="mayor"), "order.issuer_type"),
        (lambda p: p["persons"][0].update(published_fields=["shoe_size"]), "persons[0].published_fields"),
        (lambda p: p["persons"][0].update(age_min="alt"), "persons[0].age_min"),
        (lambda p: p.update(title="x" * 500), "title"),
    ],
)
def test_invalid_create_is_400_and_stores_nothing(mutate, field, valid_payload, investigator, api_as):
    mutate(valid_payload)
    response = api_as(investigator).post("/api/v1/appeals/", valid_payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "validation_failed"
    assert any(key == field or key.startswith(field) for key in body["fields"]), body
    assert Appeal.objects.count() == 0


def test_valid_create_round_trip(valid_payload, investigator, api_as):
    response = api_as(investigator).post("/api/v1/appeals/", valid_payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["unit"] == "unit-a"
    assert data["order"]["confirmation_due_at"] is None
    assert data["allowed_actions"] == ["submit", "close"]
    assert data["persons"][0]["published_fields"]


def test_malformed_json_is_400(investigator, api_as):
    response = api_as(investigator).generic("POST", "/api/v1/appeals/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_submit_incomplete_is_400_with_fields(valid_payload, investigator, api_as):
    valid_payload["measures_taken"] = ""
    client = api_as(investigator)
    pk = client.post("/api/v1/appeals/", valid_payload, format="json").json()["id"]
    response = client.post(f"/api/v1/appeals/{pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "measures_taken" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "leer"), (b"GIF89a" + b"\0" * 100, "JPEG"), (b"%PDF-1.7 fake", "JPEG")],
)
def test_bad_photo_upload_is_400(content, message, appeal, investigator, api_as):
    import io

    upload = io.BytesIO(content)
    upload.name = "bild.jpg"
    response = api_as(investigator).post(f"/api/v1/appeals/{appeal.pk}/photos/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert message in response.json()["error"]["message"] or message in str(response.json()["error"]["fields"])
    assert appeal.photos.count() == 0


def test_request_changes_without_comment_is_400(appeal, investigator, press, api_as):
    api_as(investigator).post(f"/api/v1/appeals/{appeal.pk}/submit/", {}, format="json")
    response = api_as(press).post(f"/api/v1/appeals/{appeal.pk}/request-changes/", {}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()["error"]["fields"]


def test_schema_and_docs_are_served(investigator, api_as):
    client = api_as(investigator)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/appeals/{id}/approve/" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200
