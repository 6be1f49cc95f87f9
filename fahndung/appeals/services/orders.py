"""The legal order behind an appeal (R3): recording it with an appeal edit and confirming it."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from fahndung.accounts.roles import (
    PROSECUTOR_LIAISON,
    roles_of,
)
from fahndung.appeals import rules
from fahndung.appeals.choices import ConfirmingAuthority
from fahndung.appeals.deadlines import confirmation_due_at, required_confirmation
from fahndung.appeals.models import (
    Appeal,
    LegalOrder,
)
from fahndung.appeals.plausibility import CLOCK_SKEW
from fahndung.appeals.selectors import appeal_get
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
    changes = {k for k, v in order_data.items() if getattr(order, k, None) != v}
    if order.pk and changes and rules.order_lapsed(order):
        # R3: a lapsed emergency order stays lapsed. Only a new decision (another number) is a new order.
        if order_data.get("decision_number", order.decision_number) == order.decision_number:
            raise Conflict(
                "Die Eilanordnung ist erloschen (Bestätigungsfrist abgelaufen) und kann nicht geändert oder "
                "neu datiert werden. Bitte die neue Anordnung mit ihrem eigenen Geschäftszeichen erfassen.",
                fields={"order.decided_at": ["Erloschene Anordnung."]},
            )
        LegalOrder.objects.filter(pk=order.pk).update(appeal=None, former_appeal=appeal, superseded_at=clock.now())
        audit_record(actor=actor, action="order.superseded", obj=order, appeal_id=appeal.pk)
        appeal._state.fields_cache.pop("order", None)  # forget the cached old row
        order = LegalOrder(appeal=appeal)
    changed_core = any(
        getattr(order, name, None) != order_data.get(name, getattr(order, name, None))
        for name in ("issuer_type", "decided_at", "is_emergency")
    )
    for key, value in order_data.items():
        setattr(order, key, value)
    order.recorded_by = actor
    _full_clean(order, exclude=["appeal", "recorded_by", "former_appeal"])
    if order.decided_at and order.decided_at > clock.now() + CLOCK_SKEW:
        raise ValidationFailed("Das Datum der Anordnung liegt in der Zukunft.",
                               fields={"order.decided_at": ["Das Datum der Anordnung liegt in der Zukunft."]})
    order.confirmation_due_at = confirmation_due_at(
        legal_basis=appeal.legal_basis, issuer_type=order.issuer_type,
        is_emergency=order.is_emergency, decided_at=order.decided_at,
    )
    if changed_core:
        order.confirmed_at = None
        order.confirmed_by_name = ""
        order.confirmed_by_authority = ""
        order.confirmation_reference = ""
    order.save()


_NAME_WORD = re.compile(r"[^\W\d_]{2,}")


def _real_name(value: str) -> bool:
    """A person's name with title or function: at least two words of letters, 5+ letters."""
    words = _NAME_WORD.findall(value or "")
    return len(words) >= 2 and sum(len(w) for w in words) >= 5


def order_confirm(
    *, actor: Any, appeal_id: int, confirmed_by_name: str, authority_type: str, reference: str = "",
) -> LegalOrder:
    """Record the confirmation of an emergency order (R3): who confirmed (name, court or
    prosecutor), checked against what the basis requires; only the prosecutor liaison."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    if PROSECUTOR_LIAISON not in roles_of(actor):
        raise PermissionDenied("Nur die StA-Verbindungsstelle darf Bestätigungen erfassen.")
    name = (confirmed_by_name or "").strip()
    if not _real_name(name):
        raise ValidationFailed("Bitte Namen und Funktion der bestätigenden Person angeben (z. B. „Richterin am AG Weber“).",
                               fields={"confirmed_by_name": ["Vollständiger Name erforderlich."]})
    if authority_type not in ConfirmingAuthority.values:
        raise ValidationFailed("Bitte angeben, ob ein Gericht oder die Staatsanwaltschaft bestätigt hat.",
                               fields={"authority_type": [f"Erlaubt: {', '.join(ConfirmingAuthority.values)}."]})
    required = required_confirmation(legal_basis=appeal.legal_basis)
    if required and authority_type != required:
        text = ("Bei §§ 131a Abs. 3, 131b StPO muss ein Gericht die Eilanordnung bestätigen (§ 131c Abs. 2 StPO)."
                if required == "court" else
                "Eine polizeiliche Eilanordnung nach § 131 Abs. 3 StPO bestätigt die Staatsanwaltschaft.")
        raise ValidationFailed(text, fields={"authority_type": [text]})
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
        order.confirmed_by_name = name
        order.confirmed_by_authority = authority_type
        order.confirmation_recorded_by = actor
        order.confirmation_reference = (reference or "").strip()
        order.save()
        audit_record(actor=actor, action="order.confirm", obj=order, appeal_id=appeal_id,
                     detail={"by": name, "authority": authority_type})
    return order
