"""Publishing services. TEMPORARY placeholder from the foundation; the publishing issue replaces it.

Contract used by appeals.services.appeal_publish (called inside its transaction):
  publications_create_for_appeal(*, appeal, actor) -> None
"""

from __future__ import annotations

from typing import Any


def publications_create_for_appeal(*, appeal: Any, actor: Any) -> None:
    return None
