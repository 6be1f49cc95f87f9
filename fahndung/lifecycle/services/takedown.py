"""Takedown orchestration: closing starts it, a withdraw task per publication drives it,
the reconciliation sweep guarantees it.

Public surface:
  takedown_begin(*, appeal, actor)            – inside appeal_close's transaction
  takedown_attempt(*, takedown_id, owner)     – one withdraw attempt (task body)
  takedowns_reconcile(*, now=None) -> dict    – the sweep: create missing takedowns,
                                                reopen finished ones whose post turned up
                                                again, recover lost leases, enqueue due ones
  takedown_dispatch(*, takedown_ids)          – enqueue withdraw tasks (never raises)

Nothing is marked withdrawn here unless publishing reports the publication withdrawn
(verified absent) or a person confirmed it (manual.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.lifecycle import conf, machines
from fahndung.lifecycle import publishing_port as port
from fahndung.lifecycle.models import (
    ManualTaskReason,
    Takedown,
    TakedownState,
)

logger = logging.getLogger(__name__)


# --- begin (closing transaction) ---------------------------------------------------

def takedown_begin(*, appeal: Any, actor: Any) -> None:
    """Called by appeals.services.appeal_close inside its transaction, appeal row locked.

    Desired state "withdrawn" on every publication, one Takedown per publication, public
    copies deleted, page cache invalidated, withdrawal notices written (R9); the withdraw
    tasks are enqueued after commit so a broker outage cannot undo or block the close."""
    from fahndung.lifecycle.services.manual import manual_task_open
    from fahndung.lifecycle.services.notices import notices_create_for_appeal

    now = clock.now()
    publications = port.publications_request_withdrawal(appeal=appeal, actor=actor)
    due: list[int] = []
    manual = 0
    for pub in publications:
        takedown = _takedown_for(pub, now)
        if takedown is None or not takedown.is_open:
            continue
        if port.withdraw_by_api(pub):
            due.append(takedown.pk)
        else:
            manual_task_open(takedown=takedown, reason=ManualTaskReason.NO_API, detail="")
            manual += 1
    renditions = _public_copies_delete(appeal=appeal, actor=actor)
    _public_cache_invalidate(appeal)
    transaction.on_commit(lambda: _public_cache_invalidate(appeal), robust=True)
    notices = notices_create_for_appeal(appeal=appeal, reason=appeal.close_reason)
    audit_record(
        actor=actor, action="takedown.begin", obj=appeal, appeal_id=appeal.pk,
        detail={
            "reason": appeal.close_reason, "publications": len(publications), "api": len(due),
            "manual": manual, "renditions_deleted": renditions, "notices": len(notices),
        },
    )
    transaction.on_commit(lambda: takedown_dispatch(takedown_ids=due), robust=True)
    if notices:
        from fahndung.lifecycle.services.notices import notices_dispatch

        ids = [n.pk for n in notices]
        transaction.on_commit(lambda: notices_dispatch(notice_ids=ids), robust=True)


def _takedown_for(pub: port.PublicationInfo, now: datetime) -> Takedown | None:
    """Get or create the Takedown of a publication; a publication already withdrawn
    (e.g. cancelled before it went out) gets a finished record for the history."""
    takedown, _created = Takedown.objects.get_or_create(
        publication_id=pub.id,
        defaults={
            "appeal_id": pub.appeal_id, "platform": pub.platform, "account": pub.account_label,
            "url": pub.external_url[:500], "started_at": now, "next_attempt_at": now,
        },
    )
    if pub.is_withdrawn and takedown.is_open:
        takedown = Takedown.objects.select_for_update().get(pk=takedown.pk)
        if takedown.is_open:
            takedown.finished_at = now
            takedown.lease_until = None
            machines.transition(takedown, "verified", note="bereits zurückgezogen")
    return takedown


def _public_copies_delete(*, appeal: Any, actor: Any) -> int:
    try:
        from fahndung.imaging.services import public_renditions_delete
    except ImportError:
        logger.warning("imaging.public_renditions_delete not available")
        return 0
    return int(public_renditions_delete(appeal=appeal, actor=actor) or 0)


def _public_cache_invalidate(appeal: Any) -> None:
    try:
        from fahndung.public.services import public_cache_invalidate
    except ImportError:
        logger.warning("public.public_cache_invalidate not available")
        return
    public_cache_invalidate(appeal=appeal)


# --- dispatch --------------------------------------------------------------------------

def takedown_dispatch(*, takedown_ids: list[int], countdown: float | None = None) -> int:
    """Enqueue one withdraw task per takedown. Stops at the first broker error (each
    attempt may block for the connect timeout) and clears the dispatch marks of the
    rest, so the next sweep enqueues them as soon as the broker is back."""
    from fahndung.lifecycle.tasks import withdraw_publication

    sent = 0
    for index, takedown_id in enumerate(takedown_ids):
        try:
            withdraw_publication.apply_async(args=[takedown_id], countdown=countdown)
        except Exception as exc:  # broker down: state is in the DB, the sweep recovers
            logger.warning("takedown dispatch failed (%s); sweep will retry", type(exc).__name__)
            Takedown.objects.filter(pk__in=takedown_ids[index:]).update(dispatched_until=None)
            break
        sent += 1
    return sent


# --- one attempt -------------------------------------------------------------------------

def _backoff(attempts: int, retry_after: float | None) -> float:
    delay = conf.withdraw_backoff_seconds() * (2 ** max(attempts - 1, 0))
    delay = min(delay, conf.withdraw_backoff_max_seconds())
    if retry_after:
        delay = max(delay, min(float(retry_after), conf.withdraw_backoff_max_seconds()))
    return delay


def _claim(takedown_id: int, owner: str) -> Takedown | None:
    now = clock.now()
    with transaction.atomic():
        takedown = Takedown.objects.select_for_update().filter(pk=takedown_id).first()
        if takedown is None or not takedown.is_open:
            return None
        if takedown.state == TakedownState.DELETING:
            lease_alive = takedown.lease_until is not None and takedown.lease_until > now
            # A redelivered message keeps its task id: the earlier run of this very task
            # died (worker lost), so the lease is ours to take over.
            if lease_alive and takedown.lease_owner != owner:
                return None
            machines.transition(takedown, "lease_expired", note="Vorheriger Versuch abgebrochen")
        if takedown.next_attempt_at is not None and takedown.next_attempt_at > now + timedelta(seconds=1):
            return None  # early duplicate: respect the backoff
        if takedown.state == TakedownState.MANUAL_REQUIRED:
            pub = port.publication_get(publication_id=takedown.publication_id)
            if pub is None or not port.withdraw_by_api(pub):
                return None
        takedown.attempts += 1
        takedown.lease_owner = owner
        takedown.lease_until = now + timedelta(seconds=conf.withdraw_lease_seconds())
        machines.transition(takedown, "claim", note=f"Versuch {takedown.attempts}")
    return takedown


def takedown_attempt(*, takedown_id: int, owner: str) -> str:
    """One withdraw attempt. Returns the resulting takedown state ("skipped" when the
    takedown is finished, not due or held by a live lease)."""
    takedown = _claim(takedown_id, owner)
    if takedown is None:
        return "skipped"
    error: Exception | None = None
    outcome, pub = "", None
    adapter_error = port.adapter_error_class()
    try:
        outcome, pub = port.withdraw(publication_id=takedown.publication_id)
    except adapter_error as exc:
        error = exc
    except Exception as exc:  # unexpected: keep the takedown alive and visible
        logger.exception("withdraw of publication %s failed", takedown.publication_id)
        error = exc
    return _record_outcome(takedown.pk, owner, outcome, pub, error)


def _record_outcome(
    takedown_id: int, owner: str, outcome: str, pub: port.PublicationInfo | None, error: Exception | None,
) -> str:
    from fahndung.lifecycle.services.manual import manual_task_open, manual_task_resolve

    now = clock.now()
    with transaction.atomic():
        takedown = Takedown.objects.select_for_update().get(pk=takedown_id)
        if takedown.state != TakedownState.DELETING or takedown.lease_owner != owner:
            return takedown.state  # confirmed by a person meanwhile, or lease taken over
        takedown.lease_until = None
        takedown.lease_owner = ""
        if error is None and pub is not None and pub.is_withdrawn:
            takedown.finished_at = now
            takedown.last_error = ""
            machines.transition(takedown, "verified", note="Plattform bestätigt: nicht mehr vorhanden")
            manual_task_resolve(takedown=takedown)
            return takedown.state
        if error is None and outcome == "manual_required":
            # Publishing could not delete by API (permanent error or no capability).
            message = (pub.last_error if pub else "") or "Löschen per API nicht möglich."
            permanent, retry_after = True, None
        elif error is None and outcome == "in_flight":
            # A publish call is running; publishing withdraws it when done, we check again.
            message = "Veröffentlichung läuft noch; erneute Prüfung folgt."
            permanent, retry_after = False, None
        elif error is None:
            message = f"Beitrag nach dem Löschen noch im Zustand „{pub.state if pub else 'unbekannt'}“."
            permanent, retry_after = False, None
        else:
            message = str(getattr(error, "message", "") or error) or type(error).__name__
            permanent = bool(getattr(error, "permanent", False))
            retry_after = getattr(error, "retry_after", None)
        # A throttled account (the platform's limit or publishing's own pacing of a mass
        # takedown) is a wait, not a failed attempt: it must not use up the budget.
        paced = error is not None and not permanent and getattr(error, "account_problem", "") == "throttled"
        if paced:
            takedown.attempts = max(0, takedown.attempts - 1)
        takedown.last_error = message[:2000]
        if permanent or takedown.attempts >= conf.withdraw_max_attempts():
            # A person takes over; the API is still tried now and then, and a later
            # success closes the manual task automatically.
            takedown.next_attempt_at = now + timedelta(seconds=conf.withdraw_slow_retry_seconds())
            takedown.dispatched_until = None  # the sweep schedules the slow retries
            machines.transition(takedown, "give_up", note=message[:500])
            reason = ManualTaskReason.PERMANENT_ERROR if permanent else ManualTaskReason.BUDGET_EXHAUSTED
            manual_task_open(takedown=takedown, reason=reason, detail=message)
            return takedown.state
        delay = max(float(retry_after or 0), 1.0) if paced else _backoff(takedown.attempts, retry_after)
        takedown.next_attempt_at = now + timedelta(seconds=delay)
        takedown.dispatched_until = takedown.next_attempt_at + timedelta(seconds=conf.withdraw_lease_seconds())
        machines.transition(takedown, "retry", note=message[:500])
        if delay <= conf.withdraw_fast_retry_seconds():
            # Short backoffs are re-enqueued with a countdown so recovery does not wait
            # for the sweep; longer ones are left to the sweep (no long ETA tasks).
            ids = [takedown.pk]
            transaction.on_commit(lambda: takedown_dispatch(takedown_ids=ids, countdown=delay), robust=True)
        else:
            takedown.dispatched_until = None
            takedown.save(update_fields=["dispatched_until"])
        return takedown.state


# --- the sweep ---------------------------------------------------------------------------

def takedowns_reconcile(*, now: datetime | None = None, dispatch: bool = True) -> dict[str, int]:
    """Find publications whose desired state "withdrawn" is not reached, make sure each
    has a Takedown, and enqueue those that are due. Idempotent; safe to run anywhere."""
    from fahndung.lifecycle.services.manual import manual_task_open

    now = now or clock.now()
    created = 0
    for pub in port.publications_diverging_withdrawn():
        existing = Takedown.objects.filter(publication_id=pub.id).first()
        if existing is not None:
            if not existing.is_open and _reopen(existing.pk, pub, now):
                created += 1
            continue
        with transaction.atomic():
            takedown = _takedown_for(pub, now)
            if takedown is None or not takedown.is_open:
                continue
            created += 1
            if not port.withdraw_by_api(pub):
                takedown = Takedown.objects.select_for_update().get(pk=takedown.pk)
                manual_task_open(takedown=takedown, reason=ManualTaskReason.NO_API, detail="")
    # Withdrawn by another path (e.g. a person via publishing's own UI): close ours.
    synced = _sync_finished(now)
    due_q = Q(next_attempt_at__lte=now) & (Q(dispatched_until__isnull=True) | Q(dispatched_until__lte=now)) & (
        Q(state=TakedownState.PENDING)
        | Q(state=TakedownState.MANUAL_REQUIRED)
        | Q(state=TakedownState.DELETING, lease_until__lte=now)
    )
    candidates = list(Takedown.objects.filter(due_q).order_by("next_attempt_at", "id")[:500])
    due: list[int] = []
    for takedown in candidates:
        if takedown.state == TakedownState.MANUAL_REQUIRED:
            pub = port.publication_get(publication_id=takedown.publication_id)
            # Slow API retries also for rows that may hide a lost post (look-up again);
            # only channels without any API path are left to the person.
            if pub is None or not port.withdraw_by_api(pub):
                continue
        due.append(takedown.pk)
    if due:
        mark_until = now + timedelta(seconds=conf.withdraw_lease_seconds())
        Takedown.objects.filter(pk__in=due).update(dispatched_until=mark_until)
    sent = takedown_dispatch(takedown_ids=due) if (due and dispatch) else 0
    return {"created": created, "synced": synced, "due": len(due), "enqueued": sent}


def _reopen(takedown_id: int, pub: port.PublicationInfo, now: datetime) -> bool:
    """A finished takedown whose publication is not withdrawn any more: publishing found a
    late post it could not delete (withdrawn → withdraw_failed). Start over – API retries
    where the platform deletes, otherwise (again) a manual task."""
    from fahndung.lifecycle.services.manual import manual_task_open

    with transaction.atomic():
        takedown = Takedown.objects.select_for_update().get(pk=takedown_id)
        if takedown.is_open:
            return False
        takedown.finished_at = None
        takedown.attempts = 0
        takedown.next_attempt_at = now
        takedown.dispatched_until = None
        takedown.last_error = pub.last_error[:2000]
        takedown.url = takedown.url or pub.external_url[:500]
        machines.transition(takedown, "reopen", note=(pub.last_error or "Beitrag wieder vorhanden")[:500])
        if not port.withdraw_by_api(pub):
            manual_task_open(takedown=takedown, reason=ManualTaskReason.NO_API, detail=pub.last_error)
        audit_record(actor=None, action="takedown.reopen", obj=takedown, appeal_id=takedown.appeal_id,
                     detail={"publication": pub.id, "state": pub.state})
    return True


def _sync_finished(now: datetime) -> int:
    from fahndung.lifecycle.services.manual import manual_task_resolve

    count = 0
    for takedown in Takedown.objects.filter(state__in=[TakedownState.PENDING, TakedownState.MANUAL_REQUIRED]):
        pub = port.publication_get(publication_id=takedown.publication_id)
        if pub is None or not pub.is_withdrawn:
            continue
        with transaction.atomic():
            locked = Takedown.objects.select_for_update().get(pk=takedown.pk)
            if locked.state not in (TakedownState.PENDING, TakedownState.MANUAL_REQUIRED):
                continue
            locked.finished_at = now
            if pub.confirmed_by_id and not pub.verified_absent_at:
                machines.transition(locked, "confirm", note="von einer Person bestätigt (Veröffentlichung)")
                from fahndung.lifecycle.services.manual import manual_task_close_confirmed

                manual_task_close_confirmed(takedown=locked, user_id=pub.confirmed_by_id)
            else:
                machines.transition(locked, "verified", note="Plattform bestätigt: nicht mehr vorhanden")
                manual_task_resolve(takedown=locked)
            count += 1
    return count
