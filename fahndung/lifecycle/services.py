"""Lifecycle services. TEMPORARY placeholder from the foundation; the lifecycle issue replaces it.

Contract used by appeals.services.appeal_close (called inside its transaction, row locked):
  takedown_begin(*, appeal, actor) -> None
"""

from __future__ import annotations

from typing import Any


def takedown_begin(*, appeal: Any, actor: Any) -> None:
    return None
