"""Malformed requests get clear answers, never a 500."""

from __future__ import annotations

import pytest

from fahndung.appeals.models import Appeal
from tests.web.test_appeal_flow import form_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [
    {"legal_basis": "stpo_131_3", "issuer_type": "police", "is_emergency": "true", "decided_at": "2026-13-45T99:99"},
    {"legal_basis": "stpo_131_3", "issuer_type": "police", "is_emergency": "true", "decided_at": "2026-03-29T02:30"},
    {},
])
def test_preview_with_bad_dates(investigator, staff_client, params):
    r = staff_client(investigator).get("/staff/deadline-preview/", params)
    assert r.status_code == 200 and "needed" in r.json()


@pytest.mark.parametrize("mutation", [
    lambda d: d.pop("persons-TOTAL_FORMS"),
    lambda d: d.update({"persons-TOTAL_FORMS": "abc"}),
    lambda d: d.update({"persons-TOTAL_FORMS": "50"}),
    lambda d: d.update({"kind": "erfunden"}),
    lambda d: d.update({"order-issuer_type": "<script>"}),
    lambda d: d.update({"reward_amount": "-5"}),
])
def test_garbage_form_posts_are_400_and_store_nothing(investigator, staff_client, mutation):
    data = form_payload()
    mutation(data)
    r = staff_client(investigator).post("/staff/appeals/new/", data)
    assert r.status_code == 400
    assert "<script>" not in r.content.decode()
    assert Appeal.objects.count() == 0


def test_press_cannot_create(press, staff_client):
    r = staff_client(press).post("/staff/appeals/new/", form_payload())
    assert r.status_code == 400
    assert "Nur die Sachbearbeitung kann Fahndungen anlegen." in r.content.decode()
    assert Appeal.objects.count() == 0


def test_photo_upload_without_file(appeal, investigator, staff_client):
    client = staff_client(investigator)
    r = client.post(f"/staff/appeals/{appeal.pk}/photos/", {}, HTTP_ACCEPT="application/json")
    assert r.status_code == 400 and r.json()["error"]["message"]
    r = client.post(f"/staff/appeals/{appeal.pk}/photos/", {}, follow=True)
    assert "Bitte mindestens eine Datei auswählen." in r.content.decode()


def test_other_unit_cannot_upload(appeal, investigator2, staff_client, png_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = staff_client(investigator2).post(
        f"/staff/appeals/{appeal.pk}/photos/", {"files": SimpleUploadedFile("a.png", png_bytes(), "image/png")},
        HTTP_ACCEPT="application/json",
    )
    assert r.status_code == 404
    assert appeal.photos.count() == 0


def test_action_error_never_redirects_to_post_only_url(appeal, investigator, staff_client):
    url = f"/staff/appeals/{appeal.pk}/archive/"
    r = staff_client(investigator).post(url, HTTP_REFERER=f"http://testserver{url}")
    assert r.status_code == 302 and r["Location"] == f"/staff/appeals/{appeal.pk}/"
