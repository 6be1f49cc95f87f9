"""Outbox relay and the case-team notifications it drives (re-exported by tips.services).

Public surface:
- ``outbox_relay(publish, batch=100) -> RelayResult`` – claim due rows (FOR UPDATE SKIP
  LOCKED on PostgreSQL), hand each to ``publish(message_id)``, mark them sent. A failing
  publish (broker down) leaves the row pending with a backoff; nothing is lost.
- ``outbox_process(outbox_id) -> str`` – idempotent handler run by the Celery task.
- ``outbox_sweep(publish) -> dict`` – what the beat sweep and relay_outbox do: schedule digests,
  upgrade pending tipster secrets to scrypt hashes, purge
  expired replay secrets, relay.

Notifications are batched per appeal: the first tip after a quiet period is mailed at
once, later ones within FAHNDUNG_TIP_NOTIFY_BATCH_SECONDS are counted and sent as one
digest by the sweep. E-mails carry counts and a link, never tip content.
NotificationDelivery(outbox) is unique and written in the same transaction as the mail
decision, so a redelivered or re-run message never mails twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction

from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.tips import conf, hashers, selectors
from fahndung.tips.choices import Channel, OutboxStatus, Topic
from fahndung.tips.models import NotificationDelivery, NotificationState, OutboxMessage, Tip

logger = logging.getLogger(__name__)

Publisher = Callable[[int], Any]


@dataclass(frozen=True)
class RelayResult:
    sent: int
    failed: int
    pending: int


def _claim_qs():
    qs = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, available_at__lte=clock.now()).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True)
    return qs  # SQLite: writers are serialised anyway


def outbox_relay(*, publish: Publisher, batch: int = 100) -> RelayResult:
    sent = failed = 0
    with transaction.atomic():
        rows = list(_claim_qs()[:batch])
        for row in rows:
            try:
                publish(row.pk)
            except Exception as exc:  # broker down/unreachable: keep the row, back off
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:300]
                row.available_at = clock.now() + timedelta(seconds=min(300, 2 ** min(row.attempts, 8)))
                if row.attempts >= conf.outbox_max_attempts():
                    row.status = OutboxStatus.FAILED
                    logger.error("outbox message %s failed after %s attempts", row.pk, row.attempts)
                row.save(update_fields=["attempts", "last_error", "available_at", "status"])
                failed += 1
                break  # the broker is down for the rest of the batch too
            row.status = OutboxStatus.SENT
            row.sent_at = clock.now()
            row.attempts += 1
            row.save(update_fields=["status", "sent_at", "attempts"])
            sent += 1
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    return RelayResult(sent=sent, failed=failed, pending=pending)


def outbox_requeue_failed(*, ids: list[int] | None = None) -> int:
    qs = OutboxMessage.objects.filter(status=OutboxStatus.FAILED)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(status=OutboxStatus.PENDING, attempts=0, available_at=clock.now())


def outbox_stats() -> dict[str, Any]:
    oldest = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("created_at").first()
    return {
        "pending": OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count(),
        "failed": OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count(),
        "oldest_pending_seconds": (clock.now() - oldest.created_at).total_seconds() if oldest else 0.0,
    }


# --- processing ---------------------------------------------------------------------

def _locked_state(appeal_id: int) -> NotificationState:
    if not NotificationState.objects.filter(appeal_id=appeal_id).exists():
        try:
            with transaction.atomic():
                NotificationState.objects.create(appeal_id=appeal_id)
        except IntegrityError:
            pass  # created concurrently
    return NotificationState.objects.select_for_update().get(appeal_id=appeal_id)


def outbox_process(*, outbox_id: int) -> str:
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=outbox_id).first()
        if message is None:
            return "missing"
        if message.processed_at is not None:
            return "already_processed"
        appeal_id = int(message.payload.get("appeal_id", 0))
        result = "ignored"
        if message.topic in (Topic.TIP_RECEIVED, Topic.TIP_FOLLOWUP):
            if message.topic == Topic.TIP_RECEIVED and message.payload.get("tip_id"):
                tip_id = int(message.payload["tip_id"])
                upgrade_secret(tip_id=tip_id)
                # R18 "collection" event for public tips, written here (same transaction as
                # processed_at) so the intake request stays at two INSERTs.
                if Tip.objects.filter(pk=tip_id, logged_by__isnull=True).exists():
                    audit_record(actor=None, action="tip.receive", object_type="tips.tip", object_id=tip_id,
                                 appeal_id=appeal_id, detail={"channel": Channel.WEB})
            state = _locked_state(appeal_id)
            state.pending_count += 1
            window = timedelta(seconds=conf.notify_batch_seconds())
            if state.last_sent_at is None or clock.now() - state.last_sent_at >= window:
                _send(message, state)
                result = "mailed"
            else:
                state.save(update_fields=["pending_count"])
                result = "batched"
        elif message.topic == Topic.DIGEST:
            state = _locked_state(appeal_id)
            if state.pending_count > 0:
                _send(message, state)
                result = "mailed"
            else:
                state.digest_scheduled = False
                state.save(update_fields=["digest_scheduled"])
        message.processed_at = clock.now()
        message.save(update_fields=["processed_at"])
    return result


def _recipients(appeal) -> list[str]:
    emails = {u.email for u in selectors.case_team_users(appeal=appeal) if u.email}
    if appeal.unit and appeal.unit.email:
        emails.add(appeal.unit.email)
    emails.update(conf.notify_extra_recipients())
    return sorted(emails)


def _send(message: OutboxMessage, state: NotificationState) -> None:
    appeal = selectors.appeal_for_system(appeal_id=state.appeal_id)
    recipients = _recipients(appeal)
    count = state.pending_count
    # The unique row first: if this transaction commits, this message has mailed.
    NotificationDelivery.objects.create(
        outbox=message, appeal_id=appeal.pk, tip_count=count, recipient_count=len(recipients), sent_at=clock.now()
    )
    delay = conf.test_notify_delay()
    if delay:
        time.sleep(delay)  # test hook: a SIGKILL here must not lose or duplicate the mail
    if recipients:
        link = f"{settings.PUBLIC_BASE_URL}/staff/tips/appeal/{appeal.pk}/"
        noun = "neuer Hinweis" if count == 1 else "neue Hinweise/Ergänzungen"
        body = (
            f"Zur Fahndung {appeal.file_number_police} liegen {count} {noun} vor.\n\n"
            f"Posteingang: {link}\n\n"
            "Aus Gründen der Vertraulichkeit enthält diese Nachricht keine Inhalte."
        )
        EmailMessage(
            subject=f"[Fahndung] {count} {noun} – {appeal.file_number_police}",
            body=body, to=recipients,
            headers={"Message-ID": f"<tips-outbox-{message.pk}@fahndung.invalid>"},
        ).send()
    state.pending_count = 0
    state.last_sent_at = clock.now()
    state.digest_scheduled = False
    state.save(update_fields=["pending_count", "last_sent_at", "digest_scheduled"])


def schedule_digests() -> int:
    """Queue one digest per appeal whose batch window has passed with uncounted tips."""
    cutoff = clock.now() - timedelta(seconds=conf.notify_batch_seconds())
    created = 0
    due = NotificationState.objects.filter(pending_count__gt=0, digest_scheduled=False, last_sent_at__lte=cutoff)
    for appeal_id in list(due.values_list("appeal_id", flat=True)[:500]):
        with transaction.atomic():
            state = NotificationState.objects.select_for_update().get(appeal_id=appeal_id)
            if state.digest_scheduled or state.pending_count == 0:
                continue
            state.digest_scheduled = True
            state.save(update_fields=["digest_scheduled"])
            now = clock.now()
            OutboxMessage.objects.create(topic=Topic.DIGEST, payload={"appeal_id": appeal_id}, available_at=now, created_at=now)
            created += 1
    return created


def upgrade_pending_secrets(*, limit: int = 200) -> int:
    """Replace encrypted tipster secrets by their slow hash (the slow part of intake)."""
    done = 0
    # Encrypted columns are not filterable; every web tip has a secret, staff-logged ones none.
    due = Tip.objects.filter(secret_hash="", channel=Channel.WEB).values_list("pk", flat=True)
    for tip_id in list(due[:limit]):
        done += int(upgrade_secret(tip_id=tip_id))
    return done


def upgrade_secret(*, tip_id: int) -> bool:
    with transaction.atomic():
        tip = Tip.objects.select_for_update().only("id", "secret_hash", "secret_pending").filter(pk=tip_id).first()
        if tip is None or tip.secret_hash or not tip.secret_pending:
            return False
        tip.secret_hash = hashers.hash_secret(tip.secret_pending)
        tip.secret_pending = ""
        tip.save(update_fields=["secret_hash", "secret_pending"])
    return True


def purge_replay_secrets() -> int:
    return Tip.objects.filter(replay_until__lte=clock.now()).update(replay_secret="", replay_until=None)


def outbox_sweep(*, publish: Publisher) -> dict[str, Any]:
    digests = schedule_digests()
    purged = purge_replay_secrets()
    upgraded = upgrade_pending_secrets()
    result = outbox_relay(publish=publish)
    return {"digests": digests, "purged_replay_secrets": purged, "upgraded_secrets": upgraded, "sent": result.sent,
            "failed": result.failed, "pending": result.pending}
