"""The legal order behind an appeal (R3): recording it with an appeal edit and confirming it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fahndung.accounts.roles import (
    PRESS_OFFICE,
    PROSECUTOR_LIAISON,
    roles_of,
)
from fahndung.appeals import rules
from fahndung.appeals.deadlines import confirmation_due_at
from fahndung.appeals.models import (
    Appeal,
    LegalOrder,
)
from fahndung.appeals.selectors import appeal_can_edit, appeal_get
from fahndung.appeals.services._common import ORDER_FIELDS, _full_clean
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import Conflict, PermissionDenied, ValidationFailed


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
