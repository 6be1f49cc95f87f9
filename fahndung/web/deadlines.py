"""Presentation of deadlines (colour thresholds) for the staff UI.

Public surface: ``DeadlineView``, ``order_deadline(appeal)``, ``expiry_deadline(appeal)``,
``review_deadline(appeal)``, ``deadline_for(dt, danger, warn)``.
Thresholds: order confirmation red below 6 h or lapsed; expiry red below 7 days;
review red from 3 days (the last reminder), amber from 14 days (the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fahndung.core import clock

ORDER_DANGER = timedelta(hours=6)
ORDER_WARN = timedelta(hours=24)
EXPIRY_DANGER = timedelta(days=7)
EXPIRY_WARN = timedelta(days=14)
REVIEW_DANGER = timedelta(days=3)
REVIEW_WARN = timedelta(days=14)


@dataclass(frozen=True)
class DeadlineView:
    at: datetime | None
    css: str  # ok | warn | danger | done | none
    lapsed: bool = False
    label: str = ""

    @property
    def remaining(self) -> timedelta | None:
        return None if self.at is None else self.at - clock.now()


def deadline_for(at: datetime | None, *, danger: timedelta, warn: timedelta, label: str = "") -> DeadlineView:
    if at is None:
        return DeadlineView(None, "none", label=label)
    left = at - clock.now()
    if left <= timedelta(0):
        return DeadlineView(at, "danger", lapsed=True, label=label)
    if left < danger:
        return DeadlineView(at, "danger", label=label)
    if left < warn:
        return DeadlineView(at, "warn", label=label)
    return DeadlineView(at, "ok", label=label)


def _order(appeal: Any) -> Any:
    try:
        return appeal.order
    except Exception:  # RelatedObjectDoesNotExist: no order recorded (police law)
        return None


def order_deadline(appeal: Any) -> DeadlineView:
    order = _order(appeal)
    if order is None or order.confirmation_due_at is None:
        return DeadlineView(None, "none")
    if order.confirmed_at is not None:
        return DeadlineView(order.confirmed_at, "done", label="bestätigt")
    return deadline_for(order.confirmation_due_at, danger=ORDER_DANGER, warn=ORDER_WARN)


def expiry_deadline(appeal: Any) -> DeadlineView:
    return deadline_for(appeal.expires_at, danger=EXPIRY_DANGER, warn=EXPIRY_WARN)


def review_deadline(appeal: Any, due: datetime | None = None) -> DeadlineView:
    """The open review task's due date (lifecycle) if there is one, else the date typed
    into the appeal form."""
    return deadline_for(due or appeal.review_due_at, danger=REVIEW_DANGER, warn=REVIEW_WARN,
                        label="review")
