"""Writes on appeals. Every state change goes through `_transition`, which locks the
row, checks the transition table and the rules, writes an AppealEvent and an audit row.

Public surface: appeal_create, appeal_update, appeal_submit, appeal_request_changes,
appeal_approve, appeal_publish, appeal_close, appeal_archive, order_confirm,
photo_add, team_member_add.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import translation

from fahndung.accounts.roles import (
    INVESTIGATOR,
    PRESS_OFFICE,
    PROSECUTOR_LIAISON,
    roles_of,
    unit_id_of,
)
from fahndung.appeals import rules, workflow
from fahndung.appeals.choices import CloseReason, Kind, PersonRole, Status
from fahndung.appeals.deadlines import confirmation_due_at
from fahndung.appeals.models import (
    Appeal,
    AppealEvent,
    AppealVersion,
    Approval,
    LegalOrder,
    Person,
    Photo,
)
from fahndung.appeals.selectors import appeal_can_edit, appeal_get
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import Conflict, PermissionDenied, TransitionNotAllowed, ValidationFailed

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


# --- create / update -------------------------------------------------------------

def _apply_persons(appeal: Appeal, persons: list[dict[str, Any]]) -> None:
    appeal.persons.all().delete()
    for index, raw in enumerate(persons):
        unknown = set(raw) - PERSON_FIELDS
        if unknown:
            raise ValidationFailed("Unbekannte Personenfelder.", fields={"persons": [", ".join(sorted(unknown))]})
        data = {k: v for k, v in raw.items() if k in PERSON_FIELDS}
        data.setdefault("role", DEFAULT_ROLE_FOR_KIND.get(appeal.kind, PersonRole.SUSPECT))
        if "published_fields" not in data or data["published_fields"] is None:
            data["published_fields"] = Person.default_published_fields()
        bad = set(data["published_fields"]) - set(Person.PUBLISHABLE_FIELDS)
        if bad:
            raise ValidationFailed("Unbekannte Veröffentlichungsfelder.", fields={"persons": sorted(bad)})
        data["position"] = index
        person = Person(appeal=appeal, **data)
        _full_clean(person, exclude=["appeal"])
        person.save()


def _apply_order(appeal: Appeal, order_data: dict[str, Any] | None, actor: Any) -> None:
    if order_data is None:
        return
    unknown = set(order_data) - ORDER_FIELDS
    if unknown:
        raise ValidationFailed("Unbekannte Felder der Anordnung.", fields={"order": sorted(unknown)})
    try:
        order = appeal.order
    except LegalOrder.DoesNotExist:
        order = LegalOrder(appeal=appeal)
    changed_core = any(
        getattr(order, name, None) != order_data.get(name, getattr(order, name, None))
        for name in ("issuer_type", "decided_at", "is_emergency")
    )
    for key, value in order_data.items():
        setattr(order, key, value)
    order.recorded_by = actor
    _full_clean(order, exclude=["appeal", "recorded_by"])
    order.confirmation_due_at = confirmation_due_at(
        legal_basis=appeal.legal_basis, issuer_type=order.issuer_type,
        is_emergency=order.is_emergency, decided_at=order.decided_at,
    )
    if changed_core:
        order.confirmed_at = None
        order.confirmed_by_name = ""
        order.confirmation_reference = ""
    order.save()


def appeal_create(
    *, actor: Any, data: dict[str, Any], persons: list[dict[str, Any]] | None = None,
    order: dict[str, Any] | None = None,
) -> Appeal:
    if INVESTIGATOR not in roles_of(actor) and not actor.is_superuser:
        raise PermissionDenied("Nur die Sachbearbeitung kann Fahndungen anlegen.")
    unit_id = unit_id_of(actor)
    if unit_id is None:
        raise PermissionDenied("Ihrem Konto ist keine Dienststelle zugeordnet.")
    unknown = set(data) - APPEAL_FIELDS
    if unknown:
        raise ValidationFailed("Unbekannte Felder.", fields={k: ["Unbekanntes Feld."] for k in sorted(unknown)})
    with transaction.atomic():
        appeal = Appeal(unit_id=unit_id, owner=actor, **{k: v for k, v in data.items() if k not in {"unit", "owner"}})
        if not appeal.hotline:
            appeal.hotline = settings.FAHNDUNG_DEFAULT_HOTLINE
        _full_clean(appeal, exclude=["unit", "owner"])
        if appeal.reward_amount and not appeal.reward_reference.strip():
            raise ValidationFailed(
                "Eine Belohnung erfordert das Aktenzeichen der Auslobung (R17).",
                fields={"reward_reference": ["Pflicht, wenn eine Belohnung angegeben ist."]},
            )
        _raise_problems(rules.check_basis(appeal), "Rechtsgrundlage:")
        appeal.save()
        _apply_persons(appeal, persons or [])
        _apply_order(appeal, order, actor)
        audit_record(actor=actor, action="appeal.create", obj=appeal, appeal_id=appeal.pk)
    return appeal


def appeal_update(
    *, actor: Any, appeal_id: int, data: dict[str, Any] | None = None,
    persons: list[dict[str, Any]] | None = None, order: dict[str, Any] | None = None,
) -> Appeal:
    """Edit content. Editing a submitted or approved appeal starts a new version that
    needs a fresh approval (R4); published and closed appeals cannot be edited."""
    appeal_get(user=actor, pk=appeal_id)
    data = data or {}
    unknown = set(data) - APPEAL_FIELDS
    if unknown:
        raise ValidationFailed("Unbekannte Felder.", fields={k: ["Unbekanntes Feld."] for k in sorted(unknown)})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        if not appeal_can_edit(user=actor, appeal=appeal):
            raise PermissionDenied("Nur die zuständige Sachbearbeitung kann diese Fahndung ändern.")
        if appeal.status not in EDITABLE_STATUSES:
            raise Conflict(
                f"Im Status „{appeal.get_status_display()}“ kann die Fahndung nicht geändert werden. "
                "Bitte erledigen und neu anlegen oder Verlängerung beantragen."
            )
        before = _snapshot(appeal)
        for key, value in data.items():
            if key in {"unit", "owner"}:
                continue
            setattr(appeal, key, value)
        _full_clean(appeal, exclude=["unit", "owner"])
        _raise_problems(rules.check_basis(appeal), "Rechtsgrundlage:")
        if appeal.reward_amount and not appeal.reward_reference.strip():
            raise ValidationFailed(
                "Eine Belohnung erfordert das Aktenzeichen der Auslobung (R17).",
                fields={"reward_reference": ["Pflicht, wenn eine Belohnung angegeben ist."]},
            )
        appeal.save()
        if persons is not None:
            _apply_persons(appeal, persons)
        _apply_order(appeal, order, actor)
        after = _snapshot(appeal)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if changed and appeal.status in (Status.SUBMITTED, Status.APPROVED):
            from_status = appeal.status
            appeal.version += 1
            appeal.status = Status.SUBMITTED
            appeal.approved_at = None
            appeal.save(update_fields=["version", "status", "approved_at", "updated_at"])
            _event(appeal, actor, "revise", from_status, Status.SUBMITTED, comment="Geändert: " + ", ".join(changed))
            _store_version(appeal, actor)
        audit_record(actor=actor, action="appeal.update", obj=appeal, appeal_id=appeal.pk, detail={"changed": changed})
    return appeal


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


# --- transitions -----------------------------------------------------------------

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


def _transition(
    *, appeal_id: int, actor: Any, action: str, reason: str = "", comment: str = "",
    check: Callable[[Appeal], None] | None = None, apply: Callable[[Appeal], bool] | None = None,
    scope_user: bool = True,
) -> Appeal:
    """Lock, check table + roles + rules, change state, record event. `apply` may return
    False to record a partial step (e.g. first of two approvals) without changing state.

    Locks are NO KEY UPDATE: workers inserting rows that reference the appeal (FOR KEY SHARE)
    must not wait on, or deadlock with, a close or approval in progress."""
    is_system = actor is None or actor == workflow.SYSTEM
    if scope_user and not is_system:
        appeal_get(user=actor, pk=appeal_id)  # NotFound outside the user's scope
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        transition = workflow.find(action, appeal.status)
        if transition is None:
            target_states = {t.target for t in workflow.TRANSITIONS if t.action == action}
            if appeal.status in target_states and action not in {"approve", "revise"}:
                return appeal  # repeating the current state is a harmless no-op
            # The sentence is German (service errors are); keep the lazy names in it German too.
            with translation.override(settings.LANGUAGE_CODE):
                message = (f"„{workflow.ACTION_LABELS.get(action, action)}“ ist im Status "
                           f"„{appeal.get_status_display()}“ nicht möglich.")
            raise TransitionNotAllowed(message, extra={"status": appeal.status, "action": action})
        if is_system:
            if workflow.SYSTEM not in transition.roles:
                raise PermissionDenied("Dieser Schritt erfordert eine Person.")
        elif not (actor.is_superuser or roles_of(actor) & transition.roles):
            raise PermissionDenied("Ihre Rolle darf diesen Schritt nicht ausführen.")
        if check:
            check(appeal)
        source = appeal.status
        if apply is not None and apply(appeal) is False:
            return appeal
        appeal.status = transition.target
        now = clock.now()
        stamp = {"submit": "submitted_at", "approve": "approved_at", "publish": "published_at", "close": "closed_at"}
        if action in stamp:
            setattr(appeal, stamp[action], now)
        appeal.save()
        _event(appeal, None if is_system else actor, action, source, transition.target, reason=reason, comment=comment)
    return appeal


def _require_editor(actor: Any, appeal: Appeal) -> None:
    if not appeal_can_edit(user=actor, appeal=appeal):
        raise PermissionDenied("Nur die zuständige Sachbearbeitung kann diesen Schritt ausführen.")


def appeal_submit(*, actor: Any, appeal_id: int) -> Appeal:
    def check(appeal: Appeal) -> None:
        _require_editor(actor, appeal)
        _raise_problems(rules.check_content(appeal), "Einreichen nicht möglich:")

    def apply(appeal: Appeal) -> bool:
        if appeal.status == Status.CHANGES_REQUESTED:
            appeal.version += 1
        appeal.submitted_by = actor
        _store_version(appeal, actor)
        return True

    return _transition(appeal_id=appeal_id, actor=actor, action="submit", check=check, apply=apply)


def appeal_request_changes(*, actor: Any, appeal_id: int, comment: str) -> Appeal:
    if not (comment or "").strip():
        raise ValidationFailed("Bitte begründen, welche Änderungen nötig sind.", fields={"comment": ["Pflichtfeld."]})
    return _transition(appeal_id=appeal_id, actor=actor, action="request_changes", comment=comment.strip())


def appeal_approve(*, actor: Any, appeal_id: int, checklist: dict[str, bool] | None = None, comment: str = "") -> Appeal:
    """Four eyes: never the submitter; R14 cases need two distinct approvers. When the
    last approval is in, the appeal is published (own page first, then platforms)."""

    def check(appeal: Appeal) -> None:
        if appeal.submitted_by_id == actor.pk or (appeal.owner_id == actor.pk and not actor.is_superuser):
            raise PermissionDenied("Vier-Augen-Prinzip: Wer einreicht, darf nicht selbst freigeben.")
        if Approval.objects.filter(appeal=appeal, version=appeal.version, approver=actor).exists():
            raise Conflict("Sie haben diese Fassung bereits freigegeben; eine zweite Person muss zustimmen.")
        problems = rules.check_content(appeal)
        problems.update(rules.check_order(appeal))
        _raise_problems(problems, "Freigabe nicht möglich:")

    def apply(appeal: Appeal) -> bool:
        Approval.objects.create(appeal=appeal, version=appeal.version, approver=actor, at=clock.now(), checklist=checklist or {})
        needed = 2 if appeal.needs_second_approver else 1
        have = Approval.objects.filter(appeal=appeal, version=appeal.version).count()
        if have < needed:
            _event(appeal, actor, "approve_partial", appeal.status, appeal.status, comment=comment or f"Freigabe {have} von {needed}")
            return False
        return True

    appeal = _transition(appeal_id=appeal_id, actor=actor, action="approve", comment=comment, check=check, apply=apply)
    if appeal.status == Status.APPROVED and settings.FAHNDUNG_AUTO_PUBLISH:
        try:
            appeal = appeal_publish(actor=actor, appeal_id=appeal.pk)
        except ValidationFailed as exc:
            # The appeal stays approved; the reason is recorded in its history for the press office.
            _event(appeal, actor, "publish_blocked", appeal.status, appeal.status, comment=exc.message)
    return appeal


def appeal_publish(*, actor: Any, appeal_id: int) -> Appeal:
    def check(appeal: Appeal) -> None:
        _raise_problems(rules.check_publishable(appeal), "Veröffentlichung gesperrt:")

    def apply(appeal: Appeal) -> bool:
        from fahndung.publishing.services import publications_create_for_appeal

        publications_create_for_appeal(appeal=appeal, actor=actor)
        return True

    return _transition(appeal_id=appeal_id, actor=actor, action="publish", check=check, apply=apply)


def appeal_close(*, actor: Any, appeal_id: int, reason: str, comment: str = "") -> Appeal:
    """Close: desired state of every publication becomes "withdrawn" in the same transaction."""
    if reason not in CloseReason.values:
        raise ValidationFailed("Bitte einen gültigen Erledigungsgrund wählen.", fields={"reason": ["Ungültiger Grund."]})
    def check(appeal: Appeal) -> None:
        if actor not in (None, workflow.SYSTEM) and INVESTIGATOR in roles_of(actor) and not (
            roles_of(actor) & {PRESS_OFFICE, PROSECUTOR_LIAISON}
        ):
            _require_editor(actor, appeal)
        if reason == CloseReason.FOUND_DEAD and appeal.kind not in (Kind.MISSING,):
            raise ValidationFailed("„Tot aufgefunden“ gilt nur für Vermisstenfahndungen.", fields={"reason": ["Unpassend."]})
        if reason == CloseReason.FOUND_SAFE and appeal.kind != Kind.MISSING:
            raise ValidationFailed("„Wohlbehalten angetroffen“ gilt nur für Vermisstenfahndungen.", fields={"reason": ["Unpassend."]})

    def apply(appeal: Appeal) -> bool:
        appeal.close_reason = reason
        from fahndung.lifecycle.services import takedown_begin

        takedown_begin(appeal=appeal, actor=actor)
        return True

    return _transition(appeal_id=appeal_id, actor=actor, action="close", reason=reason, comment=comment, check=check, apply=apply)


def appeal_archive(*, actor: Any, appeal_id: int) -> Appeal:
    return _transition(appeal_id=appeal_id, actor=actor, action="archive")


def order_confirm(*, actor: Any, appeal_id: int, confirmed_by_name: str, reference: str = "") -> LegalOrder:
    """Record the judge's/prosecutor's confirmation of an emergency order (R3)."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    if not (roles_of(actor) & {PROSECUTOR_LIAISON, PRESS_OFFICE} or appeal_can_edit(user=actor, appeal=appeal)):
        raise PermissionDenied("Ihre Rolle darf keine Bestätigung erfassen.")
    if not confirmed_by_name.strip():
        raise ValidationFailed("Bitte angeben, wer bestätigt hat.", fields={"confirmed_by_name": ["Pflichtfeld."]})
    with transaction.atomic():
        try:
            order = LegalOrder.objects.select_for_update().get(appeal_id=appeal_id)
        except LegalOrder.DoesNotExist:
            raise Conflict("Für diese Fahndung ist keine Anordnung erfasst.") from None
        if order.confirmation_due_at is None:
            raise Conflict("Diese Anordnung benötigt keine Bestätigung.")
        if order.confirmed_at is not None:
            return order
        if rules.order_lapsed(order):
            raise Conflict("Die Bestätigungsfrist ist abgelaufen; die Anordnung ist erloschen (R3).")
        order.confirmed_at = clock.now()
        order.confirmed_by_name = confirmed_by_name.strip()
        order.confirmation_reference = reference.strip()
        order.save()
        audit_record(actor=actor, action="order.confirm", obj=order, appeal_id=appeal_id)
    return order


# --- photos and team -------------------------------------------------------------

def photo_add(*, actor: Any, appeal_id: int, uploaded_file: Any, caption: str = "", person_id: int | None = None) -> Photo:
    """Store an original privately (random name, sha256). Header checks happen here;
    full decoding happens in the imaging task, never in the request."""
    from fahndung.imaging.services import photo_processing_schedule, photo_validate_upload

    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    if appeal.status not in EDITABLE_STATUSES:
        raise Conflict("Fotos können nur vor der Veröffentlichung hinzugefügt werden.")
    info = photo_validate_upload(uploaded_file=uploaded_file)
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else iter(lambda: uploaded_file.read(1 << 20), b""):
        digest.update(chunk)
    uploaded_file.seek(0)
    sha = digest.hexdigest()
    if Photo.objects.filter(appeal_id=appeal_id, sha256=sha).exists():
        raise Conflict("Dieses Foto ist bereits hochgeladen.", fields={"file": ["Duplikat."]})
    if person_id is not None and not appeal.persons.filter(pk=person_id).exists():
        raise ValidationFailed("Unbekannte Person.", fields={"person": ["Gehört nicht zu dieser Fahndung."]})
    with transaction.atomic():
        photo = Photo(
            appeal=appeal, person_id=person_id, sha256=sha, size_bytes=info.size_bytes,
            content_type=info.content_type, caption=caption.strip(), uploaded_by=actor,
        )
        photo.original.save("original", uploaded_file, save=False)
        photo.save()
        audit_record(actor=actor, action="photo.upload", obj=photo, appeal_id=appeal.pk, detail={"sha256": sha})
        if appeal.status in (Status.SUBMITTED, Status.APPROVED):
            _bump_for_photo(appeal.pk, actor)  # content changed: a new version needs approval
        photo_processing_schedule(photo=photo)
    return photo


def _bump_for_photo(appeal_id: int, actor: Any) -> None:
    appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
    if appeal.status in (Status.SUBMITTED, Status.APPROVED):
        source = appeal.status
        appeal.version += 1
        appeal.status = Status.SUBMITTED
        appeal.approved_at = None
        appeal.save(update_fields=["version", "status", "approved_at", "updated_at"])
        _event(appeal, actor, "revise", source, Status.SUBMITTED, comment="Foto hinzugefügt")
        _store_version(appeal, actor)


def team_member_add(*, actor: Any, appeal_id: int, user: Any) -> None:
    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    appeal.team_members.add(user)
    audit_record(actor=actor, action="appeal.team_add", obj=appeal, appeal_id=appeal.pk, detail={"user": user.get_username()})


def team_member_remove(*, actor: Any, appeal_id: int, user: Any) -> None:
    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    appeal.team_members.remove(user)
    audit_record(actor=actor, action="appeal.team_remove", obj=appeal, appeal_id=appeal.pk, detail={"user": user.get_username()})


def appeal_delete(*, actor: Any, appeal_id: int) -> None:
    """Only drafts may be deleted (nothing was ever submitted or published)."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        if appeal.status != Status.DRAFT:
            raise Conflict("Nur Entwürfe können gelöscht werden; eingereichte Fahndungen werden erledigt.")
        audit_record(actor=actor, action="appeal.delete", obj=appeal, appeal_id=appeal.pk,
                     detail={"file_number": appeal.file_number_police})
        for photo in appeal.photos.all():
            photo.original.delete(save=False)
        appeal.delete()


def appeal_open(*, actor: Any, appeal_id: int) -> Appeal:
    """Read an appeal's full record (incl. withheld facts and sensitive person data) and log the view (R18)."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    audit_record(actor=actor, action="appeal.view", obj=appeal, appeal_id=appeal.pk)
    return appeal


def appeal_extend(*, actor: Any, appeal_id: int, expires_at: datetime) -> Appeal:
    """Move the expiry of a published appeal (the lifecycle area decides who may, four eyes).

    Only the date changes, so no re-approval of content; capped by the per-kind maximum
    counted from now. Called with or without the row already locked by the caller."""
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        if appeal.status != Status.PUBLISHED:
            raise Conflict("Nur veröffentlichte Fahndungen können verlängert werden.")
        previous = appeal.expires_at
        appeal.expires_at = expires_at
        _raise_problems(rules.check_expiry(appeal), "Verlängerung nicht möglich:")
        appeal.save(update_fields=["expires_at", "updated_at"])
        _event(appeal, actor, "extend", appeal.status, appeal.status,
               comment=f"Ablauf verlängert bis {expires_at:%d.%m.%Y}")
        audit_record(actor=actor, action="appeal.extend", obj=appeal, appeal_id=appeal.pk,
                     detail={"from": previous.isoformat(), "to": expires_at.isoformat()})
    return appeal
