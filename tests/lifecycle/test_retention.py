"""Retention purge (R19): past-retention closed appeals are deleted with their private
files and the deletion is logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal, Photo
from fahndung.core import clock
from fahndung.core.models import AuditEvent
from fahndung.lifecycle import services
from fahndung.lifecycle.models import Takedown

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_old(make_published, investigator):
    appeal = make_published(status=Status.CLOSED, close_reason="arrested")
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=clock.now() - timedelta(days=400))
    photo = Photo(appeal=appeal, sha256="a" * 64, size_bytes=4, content_type="image/jpeg", uploaded_by=investigator)
    photo.original.save("original", ContentFile(b"\xff\xd8\xff\x00"), save=False)
    photo.save()
    return appeal, photo


def test_purge_deletes_past_retention_and_logs(closed_old, make_published, settings, django_capture_on_commit_callbacks):
    settings.FAHNDUNG_RETENTION_DAYS = 365
    appeal, photo = closed_old
    storage, name = photo.original.storage, photo.original.name
    assert storage.exists(name)
    recent = make_published(status=Status.CLOSED, close_reason="arrested")
    Appeal.objects.filter(pk=recent.pk).update(closed_at=clock.now() - timedelta(days=10))
    live = make_published()
    with django_capture_on_commit_callbacks(execute=True):  # files go after commit
        result = services.records_purge_expired()
    assert result["appeals"] == 1 and result["photos"] == 1 and result["files"] == 1
    assert not Appeal.objects.filter(pk=appeal.pk).exists()
    assert not storage.exists(name)
    assert Appeal.objects.filter(pk__in=[recent.pk, live.pk]).count() == 2
    event = AuditEvent.objects.get(action="retention.purge")
    assert event.detail["appeals"] == 1 and appeal.file_number_police in event.detail["file_numbers"]
    assert event.detail["rows"]["appeals.Appeal"] == 1


def test_dry_run_deletes_nothing(closed_old, settings):
    settings.FAHNDUNG_RETENTION_DAYS = 365
    result = services.records_purge_expired(dry_run=True)
    assert result["appeals"] == 1
    assert Appeal.objects.filter(pk=closed_old[0].pk).exists()
    assert not AuditEvent.objects.filter(action="retention.purge").exists()


def test_within_retention_nothing_happens(closed_old, settings):
    settings.FAHNDUNG_RETENTION_DAYS = 3650
    assert services.records_purge_expired()["appeals"] == 0
    assert not AuditEvent.objects.filter(action="retention.purge").exists()


def test_open_takedown_blocks_purge(closed_old, settings):
    settings.FAHNDUNG_RETENTION_DAYS = 365
    appeal, _photo = closed_old
    Takedown.objects.create(appeal=appeal, publication_id=999, platform="x", started_at=clock.now())
    assert services.records_purge_expired()["appeals"] == 0


def test_command(closed_old, settings, capsys):
    settings.FAHNDUNG_RETENTION_DAYS = 365
    call_command("purge_expired_records", "--dry-run")
    assert '"appeals": 1' in capsys.readouterr().out
    call_command("purge_expired_records")
    assert not Appeal.objects.filter(pk=closed_old[0].pk).exists()
