"""Publishing API: publications list, variants, length, manual tasks, error shape."""

from __future__ import annotations

import pytest

from fahndung.appeals import services as appeal_services
from fahndung.publishing.models import ManualPublishTask, Publication


@pytest.mark.django_db
def test_publications_and_tasks_api(appeal, publish_appeal, fake_platform, press, api_as):
    publish_appeal(appeal)
    client = api_as(press)
    data = client.get(f"/api/v1/appeals/{appeal.pk}/publications/").json()
    by_account = {row["account"]: row for row in data}
    assert by_account["mastodon:bund"]["state"] == "published" and by_account["mastodon:bund"]["external_url"]
    tasks = client.get("/api/v1/manual-tasks/").json()
    assert {t["account"] for t in tasks} == {"whatsapp:ppstuttgart", "press:media"}
    task_id = tasks[0]["id"]
    r = client.post(f"/api/v1/manual-tasks/{task_id}/done/", {"note": "erledigt"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "done"
    pub = Publication.objects.get(account="whatsapp:ppstuttgart")
    r = client.post(f"/api/v1/publications/{pub.pk}/mark-withdrawn/", {"note": ""}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_failed"


@pytest.mark.django_db
def test_variants_api_edit_and_approve_with_the_appeal(appeal, investigator, press, press2, api_as, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    client = api_as(press)
    variants = client.get(f"/api/v1/appeals/{appeal.pk}/post-variants/").json()
    x = next(v for v in variants if v["platform"] == "x")
    assert x["count"] <= 280 and x["problems"] == []
    r = client.put(f"/api/v1/appeals/{appeal.pk}/post-variants/x/", {"text": x["text"] + "!" * 300}, format="json")
    assert r.status_code == 200 and r.json()["count"] > 280 and r.json()["problems"]
    # No per-platform approval: the appeal approval (by somebody else) covers every text.
    assert client.post(f"/api/v1/appeals/{appeal.pk}/post-variants/x/approve/").status_code == 404
    second = api_as(press2)
    r = second.post(f"/api/v1/appeals/{appeal.pk}/approve/", {}, format="json")
    assert r.status_code == 400 and "zu lang" in r.json()["error"]["message"]
    client.put(f"/api/v1/appeals/{appeal.pk}/post-variants/x/", {"text": x["text"]}, format="json")
    assert second.post(f"/api/v1/appeals/{appeal.pk}/approve/", {}, format="json").status_code == 200
    x = next(v for v in client.get(f"/api/v1/appeals/{appeal.pk}/post-variants/").json() if v["platform"] == "x")
    assert x["approved_at"]


@pytest.mark.django_db
def test_investigator_cannot_edit_or_override(appeal, investigator, api_as):
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    client = api_as(investigator)
    assert client.put(f"/api/v1/appeals/{appeal.pk}/post-variants/x/", {"text": "x"}, format="json").status_code == 403
    r = client.post(f"/api/v1/appeals/{appeal.pk}/platform-media/", {"allow": True, "reason": "weil es hilft"},
                    format="json")
    assert r.status_code == 403


@pytest.mark.django_db
def test_post_length_api(press, api_as):
    r = api_as(press).post("/api/v1/post-length/", {"platform": "bluesky", "text": "ä" * 301}, format="json")
    assert r.json()["count"] == 301 and r.json()["ok"] is False
    r = api_as(press).post("/api/v1/post-length/", {"platform": "nope", "text": ""}, format="json")
    assert r.status_code == 400


@pytest.mark.django_db
def test_no_manual_tasks_for_investigators(appeal, publish_appeal, fake_platform, investigator, api_as):
    publish_appeal(appeal)
    assert ManualPublishTask.objects.exists()
    assert api_as(investigator).get("/api/v1/manual-tasks/").json() == []
