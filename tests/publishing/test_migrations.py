"""publishing 0002: open legacy "withdraw" tasks become lifecycle ManualTakedownTasks.

The RunPython function is called with the historical apps of the migration graph at that
migration (the schema is unchanged by it, so the test database already fits)."""

from __future__ import annotations

import importlib
import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fahndung.core import clock
from fahndung.lifecycle.models import ManualTakedownTask, ManualTaskState, Takedown, TakedownState
from fahndung.publishing.models import ManualPublishTask, Publication, PublicationEvent

pytestmark = pytest.mark.django_db

MIGRATION = ("publishing", "0002_withdraw_tasks_to_lifecycle")
_n = itertools.count(1)


def run_migration() -> None:
    module = importlib.import_module(f"fahndung.publishing.migrations.{MIGRATION[1]}")
    apps = MigrationExecutor(connection).loader.project_state([MIGRATION]).apps
    module.forward(apps, None)


def make_pub(appeal, platform="whatsapp", *, channel="manual", state="published", **fields) -> Publication:
    n = next(_n)
    return Publication.objects.create(
        appeal=appeal, platform=platform, account=f"{platform}:m{n}", account_label=f"{platform} {n}",
        channel=channel, state=state, desired_state="withdrawn", text=f"FAHNDUNG: Raub ({n})\nHinweise an 110",
        idempotency_key=f"mig-{n}", **fields,
    )


def legacy(publication, *, kind="withdraw", status="open", created_at=None) -> ManualPublishTask:
    return ManualPublishTask.objects.create(
        publication=publication, kind=kind, status=status, instructions="Beitrag im Kanal löschen.",
        text=publication.text, created_at=created_at or clock.now(),
    )


def test_open_legacy_task_without_takedown_becomes_a_lifecycle_task(published):
    publication = make_pub(published)
    old = legacy(publication)
    run_migration()
    takedown = Takedown.objects.get(publication_id=publication.pk)
    task = ManualTakedownTask.objects.get(takedown=takedown)
    assert takedown.state == TakedownState.MANUAL_REQUIRED and takedown.appeal_id == published.pk
    assert task.state == ManualTaskState.OPEN and task.reason == "no_api" and task.deadline_at > clock.now()
    assert "Beitrag im Kanal löschen." in task.instructions and "FAHNDUNG: Raub" in task.instructions
    old.refresh_from_db()
    assert old.status == "cancelled" and f"#{task.pk}" in old.note
    assert not ManualPublishTask.objects.filter(kind="withdraw", status="open").exists()


def test_existing_open_lifecycle_task_is_kept_and_the_legacy_row_closed(published):
    publication = make_pub(published, "x", channel="api", state="withdraw_failed")
    now = clock.now()
    takedown = Takedown.objects.create(appeal=published, publication_id=publication.pk, platform="x",
                                       state=TakedownState.MANUAL_REQUIRED, started_at=now)
    existing = ManualTakedownTask.objects.create(appeal=published, takedown=takedown, platform="x", instructions="i",
                                                 reason="permanent_error", created_at=now,
                                                 deadline_at=now + timedelta(hours=2))
    old = legacy(publication)
    run_migration()
    assert list(ManualTakedownTask.objects.values_list("pk", flat=True)) == [existing.pk]
    existing.refresh_from_db()
    old.refresh_from_db()
    assert existing.instructions == "i" and existing.state == ManualTaskState.OPEN
    assert old.status == "cancelled" and f"#{existing.pk}" in old.note


def test_legacy_task_of_a_publication_withdrawn_later_is_only_closed(published):
    publication = make_pub(published, "x", channel="api")
    old = legacy(publication, created_at=clock.now() - timedelta(hours=1))
    Publication.objects.filter(pk=publication.pk).update(state="withdrawn", withdrawn_at=clock.now(),
                                                         verified_absent_at=clock.now())
    run_migration()
    old.refresh_from_db()
    assert old.status == "cancelled" and "zurückgezogen" in old.note
    assert not Takedown.objects.exists() and not ManualTakedownTask.objects.exists()
    assert Publication.objects.get(pk=publication.pk).state == "withdrawn"


def test_late_post_after_the_withdrawal_reopens_the_finished_takedown(published):
    earlier = clock.now() - timedelta(hours=1)
    publication = make_pub(published, "linkedin", channel="api", state="withdrawn", withdrawn_at=earlier,
                           verified_absent_at=earlier)
    takedown = Takedown.objects.create(appeal=published, publication_id=publication.pk, platform="linkedin",
                                       state=TakedownState.WITHDRAWN, started_at=earlier, finished_at=earlier)
    old = legacy(publication)  # written by the orphan removal after the withdrawal
    run_migration()
    takedown.refresh_from_db()
    publication.refresh_from_db()
    assert takedown.state == TakedownState.MANUAL_REQUIRED and takedown.finished_at is None
    assert publication.state == "withdraw_failed" and publication.verified_absent_at is None
    assert PublicationEvent.objects.filter(publication=publication, to_state="withdraw_failed").exists()
    task = ManualTakedownTask.objects.get(takedown=takedown)
    assert task.is_open and task.reason == "permanent_error"
    old.refresh_from_db()
    assert old.status == "cancelled"


def test_publish_tasks_and_closed_legacy_rows_are_untouched(published):
    publication = make_pub(published, state="awaiting_manual")
    publish = legacy(publication, kind="publish")
    done = legacy(publication, status="done")
    run_migration()
    assert ManualPublishTask.objects.get(pk=publish.pk).status == "open"
    assert ManualPublishTask.objects.get(pk=done.pk).status == "done"
    assert not Takedown.objects.exists()
