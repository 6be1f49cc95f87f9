"""Celery app and the static beat schedule of safety sweeps.

The schedule is code, not database rows, so the safety loops (expiry, takedown
reconciliation, order deadlines, outbox relay) cannot be edited away. Each entry
expires before its next run so a backed-up queue drops stale sweeps.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fahndung.settings")

app = Celery("fahndung")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> (task, interval seconds). Apps register their sweeps here.
SWEEPS: dict[str, tuple[str, float]] = {
    "publishing-dispatch": ("fahndung.publishing.tasks.sweep_due_publications", 30.0),
    "lifecycle-reconcile": ("fahndung.lifecycle.tasks.sweep_reconcile", 60.0),
    "lifecycle-deadlines": ("fahndung.lifecycle.tasks.sweep_deadlines", 60.0),
    "tips-outbox-relay": ("fahndung.tips.tasks.sweep_outbox", 5.0),
    "imaging-pending": ("fahndung.imaging.tasks.sweep_pending_photos", 60.0),
    "lifecycle-retention": ("fahndung.lifecycle.tasks.sweep_retention", 86400.0),
}

app.conf.beat_schedule = {
    name: {"task": task, "schedule": interval, "options": {"expires": interval * 0.9}}
    for name, (task, interval) in SWEEPS.items()
}
