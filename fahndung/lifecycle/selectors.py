"""Reads of the lifecycle app (dashboard, appeal partial, status command).

Public surface:
  takedown_dashboard(*, user, now=None) -> dict   (press office/admin only; JSON-ready)
  oldest_divergence_seconds(*, now=None) -> float | None
  appeal_takedown_summary(*, user, appeal) -> dict
  manual_tasks_open(*, user) / recipients_for_appeal(*, user, appeal_id) / notices_for_appeal(...)
  extension_requests_pending(*, user)
  review_due_by_appeal(*, appeal_ids) -> dict[int, datetime]   (open review tasks, one query)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from fahndung.appeals.selectors import appeal_get
from fahndung.core import clock
from fahndung.core.errors import PermissionDenied
from fahndung.lifecycle import publishing_port as port
from fahndung.lifecycle.models import (
    MANUAL_OPEN,
    TAKEDOWN_OPEN,
    DistributionRecipient,
    ExtensionRequest,
    ExtensionState,
    ManualTakedownTask,
    ReviewState,
    ReviewTask,
    Takedown,
    WithdrawalNotice,
)
from fahndung.lifecycle.services.manual import PLATFORM_LABELS, may_handle_takedowns


def _require_dashboard(user: Any) -> None:
    if not may_handle_takedowns(user):
        raise PermissionDenied("Die Löschübersicht ist der Pressestelle vorbehalten.")


def oldest_divergence_seconds(*, now: datetime | None = None) -> float | None:
    """Age of the oldest publication whose desired state "withdrawn" is not reached,
    measured from the start of its takedown (or the appeal's closing if the sweep
    has not seen it yet)."""
    now = now or clock.now()
    diverging = port.publications_diverging_withdrawn()
    if not diverging:
        return None
    started = dict(
        Takedown.objects.filter(publication_id__in=[p.id for p in diverging]).values_list("publication_id", "started_at")
    )
    from fahndung.appeals.models import Appeal

    closed = dict(Appeal.objects.filter(pk__in={p.appeal_id for p in diverging}).values_list("pk", "closed_at"))
    ages = []
    for pub in diverging:
        since = started.get(pub.id) or closed.get(pub.appeal_id)
        ages.append((now - since).total_seconds() if since else 0.0)
    return max(ages)


def _takedown_row(t: Takedown, now: datetime) -> dict[str, Any]:
    return {
        "id": t.pk, "appeal_id": t.appeal_id, "file_number": t.appeal.file_number_police,
        "publication_id": t.publication_id, "platform": t.platform,
        "platform_label": PLATFORM_LABELS.get(t.platform, t.platform), "account": t.account, "url": t.url,
        "state": t.state, "state_label": t.get_state_display(), "attempts": t.attempts,
        "last_error": t.last_error, "age_seconds": round((now - t.started_at).total_seconds(), 1),
        "started_at": t.started_at.isoformat(),
        "next_attempt_at": t.next_attempt_at.isoformat() if t.next_attempt_at else None,
    }


def _task_row(task: ManualTakedownTask, now: datetime) -> dict[str, Any]:
    return {
        "id": task.pk, "appeal_id": task.appeal_id, "file_number": task.appeal.file_number_police,
        "platform": task.platform, "platform_label": PLATFORM_LABELS.get(task.platform, task.platform),
        "url": task.url, "search_text": task.search_text, "instructions": task.instructions,
        "reason": task.reason, "state": task.state, "state_label": task.get_state_display(),
        "deadline_at": task.deadline_at.isoformat(), "overdue": now >= task.deadline_at,
        "escalation_level": task.escalation_level,
        "confirmed_by": task.confirmed_by.get_username() if task.confirmed_by_id else None,
        "confirmed_at": task.confirmed_at.isoformat() if task.confirmed_at else None, "note": task.note,
    }


def takedown_dashboard(*, user: Any, now: datetime | None = None) -> dict[str, Any]:
    _require_dashboard(user)
    now = now or clock.now()
    takedowns = list(Takedown.objects.filter(state__in=TAKEDOWN_OPEN).select_related("appeal").order_by("started_at"))
    tasks = list(
        ManualTakedownTask.objects.filter(state__in=MANUAL_OPEN).select_related("appeal", "confirmed_by")
        .order_by("deadline_at")
    )
    unacked = WithdrawalNotice.objects.filter(acknowledged_at__isnull=True).select_related("recipient", "appeal")
    return {
        "generated_at": now.isoformat(),
        "oldest_divergence_seconds": oldest_divergence_seconds(now=now),
        "open_takedowns": [_takedown_row(t, now) for t in takedowns],
        "manual_tasks": [_task_row(t, now) for t in tasks],
        "notices_unsent": WithdrawalNotice.objects.filter(sent_at__isnull=True).count(),
        "notices_unacknowledged": [
            {"id": n.pk, "appeal_id": n.appeal_id, "file_number": n.appeal.file_number_police,
             "recipient": n.recipient.name, "email": n.email, "sent_at": n.sent_at.isoformat() if n.sent_at else None}
            for n in unacked.order_by("created_at")[:200]
        ],
        "extension_requests": [
            {"id": r.pk, "appeal_id": r.appeal_id, "file_number": r.appeal.file_number_police,
             "requested_by": r.requested_by.get_username(), "until": r.requested_expires_at.isoformat(),
             "reason": r.reason}
            for r in ExtensionRequest.objects.filter(state=ExtensionState.PENDING).select_related("appeal", "requested_by")
        ],
    }


def takedown_status(*, now: datetime | None = None) -> dict[str, Any]:
    """System view for the management command (no user scope: operators only)."""
    now = now or clock.now()
    takedowns = list(Takedown.objects.filter(state__in=TAKEDOWN_OPEN).select_related("appeal"))
    return {
        "oldest_divergence_seconds": oldest_divergence_seconds(now=now),
        "open_takedowns": [_takedown_row(t, now) for t in takedowns],
        "manual_tasks_open": ManualTakedownTask.objects.filter(state__in=MANUAL_OPEN).count(),
        "manual_tasks_overdue": ManualTakedownTask.objects.filter(state__in=MANUAL_OPEN, deadline_at__lte=now).count(),
    }


def appeal_takedown_summary(*, user: Any, appeal: Any) -> dict[str, Any]:
    appeal_get(user=user, pk=appeal.pk)
    now = clock.now()
    takedowns = list(Takedown.objects.filter(appeal=appeal).order_by("platform", "id"))
    tasks = list(ManualTakedownTask.objects.filter(appeal=appeal).select_related("appeal", "confirmed_by"))
    return {
        "takedowns": takedowns,
        "open_count": sum(1 for t in takedowns if t.is_open),
        "manual_tasks": tasks,
        "task_rows": [_task_row(t, now) for t in tasks],
        "recipients": list(DistributionRecipient.objects.filter(appeal=appeal).select_related("notice")),
        "review": ReviewTask.objects.filter(appeal=appeal, state=ReviewState.OPEN).first(),
        "extension": ExtensionRequest.objects.filter(appeal=appeal, state=ExtensionState.PENDING).first(),
        "can_handle": may_handle_takedowns(user),
    }


def recipients_for_appeal(*, user: Any, appeal_id: int) -> QuerySet[DistributionRecipient]:
    appeal_get(user=user, pk=appeal_id)
    return DistributionRecipient.objects.filter(appeal_id=appeal_id).select_related("notice")


def recipient_get(*, user: Any, recipient_id: int) -> DistributionRecipient:
    from fahndung.core.errors import NotFound

    recipient = DistributionRecipient.objects.filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound("Empfänger nicht gefunden.")
    appeal_get(user=user, pk=recipient.appeal_id)
    return recipient


def manual_task_get(*, user: Any, task_id: int) -> ManualTakedownTask:
    from fahndung.core.errors import NotFound

    _require_dashboard(user)
    task = ManualTakedownTask.objects.select_related("appeal", "confirmed_by").filter(pk=task_id).first()
    if task is None:
        raise NotFound("Aufgabe nicht gefunden.")
    return task


def review_due_by_appeal(*, appeal_ids: list[int]) -> dict[int, datetime]:
    """Due date of the open review task (R8) per appeal – what the dashboard counts down to.
    The caller has already scoped the appeals to the user."""
    return dict(
        ReviewTask.objects.filter(appeal_id__in=appeal_ids, state=ReviewState.OPEN).values_list("appeal_id", "due_at")
    )
