"""Distribution list and withdrawal notices (R9).

Public surface:
  recipient_add(*, actor, appeal_id, kind, name, email, location="", note="") -> DistributionRecipient
  recipient_update(*, actor, recipient_id, **fields) -> DistributionRecipient
  recipient_remove(*, actor, recipient_id) -> None
  notices_create_for_appeal(*, appeal, reason) -> list[WithdrawalNotice]  (closing transaction)
  notices_dispatch(*, notice_ids) -> int         (enqueue e-mails, never raises)
  notice_send(*, notice_id) -> bool              (task body; idempotent)
  notices_send_pending(*, limit=200) -> int      (sweep: unsent notices)
  notice_ack_token(notice) -> str / notice_acknowledge_by_token(*, token) -> WithdrawalNotice
  notice_acknowledge(*, actor, notice_id, note="") -> WithdrawalNotice
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from fahndung.accounts.roles import ADMIN, PRESS_OFFICE, has_role_or_superuser
from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal
from fahndung.appeals.selectors import appeal_can_edit, appeal_get, output_problems, output_require
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from fahndung.lifecycle import conf
from fahndung.lifecycle.models import DistributionRecipient, RecipientKind, WithdrawalNotice
from fahndung.lifecycle.services.wording import neutral_notice_text, notice_text

logger = logging.getLogger(__name__)
_ACK_SALT = "fahndung.lifecycle.notice-ack"
RECIPIENT_FIELDS = {"kind", "name", "email", "location", "note"}
CLOSED = (Status.CLOSED, Status.ARCHIVED)


def _may_manage(actor: Any, appeal: Appeal) -> bool:
    return has_role_or_superuser(actor, PRESS_OFFICE, ADMIN) or appeal_can_edit(user=actor, appeal=appeal)


def _validate(recipient: DistributionRecipient) -> None:
    if recipient.kind not in RecipientKind.values:
        raise ValidationFailed("Unbekannte Art des Empfängers.", fields={"kind": ["Ungültiger Wert."]})
    try:
        recipient.full_clean(exclude=["appeal", "created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed("Eingaben sind ungültig.", fields=exc.message_dict) from exc


def recipient_add(
    *, actor: Any, appeal_id: int, kind: str, name: str, email: str, location: str = "", note: str = "",
) -> DistributionRecipient:
    """Add a recipient. On an already closed appeal the notice goes out at once."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    if not _may_manage(actor, appeal):
        raise PermissionDenied("Ihre Rolle darf den Verteiler nicht ändern.")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        recipient = DistributionRecipient(
            appeal=appeal, kind=kind, name=(name or "").strip(), email=(email or "").strip().lower(),
            location=(location or "").strip(), note=(note or "").strip(), created_by=actor, created_at=clock.now(),
        )
        _validate(recipient)
        try:
            with transaction.atomic():
                recipient.save()
        except IntegrityError:
            raise Conflict("Dieser Empfänger steht bereits im Verteiler.", fields={"email": ["Doppelt."]}) from None
        audit_record(actor=actor, action="distribution.add", obj=recipient, appeal_id=appeal.pk,
                     detail={"kind": kind})
        if appeal.status in CLOSED:
            notices = notices_create_for_appeal(appeal=appeal, reason=appeal.close_reason)
            ids = [n.pk for n in notices]
            transaction.on_commit(lambda: notices_dispatch(notice_ids=ids), robust=True)
    return recipient


def _recipient_for_change(actor: Any, recipient_id: int) -> DistributionRecipient:
    recipient = DistributionRecipient.objects.select_related("appeal").filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound("Empfänger nicht gefunden.")
    appeal_get(user=actor, pk=recipient.appeal_id)
    if not _may_manage(actor, recipient.appeal):
        raise PermissionDenied("Ihre Rolle darf den Verteiler nicht ändern.")
    if WithdrawalNotice.objects.filter(recipient=recipient).exists():
        raise Conflict("An diesen Empfänger wurde bereits eine Rücknahme gesendet; er bleibt dokumentiert.")
    return recipient


def recipient_update(*, actor: Any, recipient_id: int, **fields: Any) -> DistributionRecipient:
    unknown = set(fields) - RECIPIENT_FIELDS
    if unknown:
        raise ValidationFailed("Unbekannte Felder.", fields={k: ["Unbekanntes Feld."] for k in sorted(unknown)})
    recipient = _recipient_for_change(actor, recipient_id)
    for key, value in fields.items():
        value = (value or "").strip()
        setattr(recipient, key, value.lower() if key == "email" else value)
    _validate(recipient)
    try:
        with transaction.atomic():
            recipient.save()
    except IntegrityError:
        raise Conflict("Dieser Empfänger steht bereits im Verteiler.", fields={"email": ["Doppelt."]}) from None
    audit_record(actor=actor, action="distribution.update", obj=recipient, appeal_id=recipient.appeal_id,
                 detail={"changed": sorted(fields)})
    return recipient


def recipient_remove(*, actor: Any, recipient_id: int) -> None:
    recipient = _recipient_for_change(actor, recipient_id)
    audit_record(actor=actor, action="distribution.remove", obj=recipient, appeal_id=recipient.appeal_id)
    recipient.delete()


def notices_create_for_appeal(*, appeal: Appeal, reason: str) -> list[WithdrawalNotice]:
    """One notice per recipient that has none yet (idempotent). Caller's transaction."""
    subject, body = notice_text(appeal=appeal, reason=reason or "expired", org_name=settings.FAHNDUNG_ORG_NAME)
    problems = output_problems(appeal=appeal, texts={"email": [subject, body]})
    if problems:
        # The output gate refused the wording: send the neutral notice instead (never none).
        audit_record(actor=None, action="output.blocked", obj=appeal, appeal_id=appeal.pk,
                     detail={"problems": problems, "fallback": "neutral_notice"})
        subject, body = neutral_notice_text(appeal=appeal, org_name=settings.FAHNDUNG_ORG_NAME)
        output_require(appeal=appeal, texts={"email": [subject, body]})
    created = []
    now = clock.now()
    for recipient in DistributionRecipient.objects.filter(appeal=appeal, notice__isnull=True):
        created.append(WithdrawalNotice.objects.create(
            appeal=appeal, recipient=recipient, email=recipient.email, reason=reason or "expired",
            subject=subject, body=body, created_at=now,
        ))
    return created


def notice_ack_token(notice: WithdrawalNotice) -> str:
    return signing.dumps({"n": notice.pk}, salt=_ACK_SALT, compress=True)


def notice_ack_url(notice: WithdrawalNotice) -> str:
    return settings.PUBLIC_BASE_URL + reverse("lifecycle:notice_ack", args=[notice_ack_token(notice)])


def notices_dispatch(*, notice_ids: list[int]) -> int:
    from fahndung.lifecycle.tasks import send_withdrawal_notice

    sent = 0
    for notice_id in notice_ids:
        try:
            send_withdrawal_notice.delay(notice_id)
        except Exception as exc:  # broker down: the deadline sweep sends unsent notices
            logger.warning("notice dispatch failed (%s); sweep will send", type(exc).__name__)
            break
        sent += 1
    return sent


def notice_send(*, notice_id: int) -> bool:
    """Send one notice by e-mail unless already sent. The row lock makes concurrent
    runs (task + sweep) send it once."""
    with transaction.atomic():
        notice = WithdrawalNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.sent_at is not None:
            return False
        if notice.send_attempts >= conf.notice_max_attempts():
            return False
        notice.send_attempts += 1
        body = (
            f"{notice.body}\n"
            f"Bitte bestätigen Sie den Erhalt und die Entfernung mit einem Klick:\n{notice_ack_url(notice)}\n"
        )
        try:
            send_mail(notice.subject, body, settings.DEFAULT_FROM_EMAIL, [notice.email], fail_silently=False)
        except Exception as exc:
            notice.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            notice.save(update_fields=["send_attempts", "last_error"])
            return False
        notice.sent_at = clock.now()
        notice.last_error = ""
        notice.save(update_fields=["send_attempts", "last_error", "sent_at"])
        audit_record(actor=None, action="distribution.notice_sent", obj=notice, appeal_id=notice.appeal_id,
                     detail={"recipient": notice.recipient_id, "reason": notice.reason})
    return True


def notices_send_pending(*, limit: int = 200) -> int:
    ids = list(
        WithdrawalNotice.objects.filter(sent_at__isnull=True, send_attempts__lt=conf.notice_max_attempts())
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )
    return sum(1 for notice_id in ids if notice_send(notice_id=notice_id))


def _acknowledge(notice_id: int, *, via: str, actor: Any = None, note: str = "") -> WithdrawalNotice:
    with transaction.atomic():
        notice = WithdrawalNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise NotFound("Rücknahme-Mitteilung nicht gefunden.")
        if notice.acknowledged_at is not None:
            return notice
        notice.acknowledged_at = clock.now()
        notice.acknowledged_via = via
        notice.acknowledged_by = actor if getattr(actor, "is_authenticated", False) else None
        notice.acknowledgement_note = note.strip()
        notice.save()
        audit_record(actor=actor, action="distribution.notice_ack", obj=notice, appeal_id=notice.appeal_id,
                     detail={"via": via})
    return notice


def notice_acknowledge_by_token(*, token: str) -> WithdrawalNotice:
    """The recipient's one-click acknowledgement (no login): a signed, expiring token."""
    try:
        data = signing.loads(token, salt=_ACK_SALT, max_age=conf.ack_link_days() * 86400)
        notice_id = int(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("Der Bestätigungslink ist ungültig oder abgelaufen.") from None
    return _acknowledge(notice_id, via="link")


def notice_acknowledge(*, actor: Any, notice_id: int, note: str = "") -> WithdrawalNotice:
    """Staff records an acknowledgement received another way (phone, letter)."""
    notice = WithdrawalNotice.objects.select_related("appeal").filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("Rücknahme-Mitteilung nicht gefunden.")
    appeal_get(user=actor, pk=notice.appeal_id)
    if not _may_manage(actor, notice.appeal):
        raise PermissionDenied("Ihre Rolle darf keine Bestätigung erfassen.")
    return _acknowledge(notice_id, via="staff", actor=actor, note=note or "")
