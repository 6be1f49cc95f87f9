"""Imaging API: status, boxes CRUD, subject, review, renditions; scoping and permissions."""

from __future__ import annotations

import pytest

from fahndung.imaging.models import AnalysisState, PhotoAnalysis

pytestmark = pytest.mark.django_db


def _url(photo, tail=""):
    return f"/api/v1/photos/{photo.pk}/{tail}"


def test_processing_status(api_as, investigator, processed):
    r = api_as(investigator).get(_url(processed, "processing/"))
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "ready_for_review" and body["progress"] == 100 and body["rendered"] is True
    assert body["width"] == 1200 and body["subject"] is not None
    assert any("bestätigen" in label for label in body["flag_labels"])


def test_out_of_scope_is_404(api_as, investigator2, processed):
    client = api_as(investigator2)
    for tail in ("processing/", "boxes/", "renditions/"):
        r = client.get(_url(processed, tail))
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.post(_url(processed, "boxes/"), {"kind": "plate", "x": 1, "y": 1, "w": 10, "h": 10}, format="json")
    assert r.status_code == 404


def test_anonymous_is_refused(api_client, processed):
    assert api_client.get(_url(processed, "processing/")).status_code in (401, 403)


def test_box_crud_and_subject(api_as, investigator, processed, django_capture_on_commit_callbacks):
    client = api_as(investigator)
    boxes = client.get(_url(processed, "boxes/")).json()
    assert boxes and all(b["source"] == "detected" for b in boxes)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(_url(processed, "boxes/"), {"kind": "plate", "x": 20, "y": 700, "w": 100, "h": 40}, format="json")
    assert r.status_code == 201, r.json()
    box = r.json()
    assert box["source"] == "manual" and box["kind"] == "plate"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.patch(_url(processed, f"boxes/{box['id']}/"), {"x": 20, "y": 690, "w": 120, "h": 50}, format="json")
    assert r.status_code == 200 and r.json()["w"] == 120
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(_url(processed, "subject/"), {"box_id": boxes[0]["id"]}, format="json")
    assert r.status_code == 200 and r.json()["subject_confirmed"] is True
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(_url(processed, f"boxes/{box['id']}/")).status_code == 204
    assert client.delete(_url(processed, f"boxes/{box['id']}/")).status_code == 404
    assert PhotoAnalysis.objects.get(photo=processed).state == AnalysisState.READY


def test_bad_box_input_is_400_not_500(api_as, investigator, processed):
    client = api_as(investigator)
    r = client.post(_url(processed, "boxes/"), {"kind": "plate", "x": "a"}, format="json")
    assert r.status_code == 400 and "x" in r.json()["error"]["fields"]
    r = client.post(_url(processed, "boxes/"), {"kind": "plate", "x": 5000, "y": 0, "w": 10, "h": 10}, format="json")
    assert r.status_code == 400 and r.json()["error"]["message"]
    r = client.post(_url(processed, "subject/"), {"box": [1, 2]}, format="json")
    assert r.status_code == 400


def test_review_permissions_and_flow(api_as, investigator, liaison, press, processed):
    r = api_as(investigator).post(_url(processed, "approve/"))
    assert r.status_code == 403
    r = api_as(liaison).post(_url(processed, "approve/"))
    assert r.status_code == 403
    r = api_as(press).post(_url(processed, "reject/"), {"reason": ""}, format="json")
    assert r.status_code == 400
    r = api_as(press).post(_url(processed, "approve/"))
    assert r.status_code == 200 and r.json()["state"] == "approved"
    rows = api_as(press).get(_url(processed, "renditions/")).json()
    assert len(rows) == 10 and all(row["public_url"] for row in rows)
    r = api_as(press).post(_url(processed, "approve/"))
    assert r.status_code == 409
    r = api_as(press).post(_url(processed, "reject/"), {"reason": "Kennzeichen sichtbar"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    rows = api_as(press).get(_url(processed, "renditions/")).json()
    assert not any(row["public_url"] for row in rows)


def test_retry_only_from_failed(api_as, investigator, processed):
    r = api_as(investigator).post(_url(processed, "retry/"))
    assert r.status_code == 409
