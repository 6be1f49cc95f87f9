"""Celery tasks of imaging (ids in, JSON only, idempotent).

process_photo(analysis_id)   decode/detect/redact/render one photo (imaging.processing)
sweep_pending_photos()       beat sweep listed in fahndung.celery.SWEEPS ("imaging-pending")
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from fahndung.imaging import conf
from fahndung.imaging.processing import analysis_fail, photo_process, processing_sweep

log = logging.getLogger(__name__)


@shared_task(bind=True, name="fahndung.imaging.tasks.process_photo", soft_time_limit=600, time_limit=660)
def process_photo(self, analysis_id: int) -> str:
    try:
        return photo_process(analysis_id=int(analysis_id))
    except (OSError, DatabaseError) as exc:
        # Transient (storage hiccup, DB failover): retry with backoff, then give up visibly.
        if self.request.retries < conf.max_attempts() - 1:
            raise self.retry(exc=exc, countdown=min(300, 10 * 2 ** self.request.retries)) from exc
        log.exception("imaging: analysis %s failed after retries", analysis_id)
        analysis_fail(analysis_id=int(analysis_id), reason="Technischer Fehler beim Lesen oder Speichern; bitte erneut versuchen.")
        return "failed"
    except MemoryError:
        analysis_fail(analysis_id=int(analysis_id), reason="Das Bild braucht zu viel Arbeitsspeicher.")
        return "failed"


@shared_task(name="fahndung.imaging.tasks.sweep_pending_photos")
def sweep_pending_photos() -> int:
    return processing_sweep()
