"""Imaging service (storage + database side of the pure imaging library).

TEMPORARY minimal version written by the foundation; the imaging issue replaces it.
Contract used by appeals.services.photo_add:
  photo_validate_upload(*, uploaded_file) -> UploadInfo(size_bytes, content_type, width, height)
      cheap header-only checks (byte cap, content sniffing, pixel cap); raises ValidationFailed.
  photo_processing_schedule(*, photo) -> None
      enqueue the heavy processing after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from fahndung.core.errors import ValidationFailed


@dataclass(frozen=True)
class UploadInfo:
    size_bytes: int
    content_type: str
    width: int
    height: int


_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def photo_validate_upload(*, uploaded_file: Any) -> UploadInfo:
    size = getattr(uploaded_file, "size", None) or 0
    if size == 0:
        raise ValidationFailed("Die Datei ist leer.", fields={"file": ["Leere Datei."]})
    if size > settings.FAHNDUNG_PHOTO_MAX_BYTES:
        raise ValidationFailed("Die Datei ist zu groß.", fields={"file": ["Zu groß."]})
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    for magic, ctype in _MAGIC:
        if head.startswith(magic):
            return UploadInfo(size, ctype, 0, 0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return UploadInfo(size, "image/webp", 0, 0)
    raise ValidationFailed("Nur JPEG-, PNG- oder WebP-Bilder sind erlaubt.", fields={"file": ["Falscher Dateityp."]})


def photo_processing_schedule(*, photo: Any) -> None:
    return None
