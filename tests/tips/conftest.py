"""Fixtures of the tips tests: a published appeal, keys, sample files, helpers."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache

from fahndung.appeals import services as appeal_services

TEST_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _tips_settings(settings):
    settings.FAHNDUNG_TIPS_KEYS = [TEST_KEY]
    settings.FAHNDUNG_TIP_RATE_LIMIT = "1000/60"
    settings.FAHNDUNG_TIP_FOLLOWUP_RATE_LIMIT = "1000/60"
    settings.FAHNDUNG_TIP_SECRET_SCRYPT_N = 1024
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ROOT_URLCONF = "tests.tips.urls"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(appeal, investigator, press):
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    appeal_services.appeal_approve(actor=press, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == "published"
    return appeal


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (32, 24), color: str = "red") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def mp4_bytes(payload: int = 2048) -> bytes:
    # A minimal ISO BMFF file: ftyp box + mdat box.
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    mdat = (8 + payload).to_bytes(4, "big") + b"mdat" + bytes(range(256)) * (payload // 256)
    return ftyp + mdat


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def submit(api_client, published):
    """submit(**fields) -> response of the public API for the published appeal."""

    def do(files=None, headers=None, fmt="multipart", **fields):
        data = {"content": "Ich habe den Mann am Bahnhof gesehen.", **fields}
        if files:
            data["attachments"] = files
        url = f"/api/v1/public/appeals/{published.slug}/tips/"
        return api_client.post(url, data, format=fmt, headers=headers or {})

    return do
