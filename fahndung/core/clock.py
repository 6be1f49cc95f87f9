"""The one source of "now" for business rules, so tests can control time.

`freeze(dt)`/`advance(delta)` set an override for this process; FAHNDUNG_CLOCK_OFFSET_SECONDS
shifts every process (used by reliability tests with real worker processes).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

_frozen: datetime | None = None


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    offset = float(os.environ.get("FAHNDUNG_CLOCK_OFFSET_SECONDS", "0") or 0)
    return timezone.now() + timedelta(seconds=offset)


def set_now(value: datetime | None) -> None:
    global _frozen
    _frozen = value


@contextmanager
def frozen(value: datetime) -> Iterator[None]:
    previous = _frozen
    set_now(value)
    try:
        yield
    finally:
        set_now(previous)
