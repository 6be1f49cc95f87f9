"""Reads of appeals, always scoped to what the user may see.

Object-level access lives here, not in views: an appeal outside the user's scope
is reported as "not found" (API 404), so ids of other units' cases do not leak.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation

from fahndung.accounts.roles import (
    INVESTIGATOR,
    PRESS_OFFICE,
    PROSECUTOR_LIAISON,
    roles_of,
    unit_id_of,
)
from fahndung.appeals import gate, workflow
from fahndung.appeals.choices import Kind, Status
from fahndung.appeals.models import Appeal, AppealEvent, LegalOrder, Participation, Photo
from fahndung.core import clock
from fahndung.core.errors import NotFound, ValidationFailed


def appeal_visibility_q(user: Any) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    roles = roles_of(user)
    q = Q(pk__in=[])
    if INVESTIGATOR in roles:
        unit_id = unit_id_of(user)
        if unit_id is not None:
            q |= Q(unit_id=unit_id)
        q |= Q(team_members=user)
    if roles & {PRESS_OFFICE, PROSECUTOR_LIAISON}:
        q |= ~Q(status=Status.DRAFT)
    return q


def appeal_list(*, user: Any, status: str | None = None, kind: str | None = None, search: str = "") -> QuerySet[Appeal]:
    # A mistyped filter must not look like "no appeals": refuse it with the allowed values.
    bad = {name: [f"Unbekannter Wert; erlaubt: {', '.join(allowed)}."]
           for name, value, allowed in (("status", status, Status.values), ("kind", kind, Kind.values))
           if value and value not in allowed}
    if bad:
        raise ValidationFailed("Unbekannter Filterwert.", fields=bad)
    qs = Appeal.objects.filter(appeal_visibility_q(user)).distinct().select_related("unit", "owner", "order")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(file_number_police__icontains=search))
    return qs


def appeal_get(*, user: Any, pk: int | str) -> Appeal:
    try:
        return appeal_list(user=user).get(pk=int(pk))
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise NotFound("Fahndung nicht gefunden.") from None


def appeal_can_edit(*, user: Any, appeal: Appeal) -> bool:
    if user.is_superuser:
        return True
    if INVESTIGATOR not in roles_of(user):
        return False
    return appeal.unit_id == unit_id_of(user) or appeal.team_members.filter(pk=user.pk).exists()


def appeal_allowed_actions(*, user: Any, appeal: Appeal) -> list[str]:
    """The transitions this user may trigger now, in table order (web buttons and the API's
    allowed_actions): the role table, minus automatic ones, minus submit for non-editors."""
    roles = roles_of(user)
    actions = [
        t.action for t in workflow.TRANSITIONS
        if t.source == appeal.status and t.action not in workflow.AUTOMATIC_ACTIONS
        and (user.is_superuser or roles & t.roles)
    ]
    if "submit" in actions and not appeal_can_edit(user=user, appeal=appeal):
        actions.remove("submit")
    return actions


def appeal_case_team_q(appeal: Appeal) -> Q:
    """Users who form the case team: members of the owning unit plus explicit members (R11)."""
    return Q(profile__unit_id=appeal.unit_id, groups__name=INVESTIGATOR) | Q(team_appeals=appeal)


def appeal_is_case_team_member(*, user: Any, appeal: Appeal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if INVESTIGATOR in roles_of(user) and unit_id_of(user) == appeal.unit_id:
        return True
    return appeal.team_members.filter(pk=user.pk).exists()


def order_allows_showing(*, due_at: datetime | None, confirmed_at: datetime | None, at: datetime | None = None) -> bool:
    """An emergency order not confirmed by its deadline has lapsed (R3); checked on every render."""
    if due_at is None or confirmed_at is not None:
        return True
    return (at or clock.now()) < due_at


def appeal_showable_q(*, at: datetime | None = None) -> Q:
    """Published appeals that may be shown right now: not expired, order not lapsed (even
    before the sweep closes them). For querysets of the public list, feeds and API."""
    now = at or clock.now()
    order_ok = (Q(order__isnull=True) | Q(order__confirmation_due_at__isnull=True)
                | Q(order__confirmed_at__isnull=False) | Q(order__confirmation_due_at__gt=now))
    return Q(status=Status.PUBLISHED) & Q(expires_at__gt=now) & order_ok


def appeal_is_publicly_showable(*, appeal: Appeal, at: datetime | None = None) -> bool:
    """The one check the public page, feeds and publishing call before showing or sending."""
    now = at or clock.now()
    if appeal.status != Status.PUBLISHED or (appeal.expires_at is not None and appeal.expires_at <= now):
        return False
    try:
        order = appeal.order
    except LegalOrder.DoesNotExist:
        return True
    return order_allows_showing(due_at=order.confirmation_due_at, confirmed_at=order.confirmed_at, at=now)


def appeal_version_participants(*, appeal: Appeal) -> QuerySet[Participation]:
    """Everyone who took part in the version under approval: every change since the last
    approved version is part of what the approver signs off."""
    return appeal.participants.filter(version__gt=appeal.approved_version or 0).select_related("user")


def appeal_approval_conflict(*, user: Any, appeal: Appeal) -> str | None:
    """Why this user may not approve the current version (four eyes), or None."""
    if appeal.submitted_by_id == user.pk:
        return "Sie haben diese Fassung eingereicht."
    if appeal.owner_id == user.pk:
        return "Die Fahndung gehört Ihnen."
    if appeal_is_case_team_member(user=user, appeal=appeal):
        return "Sie gehören zum Ermittlungsteam dieser Fahndung."
    took_part = [p for p in appeal_version_participants(appeal=appeal) if p.user_id == user.pk]
    if took_part:
        with translation.override(settings.LANGUAGE_CODE):  # service messages are German
            kinds = ", ".join(sorted({str(p.get_kind_display()) for p in took_part}))
        return f"Sie haben an dieser Fassung mitgewirkt ({kinds})."
    return None


def appeal_events(*, appeal: Appeal) -> QuerySet[AppealEvent]:
    return appeal.events.select_related("actor").order_by("at", "id")


def appeal_dashboard_counts(*, user: Any) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for row in appeal_list(user=user).order_by().values_list("status", flat=True):
        counts[row] += 1
    return counts


def photo_get(*, user: Any, pk: int | str) -> Photo:
    try:
        photo = Photo.objects.select_related("appeal").get(pk=int(pk))
    except (Photo.DoesNotExist, ValueError, TypeError):
        raise NotFound("Foto nicht gefunden.") from None
    appeal_get(user=user, pk=photo.appeal_id)  # raises NotFound when the appeal is out of scope
    return photo


# --- the output gate (appeals.gate): every outgoing text passes here --------------------

OutputBlocked = gate.OutputBlocked


def output_justified(value: str | None) -> bool:
    """A justification/exception with real text (minimum letters in whole words)."""
    return gate.justified(value)


def output_problems(*, appeal: Appeal, texts: dict[str, Any], lead: dict[str, str] | None = None) -> dict[str, list[str]]:
    """{channel: [German messages]} for the final texts of one appeal; empty = may go out."""
    return gate.texts_problems(appeal, texts, lead=lead)


def output_require(*, appeal: Appeal, texts: dict[str, Any], lead: dict[str, str] | None = None) -> None:
    """Raise OutputBlocked (German message, problems per channel) unless every text passes."""
    problems = output_problems(appeal=appeal, texts=texts, lead=lead)
    if problems:
        first = next(iter(problems.values()))[0]
        raise gate.OutputBlocked(f"Ausgabe gesperrt: {first}", fields=problems)
