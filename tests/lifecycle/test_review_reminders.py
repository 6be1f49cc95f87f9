"""Review (R8, issue 10 finding 9): reminders before a review is due, escalation to the
press-office lead, an audit row for each, and protected appeals (minors, missing
persons) are never closed silently; the staff dashboard counts down to the review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from fahndung.appeals.choices import Kind, LegalBasis, Status
from fahndung.appeals.models import Appeal
from fahndung.core import clock
from fahndung.core.models import AuditEvent
from fahndung.lifecycle import services
from fahndung.lifecycle.models import ReviewState, ReviewTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_settings(settings):
    settings.FAHNDUNG_REVIEW_DAYS = 180
    settings.FAHNDUNG_REVIEW_DAYS_PROTECTED = 30
    settings.FAHNDUNG_REVIEW_REMINDER_DAYS = "14,3"
    settings.FAHNDUNG_REVIEW_ESCALATION_DAYS = 1
    return settings


@pytest.fixture
def missing_child(make_published):
    appeal = make_published(kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW, is_minor=True)
    Appeal.objects.filter(pk=appeal.pk).update(expires_at=clock.now() + timedelta(days=400))
    return appeal


def _mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def _task(appeal) -> ReviewTask:
    services.deadlines_run()
    return ReviewTask.objects.get(appeal=appeal, state=ReviewState.OPEN)


def test_reminders_to_owner_and_press_office_14_and_3_days_before(
    published, investigator, press, review_settings
):
    Appeal.objects.filter(pk=published.pk).update(expires_at=clock.now() + timedelta(days=400))
    task = _task(published)
    mail.outbox.clear()
    with clock.frozen(task.due_at - timedelta(days=20)):
        services.deadlines_run()
    assert not mail.outbox
    with clock.frozen(task.due_at - timedelta(days=14) + timedelta(hours=1)):
        services.deadlines_run()
        services.deadlines_run()  # idempotent: one reminder per stage
    assert len(_mails_to(investigator.email)) == 1 and len(_mails_to(press.email)) == 1
    first = _mails_to(investigator.email)[0]
    assert "Überprüfung" in first.subject and published.file_number_police in first.subject
    with clock.frozen(task.due_at - timedelta(days=3) + timedelta(hours=1)):
        services.deadlines_run()
    assert len(_mails_to(investigator.email)) == 2
    events = AuditEvent.objects.filter(action="lifecycle.review_reminder", appeal_id=published.pk)
    assert sorted(e.detail["days_before"] for e in events) == [3, 14]


def test_escalation_to_press_lead_before_due(published, press_lead, review_settings):
    Appeal.objects.filter(pk=published.pk).update(expires_at=clock.now() + timedelta(days=400))
    task = _task(published)
    mail.outbox.clear()
    with clock.frozen(task.due_at - timedelta(days=3)):
        services.deadlines_run()
    def escalations():
        return [m for m in _mails_to(press_lead.email) if "Eskalation" in m.subject]

    assert _mails_to(press_lead.email) and not escalations()  # the lead is press office: reminded
    with clock.frozen(task.due_at - timedelta(hours=20)):
        services.deadlines_run()
        services.deadlines_run()
    assert len(escalations()) == 1
    assert AuditEvent.objects.filter(action="lifecycle.review_escalate", appeal_id=published.pk).count() == 1


def test_missing_child_is_not_closed_silently_when_review_is_due(
    missing_child, investigator, press, press_lead, duty_officer, review_settings
):
    task = _task(missing_child)
    with clock.frozen(task.due_at + timedelta(minutes=1)):
        result = services.deadlines_run()
    missing_child.refresh_from_db()
    task.refresh_from_db()
    assert missing_child.status == Status.PUBLISHED
    assert result["reviews_lapsed"] == 0
    assert task.state == ReviewState.OPEN  # stays on the dashboard as overdue
    overdue = AuditEvent.objects.get(action="lifecycle.review_overdue", appeal_id=missing_child.pk)
    assert overdue.detail["protected"] is True
    assert _mails_to(press_lead.email) and _mails_to(duty_officer.email)
    assert _mails_to(investigator.email)
    with clock.frozen(task.due_at + timedelta(days=2)):
        services.deadlines_run()
    assert AuditEvent.objects.filter(action="lifecycle.review_overdue", appeal_id=missing_child.pk).count() == 1
    missing_child.refresh_from_db()
    assert missing_child.status == Status.PUBLISHED


def test_missing_person_is_never_closed_by_a_missed_review(missing_child, review_settings):
    task = _task(missing_child)
    for later in (timedelta(minutes=1), timedelta(days=2), timedelta(days=40)):
        with clock.frozen(task.due_at + later):
            services.deadlines_run()
    missing_child.refresh_from_db()
    assert missing_child.status == Status.PUBLISHED


@pytest.mark.parametrize("fields", [
    {"kind": Kind.MISSING, "legal_basis": LegalBasis.POLICE_LAW},  # adult missing person
    {"is_minor": True},  # minor suspect
])
def test_every_protected_appeal_stays_published_and_escalated(make_published, press_lead, review_settings, fields):
    appeal = make_published(**fields)
    Appeal.objects.filter(pk=appeal.pk).update(expires_at=clock.now() + timedelta(days=400))
    task = _task(appeal)
    with clock.frozen(task.due_at + timedelta(minutes=1)):
        services.deadlines_run()
    appeal.refresh_from_db()
    assert appeal.status == Status.PUBLISHED
    assert AuditEvent.objects.filter(action="lifecycle.review_overdue", appeal_id=appeal.pk).exists()


def test_minor_suspect_closed_only_after_alarm_and_grace(make_published, investigator, press_lead, review_settings):
    review_settings.FAHNDUNG_REVIEW_GRACE_HOURS = 24
    appeal = make_published(is_minor=True)
    Appeal.objects.filter(pk=appeal.pk).update(expires_at=clock.now() + timedelta(days=400))
    task = _task(appeal)
    with clock.frozen(task.due_at + timedelta(hours=1)):
        services.deadlines_run()  # alarm
    with clock.frozen(task.due_at + timedelta(hours=24)):
        services.deadlines_run()  # 23 h after the alarm: still up
    appeal.refresh_from_db()
    assert appeal.status == Status.PUBLISHED
    alarm = [m for m in _mails_to(press_lead.email) if "überfällig" in m.subject]
    assert alarm and "Ende am" in alarm[0].subject
    with clock.frozen(task.due_at + timedelta(hours=25, minutes=1)):
        assert services.deadlines_run()["reviews_lapsed"] == 1
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert [m for m in _mails_to(investigator.email) if "beendet" in m.subject]


def test_unprotected_appeal_closed_at_due_is_announced(published, investigator, press, review_settings):
    Appeal.objects.filter(pk=published.pk).update(expires_at=clock.now() + timedelta(days=400))
    task = _task(published)
    mail.outbox.clear()
    with clock.frozen(task.due_at + timedelta(minutes=1)):
        assert services.deadlines_run()["reviews_lapsed"] == 1
    published.refresh_from_db()
    assert published.status == Status.CLOSED
    closing = [m for m in _mails_to(investigator.email) if "beendet" in m.subject]
    assert closing and press.email in closing[0].to + closing[0].cc + closing[0].bcc


def test_recorded_review_stops_reminders(published, liaison, investigator, review_settings):
    Appeal.objects.filter(pk=published.pk).update(expires_at=clock.now() + timedelta(days=400))
    task = _task(published)
    with clock.frozen(task.due_at - timedelta(days=5)):
        services.review_record(actor=liaison, appeal_id=published.pk, note="StA Müller bestätigt, Az 12 Js 1/26")
    mail.outbox.clear()
    with clock.frozen(task.due_at - timedelta(days=2)):
        services.deadlines_run()
    assert not _mails_to(investigator.email)


def test_dashboard_counts_down_to_the_open_review(missing_child, investigator, review_settings, staff_client):
    task = _task(missing_child)
    Appeal.objects.filter(pk=missing_child.pk).update(review_due_at=None)
    client = staff_client(investigator)  # GET only: CSRF plays no part
    with clock.frozen(task.due_at - timedelta(days=2)):
        body = client.get("/staff/").content.decode()
    assert f'datetime="{timezone.localtime(task.due_at).isoformat()}"' in body
    with clock.frozen(task.due_at + timedelta(hours=1)):
        services.deadlines_run()
        body = client.get("/staff/").content.decode()
    assert "Überprüfung überfällig" in body


def test_expiry_of_a_missing_child_is_announced_to_press_office_and_lead(missing_child, investigator, press,
                                                                        press_lead, settings):
    settings.FAHNDUNG_EXPIRY_WARNING_DAYS = 7
    Appeal.objects.filter(pk=missing_child.pk).update(expires_at=clock.now() + timedelta(days=5))
    mail.outbox.clear()
    services.deadlines_run()
    warned = [m for m in mail.outbox if "Läuft ab" in m.subject]
    assert len(warned) == 1
    assert {investigator.email, press.email, press_lead.email} <= set(warned[0].to)
