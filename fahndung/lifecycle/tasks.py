"""Celery tasks of the lifecycle app (ids in, JSON only, idempotent).

  sweep_reconcile          – beat, every 60 s (fahndung.celery.SWEEPS): takedown reconciliation
  sweep_deadlines          – beat, every 60 s: expiry, order lapse, reviews, warnings,
                             escalation, unsent notices
  withdraw_publication(id) – one withdraw attempt of a Takedown (acks_late +
                             reject_on_worker_lost from the global settings)
  send_withdrawal_notice(id)
  sweep_retention          – purge past-retention records (to be listed in SWEEPS, daily)

Retries are not Celery retries: the attempt records its backoff in the database and
re-enqueues itself (short backoffs) or leaves it to the sweep, so a lost message or
a dead worker never loses the takedown.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="fahndung.lifecycle.tasks.withdraw_publication", acks_late=True, reject_on_worker_lost=True)
def withdraw_publication(takedown_id: int) -> str:
    from celery import current_task

    from fahndung.lifecycle.services import takedown_attempt

    owner = (current_task.request.id if current_task and current_task.request.id else "") or "direct"
    return takedown_attempt(takedown_id=int(takedown_id), owner=owner)


@shared_task(name="fahndung.lifecycle.tasks.send_withdrawal_notice", acks_late=True, reject_on_worker_lost=True)
def send_withdrawal_notice(notice_id: int) -> bool:
    from fahndung.lifecycle.services import notice_send

    return notice_send(notice_id=int(notice_id))


@shared_task(name="fahndung.lifecycle.tasks.sweep_reconcile")
def sweep_reconcile() -> dict:
    from fahndung.lifecycle.services import takedowns_reconcile

    return takedowns_reconcile()


@shared_task(name="fahndung.lifecycle.tasks.sweep_deadlines")
def sweep_deadlines() -> dict:
    from fahndung.lifecycle.services import deadlines_run

    return deadlines_run()


@shared_task(name="fahndung.lifecycle.tasks.sweep_retention")
def sweep_retention() -> dict:
    from fahndung.lifecycle.services import records_purge_expired

    return records_purge_expired()
