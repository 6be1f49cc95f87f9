"""Outbox relay and notifications (SQLite, eager Celery): exactly once, batched, no content."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from fahndung.core import clock
from fahndung.tips import services
from fahndung.tips.models import NotificationDelivery, OutboxMessage
from fahndung.tips.tasks import publish, sweep_outbox

pytestmark = pytest.mark.django_db


def _tip(appeal, text="Geheimtext Quokka gehört nie in eine E-Mail"):
    return services.tip_submit_public(appeal_slug=appeal.slug, content=text, client_key="k")


def test_relay_delivers_once_and_mail_has_no_content(published, investigator, investigator_a2):
    _tip(published)
    assert len(mail.outbox) == 0  # intake never sends or publishes
    result = services.outbox_relay(publish=publish)
    assert (result.sent, result.failed, result.pending) == (1, 0, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) >= {investigator.email, investigator_a2.email}
    assert "Quokka" not in message.body and published.file_number_police in message.subject
    row = OutboxMessage.objects.get()
    assert row.status == "sent" and row.processed_at is not None
    # Redelivery of the same message (e.g. after a worker crash) sends nothing more.
    assert services.outbox_process(outbox_id=row.pk) == "already_processed"
    assert len(mail.outbox) == 1 and NotificationDelivery.objects.count() == 1
    from fahndung.core.models import AuditEvent

    received = AuditEvent.objects.get(action="tip.receive")  # collection logged once, off the request path
    assert received.appeal_id == published.pk and received.actor is None


def test_broker_down_keeps_rows_pending_with_backoff(published):
    _tip(published)

    def broken(_id):
        raise ConnectionRefusedError("broker down")

    result = services.outbox_relay(publish=broken)
    assert (result.sent, result.failed, result.pending) == (0, 1, 1)
    row = OutboxMessage.objects.get()
    assert row.status == "pending" and row.attempts == 1 and "broker down" in row.last_error
    assert row.available_at > clock.now()
    assert services.outbox_relay(publish=publish).sent == 0  # not yet due
    with clock.frozen(clock.now() + timedelta(seconds=10)):
        assert services.outbox_relay(publish=publish).sent == 1
    assert len(mail.outbox) == 1


def test_failed_after_max_attempts_and_requeue(published, settings):
    settings.FAHNDUNG_TIP_OUTBOX_MAX_ATTEMPTS = 1
    _tip(published)
    services.outbox_relay(publish=lambda _id: (_ for _ in ()).throw(OSError("down")))
    assert OutboxMessage.objects.get().status == "failed"
    assert services.outbox_stats()["failed"] == 1
    out = io.StringIO()
    call_command("relay_outbox", "--requeue-failed", stdout=out)
    assert "sent 1" in out.getvalue() and len(mail.outbox) == 1


def test_surge_is_batched_into_one_digest(published, settings):
    settings.FAHNDUNG_TIP_NOTIFY_BATCH_SECONDS = 600
    for i in range(5):
        _tip(published, f"Hinweis {i}")
    sweep_outbox()
    assert len(mail.outbox) == 1  # first tip at once, four counted
    sweep_outbox()
    assert len(mail.outbox) == 1  # window not over: no digest yet
    with clock.frozen(clock.now() + timedelta(minutes=11)):
        result = sweep_outbox()
        assert result["digests"] == 1
        sweep_outbox()
    assert len(mail.outbox) == 2
    assert "4 neue" in mail.outbox[1].subject
    assert NotificationDelivery.objects.count() == 2
    assert OutboxMessage.objects.filter(processed_at__isnull=True).count() == 0


def test_sweep_purges_replay_secrets(published, api_client):
    api_client.post(f"/api/v1/public/appeals/{published.slug}/tips/", {"content": "x"}, format="json",
                    headers={"Idempotency-Key": "k"})
    from fahndung.tips.models import Tip

    assert Tip.objects.get().replay_secret
    with clock.frozen(clock.now() + timedelta(hours=1)):
        assert sweep_outbox()["purged_replay_secrets"] == 1
    assert Tip.objects.get().replay_secret == ""
