"""Tips, their triage history, the tipster dialogue, encrypted attachments and the outbox.

State changes of a Tip happen only through tips.services (transition table in
tips.workflow, one TipEvent row per change). Content, contact details, notes and
messages are EncryptedTextFields; appeal, state and timestamps stay plaintext so the
inbox can filter and count without decrypting anything.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fahndung.tips.choices import Channel, Direction, OutboxStatus, TipState
from fahndung.tips.fields import EncryptedTextField


class Tip(models.Model):
    State = TipState

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="tips")
    # Random, non-sequential; shown to the tipster. The secret ends up only as a scrypt hash:
    # intake stores it encrypted (secret_pending) and the relay/worker replaces it with the
    # slow hash seconds later, so the KDF's CPU cost never sits in the intake request.
    reference = models.CharField(max_length=20, unique=True)
    secret_hash = models.CharField(max_length=200, blank=True)
    secret_pending = EncryptedTextField(blank=True, default="")
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB, db_index=True)
    state = models.CharField(max_length=20, choices=TipState.choices, default=TipState.NEW, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_tips"
    )
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")

    content = EncryptedTextField()
    observed_at = models.DateTimeField(null=True, blank=True)
    observed_place = EncryptedTextField(blank=True, default="")
    is_anonymous = models.BooleanField(default=True)
    contact_name = EncryptedTextField(blank=True, default="")
    contact_phone = EncryptedTextField(blank=True, default="")
    contact_email = EncryptedTextField(blank=True, default="")
    # Staff intake: e.g. URL of the platform comment, mail subject, desk.
    source_detail = EncryptedTextField(blank=True, default="")
    language = models.CharField(max_length=8, blank=True)

    # sha256(appeal id + Idempotency-Key): retries of one submission give one tip.
    idempotency_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    request_hash = models.CharField(max_length=64, blank=True)
    # Identical replays within a short window get the secret again (lost responses).
    replay_secret = EncryptedTextField(blank=True, default="")
    replay_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["appeal", "state"], name="tip_appeal_state"),
            models.Index(fields=["appeal", "received_at"], name="tip_appeal_received"),
        ]

    def __str__(self) -> str:
        return f"Hinweis {self.reference}"

    @property
    def has_reply_channel(self) -> bool:
        return bool(self.secret_hash or self.secret_pending)


class TipEvent(models.Model):
    """One row per state change, assignment or duplicate marking: the tip's history."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=20, choices=TipState.choices)
    to_state = models.CharField(max_length=20, choices=TipState.choices)
    comment = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"

    @property
    def action_label(self) -> str:
        from fahndung.tips.workflow import EVENT_LABELS  # workflow imports choices, not models

        return EVENT_LABELS.get(self.action, self.action)


class TipNote(models.Model):
    """Internal note of the case team; never shown to the tipster."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    body = EncryptedTextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Notiz {self.pk} zu {self.tip_id}"


class TipMessage(models.Model):
    """The anonymous dialogue: replies of the police and additions of the tipster."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    at = models.DateTimeField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Nachricht {self.pk} ({self.direction})"


class TipBlob(models.Model):
    """One encrypted file in private storage, shared by every tip of the appeal that sent it."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=40)
    storage_name = models.CharField(max_length=200)
    wrapped_key = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "sha256"], name="tipblob_unique_per_appeal")]

    def __str__(self) -> str:
        return f"Datei {self.sha256[:12]}"


class TipAttachment(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    blob = models.ForeignKey(TipBlob, on_delete=models.PROTECT, related_name="attachments")
    message = models.ForeignKey(TipMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    original_name = EncryptedTextField(blank=True, default="")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tip", "blob"], name="tipattachment_once_per_tip")]

    def __str__(self) -> str:
        return f"Anhang {self.pk} von {self.tip_id}"


class TipRead(models.Model):
    """When a case-team member last opened a tip (unread = activity after this)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tip", "user"], name="tipread_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} las {self.tip_id}"


class OutboxMessage(models.Model):
    """Follow-up work written in the intake transaction; the relay hands it to Celery.

    The payload holds ids only, never tip content.
    """

    topic = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    available_at = models.DateTimeField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "available_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk} ({self.status})"


class NotificationState(models.Model):
    """Per appeal: tips not yet announced to the case team and when we last mailed."""

    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.CASCADE, related_name="+")
    pending_count = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    digest_scheduled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Benachrichtigung Fahndung {self.appeal_id}"


class NotificationDelivery(models.Model):
    """The side effect's idempotency key: one e-mail per outbox message, ever."""

    outbox = models.OneToOneField(OutboxMessage, on_delete=models.PROTECT, related_name="delivery")
    appeal_id = models.BigIntegerField(db_index=True)
    tip_count = models.PositiveIntegerField()
    recipient_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Benachrichtigung {self.outbox_id}"


class BenchRow(models.Model):
    """Target of the benchmark's minimal endpoint (FAHNDUNG_BENCH_ENDPOINTS=true only)."""

    created_at = models.DateTimeField()
    value = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"Bench {self.pk}"
