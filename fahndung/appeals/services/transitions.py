"""State changes. Every one goes through `_transition`, which locks the row, checks the
transition table and the rules, writes an AppealEvent and an audit row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from fahndung.accounts.roles import (
    INVESTIGATOR,
    PRESS_OFFICE,
    PROSECUTOR_LIAISON,
    roles_of,
)
from fahndung.appeals import rules, workflow
from fahndung.appeals.choices import CloseReason, Kind, Status
from fahndung.appeals.models import (
    Appeal,
    Participation,
)
from fahndung.appeals.selectors import appeal_get
from fahndung.appeals.services._common import (
    _event,
    _participate,
    _raise_problems,
    _require_editor,
    _store_version,
)
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import Conflict, PermissionDenied, TransitionNotAllowed, ValidationFailed


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


def appeal_submit(*, actor: Any, appeal_id: int) -> Appeal:
    def check(appeal: Appeal) -> None:
        _require_editor(actor, appeal)
        _raise_problems(rules.check_content(appeal), "Einreichen nicht möglich:")

    def apply(appeal: Appeal) -> bool:
        _participate(appeal, actor, Participation.Kind.SUBMIT)
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
