"""Real Redis broker + real Celery worker process: upload -> worker -> ready; broker down -> sweep.

Skipped on SQLite (needs PostgreSQL so the worker process sees the committed rows).
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fahndung.imaging.models import AnalysisState, PhotoAnalysis

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 180.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


@pytest.fixture
def via_redis(monkeypatch, redis_broker):
    """Route process_photo.delay to the private Redis broker (the test process is eager)."""
    from fahndung.celery import app
    from fahndung.imaging import tasks

    def delay(analysis_id):
        with app.connection_for_write(redis_broker.url) as conn:
            conn.ensure_connection(max_retries=1)
            return app.send_task("fahndung.imaging.tasks.process_photo", args=[analysis_id], connection=conn)

    monkeypatch.setattr(tasks.process_photo, "delay", delay)
    return redis_broker


def _state(photo) -> str:
    return PhotoAnalysis.objects.get(photo=photo).state


def test_worker_processes_upload_and_sweep_recovers_lost_enqueue(
    pg_required, via_redis, celery_worker, investigator, appeal, crowd_jpeg
):
    # appeals.Photo.original resolves its storage once at import (foundation), so the worker
    # must read originals where this process wrote them.
    from fahndung.appeals.models import Photo
    from fahndung.appeals.services import photo_add
    from fahndung.imaging.processing import processing_sweep

    env = {"FAHNDUNG_PRIVATE_MEDIA_ROOT": str(Photo._meta.get_field("original").storage.location)}
    worker = celery_worker(via_redis.url, env=env)
    photo = photo_add(actor=investigator, appeal_id=appeal.pk, uploaded_file=SimpleUploadedFile("a.jpg", crowd_jpeg))
    assert wait_for(lambda: _state(photo) == AnalysisState.READY), worker.output()[-3000:]
    assert PhotoAnalysis.objects.get(photo=photo).renditions.count() == 10

    # Broker down: the upload still succeeds quickly, the row waits as "pending".
    via_redis.stop()
    started = time.monotonic()
    second = photo_add(actor=investigator, appeal_id=appeal.pk,
                       uploaded_file=SimpleUploadedFile("b.jpg", crowd_jpeg[:-2] + b"\x00\xff\xd9"))
    assert time.monotonic() - started < 15
    assert _state(second) == AnalysisState.PENDING
    via_redis.start()
    worker.stop()
    worker = celery_worker(via_redis.url, env=env)
    assert processing_sweep() >= 1
    try:
        assert wait_for(lambda: _state(second) == AnalysisState.READY), worker.output()[-3000:]
    finally:
        _remove_files(env["FAHNDUNG_PRIVATE_MEDIA_ROOT"], [photo, second])


def _remove_files(root: str, photos) -> None:
    """Delete exactly the files this test created in that (shared) private directory."""
    from pathlib import Path

    for photo in photos:
        names = [photo.original.name]
        analysis = PhotoAnalysis.objects.filter(photo=photo).first()
        if analysis is not None:
            names += [analysis.preview_original.name, analysis.preview_redacted.name]
            names += list(analysis.renditions.values_list("file", flat=True))
        for name in filter(None, names):
            Path(root, name).unlink(missing_ok=True)
