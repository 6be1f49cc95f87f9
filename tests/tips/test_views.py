"""Staff UI and public HTML form (no JavaScript needed)."""

from __future__ import annotations

import re

import pytest
from django.db import OperationalError
from django.test import Client

from fahndung.core.models import AuditEvent
from fahndung.tips import services
from fahndung.tips.models import Tip
from tests.tips.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.FAHNDUNG_REQUIRE_OTP = False  # the OTP step is covered by the accounts tests

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def tip(published):
    r = services.tip_submit_public(appeal_slug=published.slug, content="Sichtung am Marktplatz", client_key="k",
                                   attachments=[upload("a.jpg", image_bytes())])
    return Tip.objects.get(pk=r.tip_id)


def test_inbox_detail_and_actions_for_case_team(staff, investigator, tip, published):
    client = staff(investigator)
    page = client.get(f"/staff/tips/appeal/{published.pk}/")
    assert page.status_code == 200 and tip.reference.encode() in page.content
    assert b"<svg" in page.content and b"Sichtung" not in page.content  # inbox: metadata only
    prompt = client.get(f"/staff/tips/{tip.pk}/")
    assert prompt.status_code == 200 and b"Sichtung" not in prompt.content
    assert not AuditEvent.objects.filter(action="tip.view").exists()
    opened = client.get(f"/staff/tips/{tip.pk}/?open=1&reason=Spur+7")
    assert b"Sichtung am Marktplatz" in opened.content
    assert AuditEvent.objects.get(action="tip.view").detail["reason"] == "Spur 7"
    r = client.post(f"/staff/tips/{tip.pk}/action/", {"op": "transition", "action": "start_review", "reason": "Spur 7"})
    assert r.status_code == 302
    client.post(f"/staff/tips/{tip.pk}/action/", {"op": "reply", "body": "Danke für den Hinweis"})
    client.post(f"/staff/tips/{tip.pk}/action/", {"op": "note", "body": "intern"})
    tip.refresh_from_db()
    assert tip.state == "in_review" and tip.messages.count() == 1 and tip.notes.count() == 1
    download = client.get(f"/staff/tips/attachment/{tip.attachments.get().pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == image_bytes()
    pdf = client.get(f"/staff/tips/appeal/{published.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_other_unit_gets_404_and_press_sees_counts_only(staff, investigator2, press, tip, published):
    assert staff(investigator2).get(f"/staff/tips/{tip.pk}/?open=1").status_code == 404
    assert staff(investigator2).get(f"/staff/tips/appeal/{published.pk}/").status_code == 404
    press_client = staff(press)
    assert press_client.get(f"/staff/tips/{tip.pk}/?open=1").status_code == 403
    index = press_client.get("/staff/tips/")
    assert index.status_code == 200 and published.file_number_police.encode() in index.content
    assert b"Sichtung" not in index.content


def test_staff_intake_form(staff, press, published):
    client = staff(press)
    assert client.get(f"/staff/tips/appeal/{published.pk}/new/").status_code == 200
    r = client.post(f"/staff/tips/appeal/{published.pk}/new/", {
        "channel": "phone", "received_at": "2026-01-05T10:30", "content": "Anrufer sah Fahrzeug",
        "anonymous": "on", "attachments": [upload("p.png", image_bytes("PNG"))]})
    assert r.status_code == 302, r.content[:500]
    tip = Tip.objects.get(channel="phone")
    assert tip.logged_by == press and tip.attachments.count() == 1


def test_summary_partial(rf, investigator, press, tip, published):
    from django.template.loader import render_to_string

    for user, inbox_link in ((investigator, True), (press, False)):
        request = rf.get("/")
        request.user = user
        html = render_to_string("tips/_appeal_tips_summary.html", {"appeal": published}, request=request)
        assert "1</strong>" in html
        assert (f"/staff/tips/appeal/{published.pk}/\"" in html) is inbox_link


# --- public HTML --------------------------------------------------------------------

def test_public_form_roundtrip_without_javascript(client, published, investigator):
    page = client.get(f"/hinweise/{published.slug}/")
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    assert b'<label for="tip-content">' in page.content and b"<script" not in page.content
    r = client.post(f"/hinweise/{published.slug}/", {"content": "Gesehen in der S-Bahn", "anonymous": "true",
                                                     "attachments": [upload("x.jpg", image_bytes())]})
    assert r.status_code == 201 and r["Cache-Control"] == "no-store"
    ref = re.search(rb"H-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", r.content).group().decode()
    secret = re.search(rb"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", r.content).group().decode()
    tip = Tip.objects.get(reference=ref)
    assert tip.attachments.count() == 1
    services.tip_reply(actor=investigator, tip_id=tip.pk, body="Welche Linie?")
    thread = client.post("/hinweise/nachfrage/", {"reference": ref, "secret": secret})
    assert thread.status_code == 200 and b"Welche Linie?" in thread.content and b"investigator" not in thread.content
    added = client.post("/hinweise/nachfrage/ergaenzen/", {"reference": ref, "secret": secret, "body": "S1"})
    assert added.status_code == 201 and tip.messages.count() == 2
    wrong = client.post("/hinweise/nachfrage/", {"reference": ref, "secret": "AAAAA-AAAAA-AAAAA-AAAAA"})
    assert wrong.status_code == 404 and b"falsch" in wrong.content


def test_public_form_errors_rerender_with_values(client, published):
    r = client.post(f"/hinweise/{published.slug}/", {"content": "Text bleibt", "anonymous": "false"})
    assert r.status_code == 400 and b'role="alert"' in r.content and b"Text bleibt" in r.content
    assert Tip.objects.count() == 0


def test_public_form_english(client, published):
    page = client.get(f"/hinweise/{published.slug}/?lang=en")
    assert b"Submit tip" in page.content and b'lang="en"' in page.content
    r = client.post(f"/hinweise/{published.slug}/", {"content": "Seen at the station", "anonymous": "true", "lang": "en"})
    assert r.status_code == 201 and b"Access code" in r.content


def test_public_form_database_down_is_503_page(client, published, monkeypatch):
    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "tip_submit_public", down)
    r = client.post(f"/hinweise/{published.slug}/", {"content": "x", "anonymous": "true"})
    assert r.status_code == 503 and b"NICHT gespeichert" in r.content and r["Retry-After"] == "30"


def test_unknown_appeal_public_404(client):
    assert client.get("/hinweise/doesnotexist/").status_code == 404


def test_public_partial_renders_with_the_project_urls(rf, published, settings):
    """The appeal page renders the partial with {"appeal": …} only, under the project URLs."""
    from django.template.loader import render_to_string
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "fahndung.urls"
    clear_url_caches()
    html = render_to_string("tips/public_form.html", {"appeal": published}, request=rf.get("/"))
    assert f'/hinweise/{published.slug}/"' in html and 'name="content"' in html
    assert "csrf" not in html.lower()  # keeps the public page cacheable
