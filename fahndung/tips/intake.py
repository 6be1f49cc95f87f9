"""Tip intake: public submissions, staff intake from other channels, tipster follow-up.

Public surface (re-exported by tips.services):
- ``tip_submit_public(...) -> TipReceipt`` – anonymous web/API submission.
- ``tip_log_staff(...) -> Tip`` – phone, e-mail, walk-in, social media (R10).
- ``tipster_authenticate(...) -> Tip`` / ``tipster_add_information(...) -> TipMessage``.

The promise: the tip row, its attachments' rows and an outbox row are written in ONE
transaction; callers answer only after it committed. Nothing here talks to the broker.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction

from fahndung.accounts.roles import INVESTIGATOR, PRESS_OFFICE, roles_of
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from fahndung.core.ratelimit import rate_limit_hit, window_remaining
from fahndung.tips import conf, crypto, hashers, selectors, uploads
from fahndung.tips.choices import STAFF_CHANNELS, Channel, Direction, OutboxStatus, Topic
from fahndung.tips.models import OutboxMessage, Tip, TipAttachment, TipBlob, TipMessage
from fahndung.tips.textclean import clean_text

logger = logging.getLogger(__name__)

# Crockford base32: no I, L, O, U – easy to read out on the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


class TooManyRequests(ApplicationError):
    status = 429
    default_code = "rate_limited"


@dataclass(frozen=True)
class TipReceipt:
    tip_id: int
    reference: str
    secret: str | None  # None on a replay after the replay window
    replayed: bool


def _random_code(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_reference() -> str:
    code = _random_code(12)  # 60 bits, not sequential
    return f"H-{code[:4]}-{code[4:8]}-{code[8:]}"


def new_secret() -> str:
    code = _random_code(20)  # 100 bits
    return "-".join(code[i : i + 5] for i in range(0, 20, 5))


def normalize_code(value: str) -> str:
    cleaned = "".join(ch for ch in (value or "").upper() if ch.isalnum()).translate(_CONFUSABLE)
    return cleaned


def normalize_reference(value: str) -> str:
    code = normalize_code(value)
    if code.startswith("H"):
        code = code[1:]
    if len(code) != 12:
        return ""
    return f"H-{code[:4]}-{code[4:8]}-{code[8:]}"


def normalize_secret(value: str) -> str:
    code = normalize_code(value)
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


# --- shared pieces ------------------------------------------------------------------

@dataclass
class _Fields:
    content: str
    observed_at: datetime | None
    observed_place: str
    is_anonymous: bool
    contact_name: str
    contact_phone: str
    contact_email: str


def _clean_fields(
    *, content: Any, observed_at: datetime | None, observed_place: Any, is_anonymous: bool | None,
    contact_name: Any, contact_phone: Any, contact_email: Any,
) -> _Fields:
    text = clean_text(content, field="content", label="Hinweis", max_length=conf.max_text_chars(), required=True)
    place = clean_text(observed_place, field="observed_place", label="Ort der Beobachtung", max_length=500)
    name = clean_text(contact_name, field="contact_name", label="Name", max_length=200)
    phone = clean_text(contact_phone, field="contact_phone", label="Telefon", max_length=60)
    email = clean_text(contact_email, field="contact_email", label="E-Mail", max_length=254)
    has_contact = bool(name or phone or email)
    if is_anonymous is None:
        is_anonymous = not has_contact
    if is_anonymous and has_contact:
        raise ValidationFailed(
            "Sie haben „anonym“ gewählt und trotzdem Kontaktdaten angegeben. Bitte entscheiden Sie sich.",
            fields={"anonymous": ["Anonym und Kontaktdaten schließen sich aus."]},
        )
    if not is_anonymous and not has_contact:
        raise ValidationFailed(
            "Bitte Kontaktdaten angeben oder „anonym“ wählen.",
            fields={"contact_phone": ["Telefon oder E-Mail angeben."]},
        )
    if email and ("@" not in email or " " in email):
        raise ValidationFailed("E-Mail-Adresse ist ungültig.", fields={"contact_email": ["Ungültige E-Mail-Adresse."]})
    if observed_at is not None and observed_at > clock.now() + timedelta(minutes=5):
        raise ValidationFailed("Der Beobachtungszeitpunkt liegt in der Zukunft.", fields={"observed_at": ["Liegt in der Zukunft."]})
    return _Fields(text, observed_at, place, bool(is_anonymous), name, phone, email)


def _inspect_all(files: list[Any]) -> list[tuple[Any, uploads.UploadInfo]]:
    if len(files) > conf.max_files():
        raise ValidationFailed(
            f"Höchstens {conf.max_files()} Dateien pro Hinweis.", code="too_many_files",
            fields={"attachments": ["Zu viele Dateien."]},
        )
    inspected = [(f, uploads.inspect_upload(f)) for f in files]
    total = sum(info.size_bytes for _, info in inspected)
    if total > conf.max_total_bytes():
        raise ValidationFailed(
            f"Die Dateien sind zusammen größer als {conf.max_total_bytes() // (1024 * 1024)} MB.",
            code="attachments_too_large", fields={"attachments": ["Zu groß."]},
        )
    return inspected


class _StoredFiles:
    """Files written during one intake; deleted again unless the transaction commits."""

    def __init__(self) -> None:
        self.new: list[str] = []
        self.orphans: list[str] = []

    def discard(self) -> None:
        uploads.delete_stored(self.new + self.orphans)


def _store_blobs(appeal_id: int, inspected: list[tuple[Any, uploads.UploadInfo]], stored: _StoredFiles) -> dict[str, dict]:
    """Encrypt and write files not yet stored for this appeal (before the transaction)."""
    pending: dict[str, dict] = {}
    known = set(
        TipBlob.objects.filter(appeal_id=appeal_id, sha256__in=[i.sha256 for _, i in inspected]).values_list("sha256", flat=True)
    )
    for file, info in inspected:
        if info.sha256 in known or info.sha256 in pending:
            continue  # same file again (this or an earlier tip): store once, link
        raw_key, wrapped = crypto.new_data_key()
        name = uploads.store_encrypted(file, raw_key, appeal_id=appeal_id)
        stored.new.append(name)
        pending[info.sha256] = {"storage_name": name, "wrapped_key": wrapped, "info": info}
    return pending


def _link_attachments(
    tip: Tip, inspected: list[tuple[Any, uploads.UploadInfo]], pending: dict[str, dict], stored: _StoredFiles,
    *, message: TipMessage | None, now: datetime,
) -> int:
    linked: set[int] = set()
    for file, info in inspected:
        blob = TipBlob.objects.filter(appeal_id=tip.appeal_id, sha256=info.sha256).first()
        ours = pending.pop(info.sha256, None)
        if blob is None:
            if ours is None:
                raise Conflict("Ein Anhang wurde gleichzeitig entfernt. Bitte erneut senden.")
            new = ours
            try:
                with transaction.atomic():
                    blob = TipBlob.objects.create(
                        appeal_id=tip.appeal_id, sha256=info.sha256, size_bytes=info.size_bytes,
                        content_type=info.content_type, storage_name=new["storage_name"],
                        wrapped_key=new["wrapped_key"], created_at=now,
                    )
            except IntegrityError:
                # A concurrent tip stored the same file first: link to it, drop ours.
                blob = TipBlob.objects.get(appeal_id=tip.appeal_id, sha256=info.sha256)
                stored.orphans.append(new["storage_name"])
        elif ours is not None:
            stored.orphans.append(ours["storage_name"])  # stored concurrently by another tip
        if blob.pk in linked or TipAttachment.objects.filter(tip=tip, blob=blob).exists():
            continue
        linked.add(blob.pk)
        name = clean_text(getattr(file, "name", "") or "", field="attachments", label="Dateiname", max_length=10_000)[:200]
        TipAttachment.objects.create(tip=tip, blob=blob, message=message, original_name=name, added_at=now)
    stored.new = [n for n in stored.new if n not in stored.orphans]
    return len(linked)


def outbox_enqueue(*, topic: str, payload: dict[str, Any], now: datetime | None = None) -> OutboxMessage:
    """Must be called inside the transaction that writes the data it refers to."""
    now = now or clock.now()
    return OutboxMessage.objects.create(topic=topic, payload=payload, available_at=now, created_at=now)


def _request_hash(appeal_id: int, fields: _Fields, inspected: list[tuple[Any, uploads.UploadInfo]]) -> str:
    canonical = json.dumps(
        {
            "appeal": appeal_id, "content": fields.content,
            "observed_at": fields.observed_at.isoformat() if fields.observed_at else None,
            "observed_place": fields.observed_place, "anonymous": fields.is_anonymous,
            "contact": [fields.contact_name, fields.contact_phone, fields.contact_email],
            "files": sorted(info.sha256 for _, info in inspected),
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(tip: Tip, request_hash: str) -> TipReceipt:
    if tip.request_hash != request_hash:
        raise Conflict(
            "Dieser Idempotency-Key wurde bereits für einen anderen Hinweis verwendet.",
            code="idempotency_key_reused", fields={"Idempotency-Key": ["Bereits verwendet."]},
        )
    secret = None
    if tip.replay_until and tip.replay_until > clock.now() and tip.replay_secret:
        secret = tip.replay_secret
    return TipReceipt(tip_id=tip.pk, reference=tip.reference, secret=secret, replayed=True)


def _insert_tip_and_outbox_pg(tip: Tip, now: datetime) -> None:
    """Text-only tip + outbox row in ONE statement (one round trip, one transaction).

    The hottest path during a surge: the ORM version needs BEGIN, two INSERTs and COMMIT.
    Values go through each field's get_db_prep_save, so encryption is the same.
    """
    fields = [f for f in Tip._meta.local_concrete_fields if not f.primary_key]
    q = connection.ops.quote_name
    values = [f.get_db_prep_save(f.pre_save(tip, True), connection) for f in fields]
    outbox = OutboxMessage._meta.db_table
    sql = (
        f"WITH t AS (INSERT INTO {q(Tip._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "  # noqa: S608 - identifiers from model meta, values are parameters
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id) "
        f"INSERT INTO {q(outbox)} (topic, payload, status, attempts, available_at, created_at, last_error) "
        "SELECT %s, jsonb_build_object('tip_id', t.id, 'appeal_id', %s::bigint), %s, 0, %s, %s, '' FROM t "
        "RETURNING (payload->>'tip_id')::bigint"
    )
    params = [*values, Topic.TIP_RECEIVED.value, tip.appeal_id, OutboxStatus.PENDING.value, now, now]
    # In autocommit the statement is its own transaction; inside a caller's transaction a
    # savepoint keeps that transaction usable after a unique violation (idempotency replay).
    with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        tip.pk = cursor.fetchone()[0]
    tip._state.adding = False


# --- public submission ----------------------------------------------------------------

def tip_submit_public(
    *, appeal_slug: str, content: Any, client_key: str, observed_at: datetime | None = None,
    observed_place: Any = "", is_anonymous: bool | None = None, contact_name: Any = "",
    contact_phone: Any = "", contact_email: Any = "", attachments: list[Any] | None = None,
    idempotency_key: str | None = None, language: str = "",
) -> TipReceipt:
    appeal_id = selectors.public_appeal_id(slug=appeal_slug)
    fields = _clean_fields(
        content=content, observed_at=observed_at, observed_place=observed_place, is_anonymous=is_anonymous,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
    )
    idem_hash = None
    if idempotency_key is not None:
        key = clean_text(idempotency_key, field="Idempotency-Key", label="Idempotency-Key", max_length=200, required=True)
        idem_hash = hashlib.sha256(f"{appeal_id}:{key}".encode()).hexdigest()
    inspected = _inspect_all(list(attachments or []))
    request_hash = _request_hash(appeal_id, fields, inspected)
    # Text-only tips skip the look-up: the unique constraint on idempotency_hash detects a
    # replay (IntegrityError below), saving a query per submission. With files we look
    # first, so a replay does not encrypt and write gigabytes only to discard them.
    if idem_hash and inspected:
        existing = Tip.objects.filter(idempotency_hash=idem_hash).first()
        if existing is not None:
            return _replay(existing, request_hash)
    if not rate_limit_hit("tips:submit", client_key, conf.submit_rate()):
        raise TooManyRequests(
            "Zu viele Hinweise in kurzer Zeit von diesem Anschluss. Bitte später erneut versuchen oder 110 anrufen.",
            extra={"retry_after": math.ceil(window_remaining(conf.submit_rate()))},
        )
    secret = new_secret()
    stored = _StoredFiles()
    try:
        pending = _store_blobs(appeal_id, inspected, stored)
        now = clock.now()
        tip = Tip(
            appeal_id=appeal_id, reference=new_reference(), secret_pending=secret, channel=Channel.WEB,
            received_at=now, created_at=now, last_activity_at=now, content=fields.content,
            observed_at=fields.observed_at, observed_place=fields.observed_place,
            is_anonymous=fields.is_anonymous, contact_name=fields.contact_name,
            contact_phone=fields.contact_phone, contact_email=fields.contact_email,
            language=(language or "")[:8], idempotency_hash=idem_hash, request_hash=request_hash,
            replay_secret=secret if idem_hash else "",
            replay_until=now + timedelta(seconds=conf.replay_window_seconds()) if idem_hash else None,
        )
        if not inspected and connection.vendor == "postgresql":
            _insert_tip_and_outbox_pg(tip, now)
        else:
            with transaction.atomic():
                tip.save(force_insert=True)
                _link_attachments(tip, inspected, pending, stored, message=None, now=now)
                outbox_enqueue(topic=Topic.TIP_RECEIVED, payload={"tip_id": tip.pk, "appeal_id": appeal_id}, now=now)
    except IntegrityError:
        stored.discard()
        if idem_hash:
            winner = Tip.objects.filter(idempotency_hash=idem_hash).first()
            if winner is not None:  # a concurrent retry with the same key committed first
                return _replay(winner, request_hash)
        raise
    except BaseException:
        stored.discard()
        raise
    uploads.delete_stored(stored.orphans)
    return TipReceipt(tip_id=tip.pk, reference=tip.reference, secret=secret, replayed=False)


# --- staff intake ---------------------------------------------------------------------

def tip_log_staff(
    *, actor: Any, appeal_id: int, channel: str, content: Any, received_at: datetime | None = None,
    observed_at: datetime | None = None, observed_place: Any = "", is_anonymous: bool | None = None,
    contact_name: Any = "", contact_phone: Any = "", contact_email: Any = "", source_detail: Any = "",
    attachments: list[Any] | None = None,
) -> Tip:
    """Log a tip received by phone, e-mail, in person or on social media (R10)."""
    appeal = selectors.appeal_for_staff(user=actor, appeal_id=appeal_id)
    roles = roles_of(actor)
    if not (PRESS_OFFICE in roles or (INVESTIGATOR in roles and selectors.is_case_team(user=actor, appeal=appeal))):
        raise PermissionDenied("Hinweise erfassen dürfen das Ermittlungsteam und die Pressestelle.")
    if channel not in {c.value for c in STAFF_CHANNELS}:
        raise ValidationFailed("Unbekannter Eingangskanal.", fields={"channel": ["Ungültige Auswahl."]})
    now = clock.now()
    received_at = received_at or now
    if received_at > now + timedelta(minutes=5):
        raise ValidationFailed("Der Eingangszeitpunkt liegt in der Zukunft.", fields={"received_at": ["Liegt in der Zukunft."]})
    fields = _clean_fields(
        content=content, observed_at=observed_at, observed_place=observed_place, is_anonymous=is_anonymous,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
    )
    source = clean_text(source_detail, field="source_detail", label="Quelle", max_length=1000)
    inspected = _inspect_all(list(attachments or []))
    stored = _StoredFiles()
    try:
        pending = _store_blobs(appeal.pk, inspected, stored)
        with transaction.atomic():
            tip = Tip.objects.create(
                appeal_id=appeal.pk, reference=new_reference(), channel=channel, received_at=received_at,
                created_at=now, last_activity_at=now, logged_by=actor, content=fields.content,
                observed_at=fields.observed_at, observed_place=fields.observed_place,
                is_anonymous=fields.is_anonymous, contact_name=fields.contact_name,
                contact_phone=fields.contact_phone, contact_email=fields.contact_email, source_detail=source,
            )
            _link_attachments(tip, inspected, pending, stored, message=None, now=now)
            outbox_enqueue(topic=Topic.TIP_RECEIVED, payload={"tip_id": tip.pk, "appeal_id": appeal.pk}, now=now)
            audit_record(actor=actor, action="tip.create", obj=tip, appeal_id=appeal.pk, detail={"channel": channel})
    except BaseException:
        stored.discard()
        raise
    uploads.delete_stored(stored.orphans)
    return tip


# --- tipster follow-up ------------------------------------------------------------------

_BAD_CREDENTIALS = "Hinweisnummer oder Zugangscode ist falsch."
_DUMMY_HASH: list[str] = []


def tipster_authenticate(*, reference: str, secret: str, client_key: str) -> Tip:
    if not rate_limit_hit("tips:followup", client_key, conf.followup_rate()):
        raise TooManyRequests("Zu viele Versuche. Bitte später erneut versuchen.",
                              extra={"retry_after": math.ceil(window_remaining(conf.followup_rate()))})
    ref = normalize_reference(clean_text(reference, field="reference", label="Hinweisnummer", max_length=40))
    code = normalize_secret(clean_text(secret, field="secret", label="Zugangscode", max_length=60))
    tip = (
        Tip.objects.filter(reference=ref).only("id", "secret_hash", "secret_pending", "appeal_id", "reference").first()
        if ref else None
    )
    if tip is not None and not tip.secret_hash and tip.secret_pending:
        # Not yet upgraded to the slow hash (relay pending): compare with the encrypted copy.
        if hmac.compare_digest(normalize_secret(tip.secret_pending), code):
            return tip
        raise NotFound(_BAD_CREDENTIALS, code="invalid_credentials")
    if tip is None or not tip.secret_hash:
        # Same cost as a real check: response time must not reveal which references exist.
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hashers.hash_secret("dummy"))
        hashers.verify_secret(code, _DUMMY_HASH[0])
        raise NotFound(_BAD_CREDENTIALS, code="invalid_credentials")
    if not hashers.verify_secret(code, tip.secret_hash, setter=lambda raw: _rehash_secret(tip, raw)):
        raise NotFound(_BAD_CREDENTIALS, code="invalid_credentials")
    return tip


def _rehash_secret(tip: Tip, secret: str) -> None:
    """Store a current-format hash after a successful check (old format or old work factor).
    Conditional on the old value, so a concurrent rehash or purge is never overwritten."""
    Tip.objects.filter(pk=tip.pk, secret_hash=tip.secret_hash).update(secret_hash=hashers.hash_secret(secret))


def tipster_add_information(
    *, reference: str, secret: str, client_key: str, body: Any, attachments: list[Any] | None = None,
) -> TipMessage:
    tip = tipster_authenticate(reference=reference, secret=secret, client_key=client_key)
    text = clean_text(body, field="body", label="Ergänzung", max_length=conf.max_text_chars(), required=not attachments)
    inspected = _inspect_all(list(attachments or []))
    stored = _StoredFiles()
    try:
        pending = _store_blobs(tip.appeal_id, inspected, stored)
        now = clock.now()
        with transaction.atomic():
            message = TipMessage.objects.create(tip_id=tip.pk, at=now, direction=Direction.FROM_TIPSTER, body=text)
            tip_row = Tip.objects.select_for_update().get(pk=tip.pk)
            _link_attachments(tip_row, inspected, pending, stored, message=message, now=now)
            Tip.objects.filter(pk=tip.pk).update(last_activity_at=now)
            outbox_enqueue(topic=Topic.TIP_FOLLOWUP, payload={"tip_id": tip.pk, "appeal_id": tip.appeal_id}, now=now)
    except BaseException:
        stored.discard()
        raise
    uploads.delete_stored(stored.orphans)
    return message
