"""Celery tasks of the tips app (ids in, JSON only, idempotent).

- ``fahndung.tips.tasks.sweep_outbox`` – beat sweep every 5 s (fahndung/celery.py SWEEPS).
- ``fahndung.tips.tasks.process_outbox(outbox_id)`` – runs one outbox message.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from fahndung.tips import services


def publish(outbox_id: int) -> None:
    # retry=False: a down broker must fail fast so the relay keeps the row pending.
    process_outbox.apply_async(args=[outbox_id], retry=False)


@shared_task(name="fahndung.tips.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> dict:
    return services.outbox_sweep(publish=publish)


@shared_task(
    name="fahndung.tips.tasks.process_outbox", ignore_result=True, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True, retry_backoff_max=600, max_retries=8,
)
def process_outbox(outbox_id: int) -> str:
    return services.outbox_process(outbox_id=int(outbox_id))
