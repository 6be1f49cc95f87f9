"""Lifecycle services (writes). Contract used by appeals.services.appeal_close, called
INSIDE its transaction with the appeal row locked and close_reason already set:

  takedown_begin(*, appeal, actor) -> None      (actor None = system)

The implementation is split by topic; everything public is re-exported here.
"""

from __future__ import annotations

from fahndung.lifecycle.services.deadlines import (
    deadlines_run,
    extension_decide,
    extension_request,
    review_record,
)
from fahndung.lifecycle.services.manual import manual_task_confirm, manual_tasks_escalate
from fahndung.lifecycle.services.notices import (
    notice_acknowledge,
    notice_acknowledge_by_token,
    notice_send,
    recipient_add,
    recipient_remove,
    recipient_update,
)
from fahndung.lifecycle.services.retention import records_purge_expired
from fahndung.lifecycle.services.takedown import (
    takedown_attempt,
    takedown_begin,
    takedowns_reconcile,
)

__all__ = [
    "deadlines_run",
    "extension_decide",
    "extension_request",
    "manual_task_confirm",
    "manual_tasks_escalate",
    "notice_acknowledge",
    "notice_acknowledge_by_token",
    "notice_send",
    "recipient_add",
    "recipient_remove",
    "recipient_update",
    "records_purge_expired",
    "review_record",
    "takedown_attempt",
    "takedown_begin",
    "takedowns_reconcile",
]
