"""audit_record(): the only way rows enter the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from fahndung.core import clock
from fahndung.core.models import AuditEvent


def audit_record(
    *, actor: Any, action: str, obj: models.Model | None = None, object_type: str = "",
    object_id: str | int = "", appeal_id: int | None = None, detail: dict[str, Any] | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=user,
        actor_label=user.get_username() if user else (str(actor) if actor else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        appeal_id=appeal_id,
        detail=detail or {},
    )
