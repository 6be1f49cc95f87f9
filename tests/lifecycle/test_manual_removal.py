"""One to-do for "a person must remove a post": lifecycle's ManualTakedownTask, with the
real publishing services (fake platform server) underneath. Publishing's ManualPublishTask
is only ever a publish to-do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.appeals import services as appeal_services
from fahndung.appeals.choices import Status
from fahndung.core import clock
from fahndung.core.errors import Conflict
from fahndung.lifecycle import services
from fahndung.lifecycle.models import (
    ManualTakedownTask,
    ManualTaskReason,
    ManualTaskState,
    Takedown,
    TakedownState,
)
from fahndung.publishing import services as publishing_services
from fahndung.publishing.models import ManualPublishTask, Publication
from fahndung.publishing.states import State

pytestmark = pytest.mark.django_db

POSTER_LOCATIONS = "Hauptbahnhof Stuttgart, Rathaus Bad Cannstatt"


@pytest.fixture
def live_appeal(appeal, fake_platform, monkeypatch, investigator, press, django_capture_on_commit_callbacks):
    """A published appeal on the fake platforms plus the WhatsApp channel, media partners
    and a poster account (all three without API)."""
    monkeypatch.setenv("FAHNDUNG_POSTER_CITY_LOCATIONS", POSTER_LOCATIONS)
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    with django_capture_on_commit_callbacks(execute=True):
        result = appeal_services.appeal_approve(actor=press, appeal_id=appeal.pk, checklist={})
    assert result.status == Status.PUBLISHED
    return result


def _close(appeal, press, capture) -> None:
    with capture(execute=True):
        appeal_services.appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")


def _withdraw_tasks() -> int:
    return ManualPublishTask.objects.filter(kind=ManualPublishTask.Kind.WITHDRAW).count()


def test_closing_creates_exactly_one_removal_task_per_manual_channel(
    live_appeal, press, django_capture_on_commit_callbacks,
):
    manual = {p.account: p for p in Publication.objects.filter(appeal=live_appeal, channel="manual")}
    assert {"whatsapp:ppstuttgart", "poster:city"} <= set(manual)
    _close(live_appeal, press, django_capture_on_commit_callbacks)
    services.takedowns_reconcile()  # the sweep neither doubles nor adds a publishing to-do
    for account, publication in manual.items():
        tasks = ManualTakedownTask.objects.filter(takedown__publication_id=publication.pk)
        assert tasks.count() == 1, account
        assert tasks.get().state == ManualTaskState.OPEN and tasks.get().reason == ManualTaskReason.NO_API
    assert ManualTakedownTask.objects.filter(appeal=live_appeal).count() == len(manual)
    assert _withdraw_tasks() == 0
    poster = ManualTakedownTask.objects.get(takedown__publication_id=manual["poster:city"].pk)
    assert POSTER_LOCATIONS in poster.instructions  # the channel's own removal steps
    whatsapp = ManualTakedownTask.objects.get(takedown__publication_id=manual["whatsapp:ppstuttgart"].pk)
    assert "Polizei Stuttgart (WhatsApp-Kanal)" in whatsapp.instructions


def test_confirming_the_removal_task_finishes_the_takedown(live_appeal, press, django_capture_on_commit_callbacks):
    publication = Publication.objects.get(appeal=live_appeal, account="whatsapp:ppstuttgart")
    publish_task = ManualPublishTask.objects.get(publication=publication, kind="publish")
    publishing_services.manual_task_complete(actor=press, task_id=publish_task.pk, note="gepostet")
    _close(live_appeal, press, django_capture_on_commit_callbacks)
    task = ManualTakedownTask.objects.get(takedown__publication_id=publication.pk)
    services.manual_task_confirm(actor=press, task_id=task.pk, note="Im Kanal gelöscht, 10:05 geprüft")
    task.refresh_from_db()
    publication.refresh_from_db()
    takedown = Takedown.objects.get(publication_id=publication.pk)
    assert task.state == ManualTaskState.CONFIRMED and task.confirmed_by == press
    assert takedown.state == TakedownState.MANUAL_CONFIRMED and takedown.finished_at is not None
    assert publication.state == State.WITHDRAWN and publication.confirmed_by == press
    assert publication not in Publication.objects.filter(desired_state="withdrawn").exclude(state="withdrawn")
    assert _withdraw_tasks() == 0


def test_posted_by_hand_after_the_close_is_removed_through_the_same_task(
    live_appeal, press, django_capture_on_commit_callbacks,
):
    """The press office posted before hearing of the close: the publish to-do was cancelled
    by the close and cannot be confirmed any more (never "published" on a closed appeal);
    the removal task opened by the close covers the post; no second to-do appears anywhere."""
    publication = Publication.objects.get(appeal=live_appeal, account="whatsapp:ppstuttgart")
    publish_task = ManualPublishTask.objects.get(publication=publication, kind="publish")
    _close(live_appeal, press, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        publishing_services.manual_task_complete(actor=press, task_id=publish_task.pk, note="gepostet 09:58",
                                                 external_url="https://whatsapp.example/channel/1")
    publication.refresh_from_db()
    assert publication.state == State.AWAITING_MANUAL and publication.desired_state == "withdrawn"
    services.takedowns_reconcile()
    task = ManualTakedownTask.objects.get(takedown__publication_id=publication.pk)
    assert task.is_open and _withdraw_tasks() == 0
    services.manual_task_confirm(actor=press, task_id=task.pk, note="gelöscht")
    assert Publication.objects.get(pk=publication.pk).state == State.WITHDRAWN


def test_late_post_that_cannot_be_deleted_reopens_the_takedown(
    live_appeal, press, fake_platform, monkeypatch, django_capture_on_commit_callbacks,
):
    """An API post verified gone turns up again (a publish call that outlived its lease) and
    the platform refuses the delete: the finished takedown starts over and ends with a
    person, in the same task list."""
    from fahndung.publishing import services_remote
    from fahndung.publishing.adapters.base import RemoteRef

    publication = Publication.objects.get(appeal=live_appeal, account="linkedin:ppstuttgart")
    _close(live_appeal, press, django_capture_on_commit_callbacks)
    takedown = Takedown.objects.get(publication_id=publication.pk)  # deleted by the close's task
    assert takedown.state == TakedownState.WITHDRAWN and takedown.finished_at is not None
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN and publication.verified_absent_at is not None

    # The late post: on the platform, but its delete is refused for good.
    ref = services_remote._adapter(publication).publish(services_remote._payload(publication))
    fake_platform.add_fault("linkedin", status=403, method="DELETE", count=10)
    services_remote._remove_orphan(publication.pk, RemoteRef(ref.external_id, ref.url))
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAW_FAILED and publication.verified_absent_at is None
    assert _withdraw_tasks() == 0

    result = services.takedowns_reconcile(dispatch=False)
    takedown.refresh_from_db()
    assert result["created"] == 1 and result["due"] == 1
    assert takedown.state == TakedownState.PENDING and takedown.finished_at is None
    assert services.takedown_attempt(takedown_id=takedown.pk, owner="t2") == TakedownState.MANUAL_REQUIRED
    task = ManualTakedownTask.objects.get(takedown=takedown)
    assert task.is_open and task.reason == ManualTaskReason.PERMANENT_ERROR
    assert _withdraw_tasks() == 0


def test_reopened_takedown_reopens_its_earlier_manual_task(
    live_appeal, press, django_capture_on_commit_callbacks,
):
    """ManualTakedownTask is one per takedown: a second manual phase reopens it with a new
    deadline instead of leaving the person a closed task."""
    from fahndung.lifecycle import machines
    from fahndung.lifecycle.services.manual import manual_task_open

    publication = Publication.objects.get(appeal=live_appeal, account="whatsapp:ppstuttgart")
    _close(live_appeal, press, django_capture_on_commit_callbacks)
    task = ManualTakedownTask.objects.get(takedown__publication_id=publication.pk)
    services.manual_task_confirm(actor=press, task_id=task.pk, note="gelöscht")
    takedown = Takedown.objects.get(pk=task.takedown_id)
    later = clock.now() + timedelta(hours=5)
    with clock.frozen(later):
        machines.transition(takedown, "reopen")
        again = manual_task_open(takedown=takedown, reason=ManualTaskReason.NO_API, detail="wieder da")
    assert again.pk == task.pk and again.state == ManualTaskState.OPEN
    assert again.confirmed_by is None and again.deadline_at > later
    assert Takedown.objects.get(pk=takedown.pk).state == TakedownState.MANUAL_REQUIRED
