"""API of the lifecycle area: dashboard JSON, manual confirmation, distribution list,
acknowledgements, extension requests and reviews; error shape and permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.appeals.services import appeal_close
from fahndung.core import clock
from fahndung.lifecycle.models import DistributionRecipient, ManualTakedownTask, WithdrawalNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_with_tasks(published, press, make_pub, scripted):
    make_pub(published, "x")
    make_pub(published, "whatsapp", channel="manual")
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    return published


def test_dashboard_json(api_as, press, closed_with_tasks):
    response = api_as(press).get("/api/v1/takedowns/")
    assert response.status_code == 200
    data = response.json()
    assert {row["platform"] for row in data["open_takedowns"]} == {"x", "whatsapp"}
    assert data["oldest_divergence_seconds"] is not None and data["oldest_divergence_seconds"] >= 0
    assert len(data["manual_tasks"]) == 1 and data["manual_tasks"][0]["platform"] == "whatsapp"
    assert "deadline_at" in data["manual_tasks"][0] and data["manual_tasks"][0]["overdue"] is False


def test_dashboard_forbidden_for_investigator(api_as, investigator, closed_with_tasks):
    response = api_as(investigator).get("/api/v1/takedowns/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_manual_confirm_api(api_as, press, closed_with_tasks):
    task = ManualTakedownTask.objects.get()
    client = api_as(press)
    bad = client.post(f"/api/v1/takedowns/manual-tasks/{task.pk}/confirm/", {"note": ""}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["note"]
    ok = client.post(f"/api/v1/takedowns/manual-tasks/{task.pk}/confirm/", {"note": "gelöscht"}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "confirmed" and ok.json()["confirmed_by"] == "press"
    again = client.post(f"/api/v1/takedowns/manual-tasks/{task.pk}/confirm/", {"note": "x"}, format="json")
    assert again.status_code == 409
    missing = client.post("/api/v1/takedowns/manual-tasks/999999/confirm/", {"note": "x"}, format="json")
    assert missing.status_code == 404


def test_recipient_crud_and_ack(api_as, press, published):
    client = api_as(press)
    created = client.post(f"/api/v1/appeals/{published.pk}/recipients/",
                          {"kind": "media", "name": "SWR", "email": "news@swr.example"}, format="json")
    assert created.status_code == 201, created.json()
    rid = created.json()["id"]
    assert client.get(f"/api/v1/appeals/{published.pk}/recipients/").json()[0]["email"] == "news@swr.example"
    patched = client.patch(f"/api/v1/recipients/{rid}/", {"name": "SWR Aktuell"}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "SWR Aktuell"
    invalid = client.post(f"/api/v1/appeals/{published.pk}/recipients/", {"kind": "x", "name": "", "email": "no"}, format="json")
    assert invalid.status_code == 400 and set(invalid.json()["error"]["fields"]) >= {"kind", "email"}
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    notice_id = client.get(f"/api/v1/recipients/{rid}/").json()["notice"]["id"]
    ack = client.post(f"/api/v1/notices/{notice_id}/acknowledge/", {"note": "per Telefon"}, format="json")
    assert ack.status_code == 200 and ack.json()["acknowledged_via"] == "staff"
    assert client.delete(f"/api/v1/recipients/{rid}/").status_code == 409
    assert WithdrawalNotice.objects.get().acknowledged_at is not None


def test_recipient_delete_before_close(api_as, press, published):
    client = api_as(press)
    rid = client.post(f"/api/v1/appeals/{published.pk}/recipients/",
                      {"kind": "portal", "name": "P", "email": "p@p.example"}, format="json").json()["id"]
    assert client.delete(f"/api/v1/recipients/{rid}/").status_code == 204
    assert not DistributionRecipient.objects.exists()


def test_recipients_of_other_unit_are_not_found(api_as, investigator2, published):
    assert api_as(investigator2).get(f"/api/v1/appeals/{published.pk}/recipients/").status_code == 404


def test_extension_and_decision_api(api_as, investigator, press, published):
    until = (clock.now() + timedelta(days=100)).isoformat()
    created = api_as(investigator).post(f"/api/v1/appeals/{published.pk}/extension-requests/",
                                        {"expires_at": until, "reason": "Hinweislage"}, format="json")
    assert created.status_code == 201 and created.json()["state"] == "pending"
    bad = api_as(press).post(f"/api/v1/extension-requests/{created.json()['id']}/decide/", {"decision": "maybe"}, format="json")
    assert bad.status_code == 400
    ok = api_as(press).post(f"/api/v1/extension-requests/{created.json()['id']}/decide/", {"decision": "approve"}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    too_long = api_as(investigator).post(f"/api/v1/appeals/{published.pk}/extension-requests/",
                                         {"expires_at": (clock.now() + timedelta(days=999)).isoformat()}, format="json")
    assert too_long.status_code == 400 and "expires_at" in too_long.json()["error"]["fields"]


def test_review_api(api_as, liaison, published):
    response = api_as(liaison).post(f"/api/v1/appeals/{published.pk}/reviews/", {"note": "StA bestätigt"}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "done"


def test_appeal_takedown_api(api_as, investigator, closed_with_tasks):
    data = api_as(investigator).get(f"/api/v1/appeals/{closed_with_tasks.pk}/takedown/").json()
    assert data["status"] == "closed" and len(data["takedowns"]) == 2 and len(data["manual_tasks"]) == 1


def test_unauthenticated_is_refused(api_client):
    assert api_client.get("/api/v1/takedowns/").status_code in (401, 403)
