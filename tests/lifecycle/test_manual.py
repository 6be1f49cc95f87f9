"""Manual takedown tasks: confirmation by a person (via the real publishing service),
escalation to the press-office lead and then the duty officer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from fahndung.appeals.services import appeal_close
from fahndung.core import clock
from fahndung.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from fahndung.core.models import AuditEvent
from fahndung.lifecycle import services
from fahndung.lifecycle.models import (
    LifecycleEvent,
    ManualTakedownTask,
    ManualTaskState,
    Takedown,
    TakedownState,
)
from fahndung.publishing.models import Publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def manual_task(published, press, make_pub):
    pub = make_pub(published, "whatsapp", channel="manual")
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    return ManualTakedownTask.objects.get(takedown__publication_id=pub.pk)


def test_confirm_records_person_time_note_and_marks_publication(manual_task, press):
    t0 = clock.now()
    with clock.frozen(t0):
        services.manual_task_confirm(actor=press, task_id=manual_task.pk, note="Im Kanal gelöscht, geprüft 10:05")
    manual_task.refresh_from_db()
    assert manual_task.state == ManualTaskState.CONFIRMED
    assert (manual_task.confirmed_by, manual_task.confirmed_at) == (press, t0)
    assert manual_task.note == "Im Kanal gelöscht, geprüft 10:05"
    pub = Publication.objects.get(pk=manual_task.takedown.publication_id)  # the real publishing service ran
    assert pub.state == "withdrawn" and pub.confirmed_by == press and pub.verified_absent_at is None
    assert Takedown.objects.get(pk=manual_task.takedown_id).state == TakedownState.MANUAL_CONFIRMED
    assert AuditEvent.objects.filter(action="takedown.manual_confirm").exists()


def test_confirm_needs_press_office_and_note(manual_task, investigator, press):
    with pytest.raises(PermissionDenied):
        services.manual_task_confirm(actor=investigator, task_id=manual_task.pk, note="weg")
    with pytest.raises(ValidationFailed):
        services.manual_task_confirm(actor=press, task_id=manual_task.pk, note="   ")
    manual_task.refresh_from_db()
    assert manual_task.state == ManualTaskState.OPEN


def test_confirm_twice_is_refused(manual_task, press):
    services.manual_task_confirm(actor=press, task_id=manual_task.pk, note="gelöscht")
    with pytest.raises(TransitionNotAllowed):
        services.manual_task_confirm(actor=press, task_id=manual_task.pk, note="nochmal")


def test_escalation_lead_then_duty_officer(manual_task, press_lead, duty_officer, settings, django_capture_on_commit_callbacks):
    settings.FAHNDUNG_ESCALATION_STEP_HOURS = 1
    deadline = manual_task.deadline_at

    def escalate(now):
        with django_capture_on_commit_callbacks(execute=True):
            return services.manual_tasks_escalate(now=now)

    assert escalate(deadline - timedelta(minutes=1)) == 0
    with clock.frozen(deadline):
        assert escalate(deadline) == 1
    manual_task.refresh_from_db()
    assert (manual_task.state, manual_task.escalation_level) == (ManualTaskState.ESCALATED_LEAD, 1)
    assert mail.outbox[-1].to == [press_lead.email]
    assert "Leitung Pressestelle" in mail.outbox[-1].body
    assert escalate(deadline + timedelta(minutes=30)) == 0  # step not reached
    assert escalate(deadline + timedelta(hours=1)) == 1
    manual_task.refresh_from_db()
    assert (manual_task.state, manual_task.escalation_level) == (ManualTaskState.ESCALATED_DUTY, 2)
    assert mail.outbox[-1].to == [duty_officer.email]
    assert escalate(deadline + timedelta(days=3)) == 0  # no level beyond duty
    assert len(mail.outbox) == 2
    actions = list(LifecycleEvent.objects.filter(machine="manual_task").values_list("action", flat=True))
    assert actions == ["escalate", "escalate"]


def test_escalated_task_can_still_be_confirmed(manual_task, press, press_lead):
    services.manual_tasks_escalate(now=manual_task.deadline_at)
    services.manual_task_confirm(actor=press, task_id=manual_task.pk, note="erledigt")
    manual_task.refresh_from_db()
    assert manual_task.state == ManualTaskState.CONFIRMED


def test_confirmed_via_publishing_ui_is_synced_by_sweep(manual_task, press):
    from fahndung.publishing.services import publication_mark_withdrawn_manually

    publication_mark_withdrawn_manually(publication_id=manual_task.takedown.publication_id, actor=press, note="per UI")
    services.takedowns_reconcile(dispatch=False)
    manual_task.refresh_from_db()
    assert manual_task.state == ManualTaskState.CONFIRMED and manual_task.confirmed_by == press
    assert Takedown.objects.get(pk=manual_task.takedown_id).state == TakedownState.MANUAL_CONFIRMED


def test_manual_channel_is_never_withdrawn_automatically(manual_task, scripted):
    result = services.takedowns_reconcile()
    assert result["due"] == 0 and scripted.calls == []
    assert Publication.objects.get(pk=manual_task.takedown.publication_id).state == "published"
