"""Retention (R19): case records, orders and tips of closed appeals are kept for
FAHNDUNG_RETENTION_DAYS after closing, then purged. Public copies were already
deleted at closing (takedown_begin).

Public surface:
  retention_due(*, now=None) -> QuerySet[Appeal]
  records_purge_expired(*, now=None, dry_run=False) -> dict   – logs "retention.purge"
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, QuerySet

from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal, Photo
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.lifecycle import conf
from fahndung.lifecycle.models import TAKEDOWN_OPEN, Takedown

logger = logging.getLogger(__name__)


def retention_due(*, now: datetime | None = None) -> QuerySet[Appeal]:
    now = now or clock.now()
    cutoff = now - timedelta(days=conf.retention_days())
    # An appeal whose takedown is still open is never purged: the evidence of the
    # unfinished withdrawal must stay visible.
    open_takedowns = Takedown.objects.filter(state__in=TAKEDOWN_OPEN).values("appeal_id")
    return (
        Appeal.objects.filter(status__in=[Status.CLOSED, Status.ARCHIVED], closed_at__lte=cutoff)
        .exclude(pk__in=open_takedowns)
        .order_by("closed_at", "pk")
    )


def _delete_private_files(photos: list[Photo]) -> int:
    deleted = 0
    for photo in photos:
        if photo.original and photo.original.name:
            storage = photo.original.storage
            if storage.exists(photo.original.name):
                storage.delete(photo.original.name)
                deleted += 1
    return deleted


def records_purge_expired(*, now: datetime | None = None, dry_run: bool = False, actor: Any = None) -> dict[str, Any]:
    """Delete appeals past retention with everything that cascades from them (persons,
    order, photos, versions, events, tips, publications, lifecycle rows) and the photo
    files. One audit event per run with the counts (the audit log itself stays, R18)."""
    now = now or clock.now()
    result: dict[str, Any] = {"appeals": 0, "photos": 0, "files": 0, "skipped": 0, "rows": {}, "dry_run": dry_run}
    purged_refs: list[str] = []
    for appeal in list(retention_due(now=now)):
        photos = list(Photo.objects.filter(appeal=appeal))
        if dry_run:
            result["appeals"] += 1
            result["photos"] += len(photos)
            purged_refs.append(appeal.file_number_police)
            continue
        try:
            with transaction.atomic():
                locked = Appeal.objects.select_for_update(no_key=True).get(pk=appeal.pk)
                _total, per_model = locked.delete()
        except ProtectedError as exc:
            logger.warning("retention purge of appeal %s blocked: %s", appeal.pk, exc)
            result["skipped"] += 1
            continue
        # Files last: if the delete rolled back, the evidence files must still exist.
        result["files"] += _delete_private_files(photos)
        result["appeals"] += 1
        result["photos"] += len(photos)
        purged_refs.append(appeal.file_number_police)
        for label, count in per_model.items():
            result["rows"][label] = result["rows"].get(label, 0) + count
    if not dry_run and (result["appeals"] or result["skipped"]):
        audit_record(
            actor=actor, action="retention.purge", object_type="appeals.appeal",
            detail={**result, "file_numbers": purged_refs, "retention_days": conf.retention_days()},
        )
    return result
