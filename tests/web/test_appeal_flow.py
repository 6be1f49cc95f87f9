"""The appeal wizard and the four-eyes workflow through the staff UI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal, AppealEvent, Photo
from fahndung.core import clock

pytestmark = pytest.mark.django_db


def form_payload(**overrides) -> dict[str, str]:
    decided = (clock.now() - timedelta(hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    data = {
        "kind": "suspect_unknown", "legal_basis": "stpo_131b_1", "title": "Raub Schlossplatz",
        "file_number_police": "ST/4711/00001/26", "file_number_prosecutor": "", "prosecutor_contact": "",
        "order-issuer_type": "judge", "order-issuer_name": "", "order-authority": "Amtsgericht Stuttgart",
        "order-decision_number": "Gs 123/26", "order-decided_at": decided, "order-scope_notes": "",
        "offence": "Schwerer Raub", "offence_statute": "§ 250 StGB",
        "significance_reason": "Bewaffneter Überfall mit erheblicher Beute.",
        "measures_taken": "Zeugenbefragung, Videoauswertung ohne Ergebnis.", "place": "Stuttgart, Schlossplatz",
        "district": "", "occurred_from": "", "occurred_to": "",
        "public_facts": "Am Abend wurde ein Kiosk überfallen.", "withheld_facts": "Tatwaffe: Messer mit rotem Griff",
        "persons-TOTAL_FORMS": "1", "persons-INITIAL_FORMS": "0", "persons-MIN_NUM_FORMS": "1",
        "persons-MAX_NUM_FORMS": "10",
        "persons-0-role": "", "persons-0-sex": "male", "persons-0-age_min": "25", "persons-0-age_max": "30",
        "persons-0-height_min_cm": "175", "persons-0-height_max_cm": "185", "persons-0-build": "schlank",
        "persons-0-clothing": "Schwarze Kapuzenjacke", "persons-0-pub_sex": "on", "persons-0-pub_age": "on",
        "persons-0-pub_height": "on", "persons-0-pub_build": "on", "persons-0-pub_clothing": "on",
        "risk_category": "", "consent_given_by": "", "consent_relation": "", "consent_date": "",
        "consent_scope": "", "consent_exception": "", "reward_amount": "", "reward_authority": "",
        "reward_reference": "", "reward_conditions": "", "hotline": "",
        "expires_on": (clock.now() + timedelta(days=60)).date().isoformat(), "review_due_at": "",
    }
    data.update(overrides)
    return data


def test_create_form_renders_all_steps(investigator, staff_client):
    body = staff_client(investigator).get("/staff/appeals/new/").content.decode()
    for step in ("step-basis", "step-order", "step-facts", "step-persons", "step-protection", "step-photos"):
        assert f'id="{step}"' in body
    # admissible bases are marked per kind for the inline filter
    assert 'data-kinds="suspect_known suspect_unknown"' in body or 'data-kinds="suspect_unknown suspect_known"' in body


@pytest.mark.parametrize(("overrides", "field_text"), [
    ({"kind": ""}, "Bitte die Fahndungsart wählen."),
    ({"title": ""}, "Bitte einen Kurztitel angeben."),
    ({"expires_on": "31.02.2026x"}, "Bitte ein gültiges Datum angeben."),
    ({"order-decided_at": "gestern"}, "Datum"),
    ({"persons-0-age_min": "zwanzig"}, "ganze Zahl"),
    ({"legal_basis": "police_law"}, "Die Rechtsgrundlage passt nicht zur Fahndungsart (R1)."),
    ({"reward_amount": "5000"}, "Pflicht, wenn eine Belohnung angegeben ist."),
])
def test_invalid_input_shows_errors_and_stores_nothing(investigator, staff_client, overrides, field_text):
    client = staff_client(investigator)
    r = client.post("/staff/appeals/new/", form_payload(**overrides))
    assert r.status_code == 400
    body = r.content.decode()
    assert 'class="errorlist' in body
    assert field_text in body
    assert 'aria-invalid="true"' in body  # the broken field is announced to screen readers
    assert Appeal.objects.count() == 0


def test_expiry_beyond_maximum_blocks_submit_with_message(investigator, staff_client):
    client = staff_client(investigator)
    r = client.post("/staff/appeals/new/", form_payload(expires_on=(clock.now() + timedelta(days=400)).date().isoformat()))
    assert r.status_code == 302  # a draft may be incomplete; the per-kind maximum is a submission rule
    appeal = Appeal.objects.get()
    detail = client.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert "höchstens 180 Tage" in detail  # shown as a blocking reason before submitting
    r = client.post(f"/staff/appeals/{appeal.pk}/submit/", follow=True)
    assert "Einreichen nicht möglich" in r.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.DRAFT


def test_happy_path_create_upload_submit_approve(investigator, press, staff_client, png_bytes):
    inv = staff_client(investigator)
    r = inv.post("/staff/appeals/new/", form_payload())
    assert r.status_code == 302, r.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert r["Location"] == f"/staff/appeals/{appeal.pk}/edit/?step=photos"
    assert appeal.order.authority == "Amtsgericht Stuttgart"
    person = appeal.persons.get()
    assert person.age_min == 25 and "clothing" in person.published_fields and "name" not in person.published_fields

    # Photo via the JSON endpoint used by drag and drop, plus a wrong file with a clear error.
    r = inv.post(f"/staff/appeals/{appeal.pk}/photos/", {"files": SimpleUploadedFile("a.png", png_bytes(), "image/png")},
                 HTTP_ACCEPT="application/json")
    assert r.status_code == 201 and r.json()["ok"] is True
    r = inv.post(f"/staff/appeals/{appeal.pk}/photos/", {"files": SimpleUploadedFile("x.png", b"not an image", "image/png")},
                 HTTP_ACCEPT="application/json")
    assert r.status_code == 400 and "error" in r.json()
    assert Photo.objects.filter(appeal=appeal).count() == 1

    assert inv.get(f"/staff/appeals/{appeal.pk}/edit/?step=photos").status_code == 200
    r = inv.post(f"/staff/appeals/{appeal.pk}/submit/")
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED

    # The submitter cannot approve (four eyes): the page says why, no 500.
    checklist = {"offender_warning": "on", "copycat_risk": "on", "no_perpetrator_knowledge": "on", "data_minimisation": "on"}
    prs = staff_client(press)
    queue = prs.get("/staff/review/").content.decode()
    assert appeal.title in queue
    # Checklist is mandatory.
    prs.post(f"/staff/appeals/{appeal.pk}/approve/", {"offender_warning": "on"})
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    # The photo is not processed yet: the approval covers the photos, so it is refused.
    r = prs.post(f"/staff/appeals/{appeal.pk}/approve/", checklist, follow=True)
    assert "noch nicht prüfbar" in r.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    from fahndung.imaging.models import AnalysisState, PhotoAnalysis
    from fahndung.imaging.processing import photo_process

    analysis = PhotoAnalysis.objects.get(photo__appeal=appeal)
    photo_process(analysis_id=analysis.pk)
    r = prs.post(f"/staff/appeals/{appeal.pk}/approve/", checklist, follow=True)
    assert r.status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == Status.PUBLISHED
    analysis.refresh_from_db()
    assert analysis.state == AnalysisState.APPROVED  # approved with the appeal
    assert appeal.approvals.get().checklist == {k: True for k in checklist}
    detail = prs.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    history = detail[detail.index('class="timeline"'):]
    assert "Zur Freigabe einreichen" in history and "Freigeben" in history and "Veröffentlichen" in history
    # partials of the other areas render inside the page (none may fail)
    assert "Dieser Bereich konnte nicht geladen werden" not in detail


def test_submitter_cannot_approve_own_appeal_in_ui(appeal, investigator, staff_client):
    from fahndung.appeals.services import appeal_submit
    from tests.factories import UserFactory

    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    dual = UserFactory(username="dual", roles=["investigator", "press_office"], unit=appeal.unit)
    client = staff_client(dual)
    Appeal.objects.filter(pk=appeal.pk).update(owner=dual)
    checklist = {"offender_warning": "on", "copycat_risk": "on", "no_perpetrator_knowledge": "on", "data_minimisation": "on"}
    r = client.post(f"/staff/appeals/{appeal.pk}/approve/", checklist, follow=True)
    assert r.status_code == 200
    assert "Vier-Augen-Prinzip" in r.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED


def test_request_changes_requires_comment(appeal, investigator, press, staff_client):
    from fahndung.appeals.services import appeal_submit

    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    client = staff_client(press)
    r = client.post(f"/staff/appeals/{appeal.pk}/request-changes/", {"comment": "   "}, follow=True)
    assert "Bitte begründen" in r.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    client.post(f"/staff/appeals/{appeal.pk}/request-changes/", {"comment": "Tatzeit ergänzen"})
    appeal.refresh_from_db()
    assert appeal.status == Status.CHANGES_REQUESTED
    assert AppealEvent.objects.filter(appeal=appeal, action="request_changes", comment="Tatzeit ergänzen").exists()


def test_edit_prefills_and_updates(appeal, investigator, staff_client):
    client = staff_client(investigator)
    r = client.get(f"/staff/appeals/{appeal.pk}/edit/")
    assert r.status_code == 200 and appeal.title in r.content.decode()
    payload = form_payload(title="Neuer Titel", **{"persons-INITIAL_FORMS": "1"})
    r = client.post(f"/staff/appeals/{appeal.pk}/edit/", payload)
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.title == "Neuer Titel"


def test_illegal_transition_is_a_message_not_500(appeal, investigator, staff_client):
    client = staff_client(investigator)
    r = client.post(f"/staff/appeals/{appeal.pk}/archive/", follow=True)
    assert r.status_code in (200, 403)
    appeal.refresh_from_db()
    assert appeal.status == Status.DRAFT


def test_close_with_reason(appeal, investigator, staff_client):
    client = staff_client(investigator)
    r = client.post(f"/staff/appeals/{appeal.pk}/close/", {"reason": ""}, follow=True)
    assert "Erledigungsgrund" in r.content.decode()
    client.post(f"/staff/appeals/{appeal.pk}/close/", {"reason": "withdrawn", "comment": "doppelt"})
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.close_reason == "withdrawn"


def _edit_payload(client, appeal) -> dict[str, str]:
    """The edit form exactly as the browser would submit it, unchanged."""
    import re

    body = client.get(f"/staff/appeals/{appeal.pk}/edit/").content.decode()
    form_html = body[body.index('id="appeal-form"'):body.index("</form>", body.index('id="appeal-form"'))]
    data: dict[str, str] = {}
    for m in re.finditer(r"<input([^>]*)>", form_html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if "name" not in attrs or "__prefix__" in attrs["name"]:
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in m.group(1):
                data[attrs["name"]] = "on"
        else:
            data[attrs["name"]] = attrs.get("value", "")
    for m in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form_html, re.S):
        if "__prefix__" in m.group(1):
            continue
        sel = re.search(r'<option value="([^"]*)"[^>]*selected', m.group(2))
        data[m.group(1)] = sel.group(1) if sel else ""
    for m in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form_html, re.S):
        if "__prefix__" not in m.group(1):
            data[m.group(1)] = __import__("html").unescape(m.group(2)).lstrip("\n")
    return data


def test_unchanged_edit_keeps_persons_and_version(appeal, investigator, staff_client):
    client = staff_client(investigator)
    person_ids = list(appeal.persons.values_list("pk", flat=True))
    data = _edit_payload(client, appeal)
    r = client.post(f"/staff/appeals/{appeal.pk}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert list(appeal.persons.values_list("pk", flat=True)) == person_ids
    data["title"] = "Nur der Titel ist neu"
    client.post(f"/staff/appeals/{appeal.pk}/edit/", data)
    appeal.refresh_from_db()
    assert appeal.title == "Nur der Titel ist neu"
    assert appeal.persons.count() == 1 and appeal.version == 1


def test_edit_of_submitted_appeal_creates_new_version(appeal, investigator, staff_client):
    from fahndung.appeals.services import appeal_submit

    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    client = staff_client(investigator)
    data = _edit_payload(client, appeal)
    data["persons-0-clothing"] = "Rote Jacke"
    assert client.post(f"/staff/appeals/{appeal.pk}/edit/", data).status_code == 302
    appeal.refresh_from_db()
    assert appeal.version == 2 and appeal.status == Status.SUBMITTED
    assert appeal.persons.get().clothing == "Rote Jacke"


def test_unchanged_edit_of_approved_appeal_is_not_a_new_version(appeal, investigator, press, staff_client):
    from fahndung.appeals.services import appeal_approve, appeal_submit

    order = appeal.order
    order.decided_at = order.decided_at.replace(second=37, microsecond=123456)
    order.save()
    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    from django.conf import settings as dj_settings

    auto = getattr(dj_settings, "FAHNDUNG_AUTO_PUBLISH", True)
    dj_settings.FAHNDUNG_AUTO_PUBLISH = False
    try:
        appeal_approve(actor=press, appeal_id=appeal.pk, checklist={})
    finally:
        dj_settings.FAHNDUNG_AUTO_PUBLISH = auto
    appeal.refresh_from_db()
    assert appeal.status == Status.APPROVED
    client = staff_client(investigator)
    assert client.post(f"/staff/appeals/{appeal.pk}/edit/", _edit_payload(client, appeal)).status_code == 302
    appeal.refresh_from_db()
    changed = list(AppealEvent.objects.filter(appeal=appeal, action="revise").values_list("comment", flat=True))
    assert appeal.status == Status.APPROVED and appeal.version == 1, changed


def test_review_queue_actions_return_to_queue(appeal, investigator, press, staff_client):
    from fahndung.appeals.services import appeal_submit

    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    client = staff_client(press)
    body = client.get("/staff/review/").content.decode()
    assert f"/staff/appeals/{appeal.pk}/approve/" in body and f"/staff/appeals/{appeal.pk}/request-changes/" in body
    r = client.post(f"/staff/appeals/{appeal.pk}/request-changes/", {"comment": "Foto fehlt", "next": "/staff/review/"})
    assert r["Location"] == "/staff/review/"
    appeal.refresh_from_db()
    assert appeal.status == Status.CHANGES_REQUESTED
    assert appeal.title not in client.get("/staff/review/").content.decode()
