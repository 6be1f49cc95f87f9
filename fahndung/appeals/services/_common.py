"""Shared helpers of the appeal services: field sets, error raising, history events and
version snapshots. Not part of the public surface (see services/__init__.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from fahndung.appeals import rules
from fahndung.appeals.choices import Kind, PersonRole, Status
from fahndung.appeals.models import (
    Appeal,
    AppealEvent,
    AppealVersion,
    LegalOrder,
    Participation,
    Person,
)
from fahndung.appeals.selectors import appeal_can_edit
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import PermissionDenied, ValidationFailed

EDITABLE_STATUSES = {Status.DRAFT, Status.CHANGES_REQUESTED, Status.SUBMITTED, Status.APPROVED}
DEFAULT_ROLE_FOR_KIND = {
    Kind.SUSPECT_KNOWN: PersonRole.SUSPECT,
    Kind.SUSPECT_UNKNOWN: PersonRole.SUSPECT,
    Kind.CONVICT: PersonRole.CONVICT,
    Kind.WITNESS: PersonRole.WITNESS,
    Kind.MISSING: PersonRole.MISSING,
    Kind.UNKNOWN_DEAD: PersonRole.DECEASED,
}
APPEAL_FIELDS = {
    f.name for f in Appeal._meta.get_fields()
    if getattr(f, "editable", False) and not f.is_relation and f.name not in {
        "id", "slug", "status", "close_reason", "version", "created_at", "updated_at",
        "submitted_at", "approved_at", "published_at", "closed_at", "allow_platform_media",
        "platform_media_reason",
    }
}
ORDER_FIELDS = {
    "issuer_type", "issuer_name", "authority", "decision_number", "decided_at", "is_emergency",
    "name_allowed", "scope_notes",
}
PERSON_FIELDS = {
    f.name for f in Person._meta.get_fields()
    if getattr(f, "editable", False) and not f.is_relation and f.name not in {"id"}
}


def _raise_problems(problems: rules.Problems, message: str) -> None:
    if problems:
        first = next(iter(problems.values()))[0]
        raise ValidationFailed(f"{message} {first}", fields=problems)


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed("Eingaben sind ungültig.", fields=exc.message_dict) from exc


def _snapshot(appeal: Appeal) -> dict[str, Any]:
    data = {k: v for k, v in model_to_dict(appeal).items() if k in APPEAL_FIELDS}
    data["persons"] = [
        {k: v for k, v in model_to_dict(p).items() if k in PERSON_FIELDS} for p in appeal.persons.all()
    ]
    try:
        data["order"] = {k: v for k, v in model_to_dict(appeal.order).items() if k in ORDER_FIELDS}
    except LegalOrder.DoesNotExist:
        data["order"] = None
    data["photos"] = sorted(appeal.photos.values_list("sha256", flat=True))
    return _jsonable(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Same instant in Berlin time and in UTC must compare equal (no spurious new version).
        return value.astimezone(UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _store_version(appeal: Appeal, actor: Any) -> None:
    AppealVersion.objects.update_or_create(
        appeal=appeal, version=appeal.version,
        defaults={"snapshot": _snapshot(appeal), "created_at": clock.now(), "created_by": actor},
    )


def _event(appeal: Appeal, actor: Any, action: str, source: str, target: str, *, reason: str = "", comment: str = "") -> AppealEvent:
    event = AppealEvent.objects.create(
        appeal=appeal, at=clock.now(), actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, from_status=source, to_status=target, reason=reason, comment=comment,
        version=appeal.version,
    )
    audit_record(
        actor=actor, action=f"appeal.{action}", obj=appeal, appeal_id=appeal.pk,
        detail={"from": source, "to": target, "reason": reason, "version": appeal.version},
    )
    return event


def _require_editor(actor: Any, appeal: Appeal) -> None:
    if not appeal_can_edit(user=actor, appeal=appeal):
        raise PermissionDenied("Nur die zuständige Sachbearbeitung kann diesen Schritt ausführen.")


def _working_version(appeal: Appeal) -> int:
    # Changes made while changes are requested belong to the version the next submit creates.
    return appeal.version + 1 if appeal.status == Status.CHANGES_REQUESTED else appeal.version


def _participate(appeal: Appeal, actor: Any, kind: str, what: str = "") -> None:
    """Record that `actor` took part in the version being prepared (four eyes, finding 2)."""
    if not getattr(actor, "is_authenticated", False):
        return
    Participation.objects.get_or_create(
        appeal=appeal, version=_working_version(appeal), user=actor, kind=kind,
        defaults={"what": what[:200], "at": clock.now()},
    )


def _revise(appeal: Appeal, actor: Any, comment: str) -> None:
    """A change after submission: a new version that needs a fresh approval (R4). Caller holds the lock."""
    if appeal.status not in (Status.SUBMITTED, Status.APPROVED):
        return
    source = appeal.status
    appeal.version += 1
    appeal.status = Status.SUBMITTED
    appeal.approved_at = None
    appeal.save(update_fields=["version", "status", "approved_at", "updated_at"])
    _event(appeal, actor, "revise", source, Status.SUBMITTED, comment=comment)
    _store_version(appeal, actor)
