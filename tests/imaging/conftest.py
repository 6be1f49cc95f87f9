"""Imaging fixtures: sample images, an uploaded+processed photo, verified staff clients."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fahndung.imaging.samples import jpeg_bytes, make_composite


@pytest.fixture(scope="session")
def crowd():
    """A 1200×800 composite: subject face 120 px plus bystanders 20–96 px (exact boxes)."""
    return make_composite(1200, 800, [20, 28, 40, 56, 72, 96], seed=3, subject_size=120)


@pytest.fixture(scope="session")
def crowd_jpeg(crowd) -> bytes:
    return jpeg_bytes(crowd.rgb, quality=92)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """upload(user, appeal, data, name) -> Photo; runs the (eager) processing task."""
    from fahndung.appeals.services import photo_add

    def make(user, appeal, data: bytes, name: str = "foto.jpg", caption: str = "Gesuchte Person"):
        with django_capture_on_commit_callbacks(execute=True):
            return photo_add(
                actor=user, appeal_id=appeal.pk, caption=caption,
                uploaded_file=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            )

    return make


@pytest.fixture
def processed(upload, investigator, appeal, crowd_jpeg):
    """A processed photo on an appeal the press office can see (submitted)."""
    from fahndung.appeals.models import Appeal

    photo = upload(investigator, appeal, crowd_jpeg)
    Appeal.objects.filter(pk=appeal.pk).update(status="submitted")
    photo.refresh_from_db()
    return photo


@pytest.fixture
def run_commit(django_capture_on_commit_callbacks):
    """run_commit(fn, **kw): call a service and execute its on-commit enqueues (eager task)."""

    def call(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return call


@pytest.fixture
def staff_client():
    from tests.accounts.helpers import verified_client

    return verified_client
