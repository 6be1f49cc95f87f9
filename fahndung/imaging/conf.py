"""Imaging settings, read from FAHNDUNG_* environment variables with safe defaults.

FAHNDUNG_IMAGING_REDACTION_METHOD   "blur" (default) or "solid"
FAHNDUNG_IMAGING_THREADS            OpenCV threads per worker process (default 2: the CI budget)
FAHNDUNG_IMAGING_CENTERFACE_MAX_SIDE  long side CenterFace sees (default 2000)
FAHNDUNG_IMAGING_MAX_ATTEMPTS       processing attempts before "failed" (default 3)
FAHNDUNG_IMAGING_STUCK_MINUTES      a "processing" row older than this is re-queued by the sweep (default 15)
Byte and pixel caps come from settings.FAHNDUNG_PHOTO_MAX_BYTES / _MAX_PIXELS (foundation).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fahndung.core.env import env_int, env_str


def redaction_method() -> str:
    value = env_str("FAHNDUNG_IMAGING_REDACTION_METHOD", "blur").strip().lower()
    if value not in ("blur", "solid"):
        raise ImproperlyConfigured("FAHNDUNG_IMAGING_REDACTION_METHOD must be 'blur' or 'solid'")
    return value


def threads() -> int:
    return max(1, env_int("FAHNDUNG_IMAGING_THREADS", 2))


def centerface_max_side() -> int:
    return max(320, env_int("FAHNDUNG_IMAGING_CENTERFACE_MAX_SIDE", 2000))


def max_attempts() -> int:
    return max(1, env_int("FAHNDUNG_IMAGING_MAX_ATTEMPTS", 3))


def stuck_minutes() -> int:
    return max(1, env_int("FAHNDUNG_IMAGING_STUCK_MINUTES", 15))


def max_bytes() -> int:
    return int(settings.FAHNDUNG_PHOTO_MAX_BYTES)


def max_pixels() -> int:
    return int(settings.FAHNDUNG_PHOTO_MAX_PIXELS)
