"""Celery tasks of the publishing area. They take ids, call ONE service and decide about
retries; all state lives in the database (publishing.services_remote). Withdrawals run
through lifecycle.tasks.withdraw_publication(takedown_id), which owns their retry ledger.

Public surface:
  publish_publication(publication_id)      publish if due; transient errors retry with backoff
  sweep_due_publications()                 (fahndung.celery SWEEPS) re-enqueue due pending rows
                                           and rows whose publishing lease expired
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from fahndung.core import clock
from fahndung.publishing import conf, services

# Short retries go through Celery (countdown); longer waits are left to the sweep, so
# there are never long ETA tasks in the broker.
MAX_COUNTDOWN = 120


@shared_task(bind=True, name="fahndung.publishing.tasks.publish_publication", max_retries=10, acks_late=True)
def publish_publication(self, publication_id: int) -> str:
    outcome = services.publication_dispatch(publication_id=publication_id)
    # Eager mode (tests, demo without broker) has no delayed delivery: the sweep retries.
    if self.request.is_eager:
        return outcome.status
    if outcome.status == "retry" and outcome.retry_in is not None and outcome.retry_in <= MAX_COUNTDOWN:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="fahndung.publishing.tasks.sweep_due_publications")
def sweep_due_publications() -> int:
    from fahndung.publishing.selectors import publications_due_for_dispatch

    now = clock.now()
    ids = publications_due_for_dispatch(now=now, lease_before=now - timedelta(seconds=conf.lease_seconds()))
    for pk in ids:
        publish_publication.delay(pk)
    return len(ids)
