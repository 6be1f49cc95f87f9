"""Imaging settings, read from FAHNDUNG_* environment variables with safe defaults.

FAHNDUNG_IMAGING_REDACTION_METHOD   "blur" (default) or "solid"
FAHNDUNG_IMAGING_THREADS            OpenCV threads per worker process (default 2: the CI budget)
FAHNDUNG_IMAGING_CENTERFACE_MAX_SIDE  long side CenterFace sees (default 2000)
FAHNDUNG_IMAGING_MAX_ATTEMPTS       processing attempts before "failed" (default 3)
FAHNDUNG_IMAGING_STUCK_MINUTES      a "processing" row older than this is re-queued by the sweep (default 15)
FAHNDUNG_IMAGING_MEMORY_MB          memory budget of one photo job (its child process's RLIMIT_AS,
                                    default 2048); the pixel cap follows from it (max_pixels)
FAHNDUNG_IMAGING_TIMEOUT_SECONDS    wall time of one photo job before its child is killed (default 300)
Byte and pixel caps come from settings.FAHNDUNG_PHOTO_MAX_BYTES / _MAX_PIXELS (foundation); the
effective pixel cap is the smaller of _MAX_PIXELS and what the memory budget affords.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fahndung.core.env import env_int, env_str
from fahndung.imaging.sandbox import MIB, JobLimits

# Peak address space of a photo job (what its RLIMIT_AS limits) ≈ JOB_FIXED_MIB +
# JOB_BYTES_PER_PIXEL × pixels. `uv run python benchmarks/imaging_memory.py` fitted 808 MiB +
# 9.4 B/px on 2 Dec 2026 (12 MP: 915 MiB, 60 MP: 1343 MiB, 7700² one-colour PNG: 1367 MiB);
# rounded up here. Fixed: interpreter, OpenCV, the CenterFace tile buffers (≤ 1280² px) and
# reserved-but-untouched thread/arena space; per pixel: the decoded frame, its redacted copy,
# the mask and the decoder's working buffer (docs/operations.md, "Sizing").
JOB_FIXED_MIB = 850
JOB_BYTES_PER_PIXEL = 10


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


def memory_budget_bytes() -> int:
    mib = env_int("FAHNDUNG_IMAGING_MEMORY_MB", 2048)
    if mib < JOB_FIXED_MIB + 64:
        raise ImproperlyConfigured(f"FAHNDUNG_IMAGING_MEMORY_MB must be at least {JOB_FIXED_MIB + 64}")
    return mib * MIB


def timeout_seconds() -> int:
    return max(10, env_int("FAHNDUNG_IMAGING_TIMEOUT_SECONDS", 300))


def budget_pixels(budget_bytes: int) -> int:
    """How many pixels one job can process within `budget_bytes`."""
    return max(0, (budget_bytes - JOB_FIXED_MIB * MIB) // JOB_BYTES_PER_PIXEL)


def max_pixels() -> int:
    """The pixel cap at intake and decode: configured cap, lowered to what the budget affords."""
    return min(int(settings.FAHNDUNG_PHOTO_MAX_PIXELS), budget_pixels(memory_budget_bytes()))


def job_limits() -> JobLimits:
    return JobLimits(
        budget_bytes=memory_budget_bytes(), timeout_seconds=timeout_seconds(), max_pixels=max_pixels(),
        max_bytes=max_bytes(), threads=threads(), centerface_max_side=centerface_max_side(),
    )
