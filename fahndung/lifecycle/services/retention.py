"""Retention (R19): case records, orders and tips of closed appeals are kept for
FAHNDUNG_RETENTION_DAYS after closing, then purged. Public copies were already
deleted at closing (takedown_begin).

Public surface:
  retention_due(*, now=None) -> QuerySet[Appeal]
  records_purge_expired(*, now=None, dry_run=False) -> dict   – logs "retention.purge"
  appeal_purge(*, appeal_id) -> PurgePlan       the one purge (retention and draft deletion):
      every app removes its part – tips (incl. files), publishing, imaging (previews,
      renditions, public copies), lifecycle, then the appeal record (photo originals) –
      in the caller's transaction; files and cached pages go after commit
  lifecycle_purge_appeal(*, appeal_id) -> PurgePlan   this app's part
Posters keep nothing of their own: the PDF is rendered per download from the appeal and
imaging's poster rendition, so purging those purges the poster.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet

from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal, Photo
from fahndung.appeals.services import appeal_records_purge
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.purge import PurgePlan, purge_files_after_commit
from fahndung.imaging.services import imaging_purge_appeal
from fahndung.lifecycle import conf
from fahndung.lifecycle import publishing_port as port
from fahndung.lifecycle.models import (
    TAKEDOWN_OPEN,
    DistributionRecipient,
    ExpiryWarning,
    ExtensionRequest,
    LifecycleEvent,
    ManualTakedownTask,
    ReviewNotice,
    ReviewTask,
    Takedown,
    WithdrawalNotice,
)
from fahndung.public.services import public_purge_appeal
from fahndung.tips.services import tips_purge_appeal

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


def lifecycle_purge_appeal(*, appeal_id: int) -> PurgePlan:
    """Takedowns, manual tasks, recipients and notices, extensions, reviews and their
    notices, expiry warnings, the history. No files."""
    plan = PurgePlan()
    for model in (ManualTakedownTask, WithdrawalNotice, DistributionRecipient, Takedown, ReviewNotice, ReviewTask,
                  ExtensionRequest, ExpiryWarning, LifecycleEvent):
        _total, per_model = model.objects.filter(appeal_id=appeal_id).delete()
        plan.add_rows(per_model)
    return plan


def appeal_purge(*, appeal_id: int) -> PurgePlan:
    """Delete everything of one appeal. Call inside a transaction holding the appeal row."""
    slug = Appeal.objects.filter(pk=appeal_id).values_list("slug", flat=True).first() or ""
    with transaction.atomic():
        plan = tips_purge_appeal(appeal_id=appeal_id, slug=slug)
        plan.merge(port.publishing_purge_appeal(appeal_id=appeal_id))
        plan.merge(imaging_purge_appeal(appeal_id=appeal_id))
        plan.merge(lifecycle_purge_appeal(appeal_id=appeal_id))
        plan.merge(appeal_records_purge(appeal_id=appeal_id))  # last: the other parts point at it
    purge_files_after_commit(plan)
    if slug:
        transaction.on_commit(lambda: public_purge_appeal(slug=slug))
    return plan


def records_purge_expired(*, now: datetime | None = None, dry_run: bool = False, actor: Any = None) -> dict[str, Any]:
    """Purge appeals past retention through appeal_purge (rows of every app, private and
    public files, caches). One audit event per run with the counts (the audit log itself
    stays, R18). "files" counts the files the rows named; orphans under the appeal's
    folders are deleted as well."""
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
                Appeal.objects.select_for_update(no_key=True).get(pk=appeal.pk)
                plan = appeal_purge(appeal_id=appeal.pk)
        except (ProtectedError, IntegrityError) as exc:
            logger.warning("retention purge of appeal %s blocked: %s", appeal.pk, exc)
            result["skipped"] += 1
            continue
        result["appeals"] += 1
        result["photos"] += len(photos)
        result["files"] += len(plan.files)
        purged_refs.append(appeal.file_number_police)
        for label, count in plan.rows.items():
            result["rows"][label] = result["rows"].get(label, 0) + count
    if not dry_run and (result["appeals"] or result["skipped"]):
        audit_record(
            actor=actor, action="retention.purge", object_type="appeals.appeal",
            detail={**result, "file_numbers": purged_refs, "retention_days": conf.retention_days()},
        )
    return result
