"""Lifecycle records: takedown progress per publication, manual takedown tasks, the
distribution list with withdrawal notices (R9), extension requests, reviews (R8) with
their reminders/escalations, and expiry warnings.

Every stateful model here has its transition table in lifecycle.machines and one
LifecycleEvent row per transition. Publications are referenced by id only
(`publication_id`), so this app does not depend on the publishing schema; rows
cascade with the appeal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TakedownState(models.TextChoices):
    PENDING = "pending", _("Ausstehend")
    DELETING = "deleting", _("Wird gelöscht")
    WITHDRAWN = "withdrawn", _("Entfernt (von der Plattform bestätigt)")
    MANUAL_REQUIRED = "manual_required", _("Manuelle Löschung nötig")
    MANUAL_CONFIRMED = "manual_confirmed", _("Manuell entfernt (bestätigt)")


TAKEDOWN_OPEN = (TakedownState.PENDING, TakedownState.DELETING, TakedownState.MANUAL_REQUIRED)
TAKEDOWN_DONE = (TakedownState.WITHDRAWN, TakedownState.MANUAL_CONFIRMED)


class Takedown(models.Model):
    """Drives one publication to "withdrawn". `next_attempt_at` is the backoff gate,
    `lease_until` marks a withdraw in flight (expired lease = lost worker)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="takedowns")
    publication_id = models.BigIntegerField(unique=True)
    platform = models.CharField(max_length=40, blank=True)
    account = models.CharField(max_length=120, blank=True)
    url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=24, choices=TakedownState.choices, default=TakedownState.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Task id holding the lease: a redelivered message (same id) may take it over.
    lease_owner = models.CharField(max_length=64, blank=True)
    # Set when the sweep enqueued a task, so it does not enqueue again before this time.
    dispatched_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"Takedown {self.platform} #{self.publication_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in TAKEDOWN_OPEN


class ManualTaskState(models.TextChoices):
    OPEN = "open", _("Offen")
    ESCALATED_LEAD = "escalated_lead", _("Eskaliert an Leitung Pressestelle")
    ESCALATED_DUTY = "escalated_duty", _("Eskaliert an Dienstgruppenleitung")
    CONFIRMED = "confirmed", _("Manuell bestätigt")
    RESOLVED = "resolved", _("Von der Plattform bestätigt (erledigt)")


MANUAL_OPEN = (ManualTaskState.OPEN, ManualTaskState.ESCALATED_LEAD, ManualTaskState.ESCALATED_DUTY)


class ManualTaskReason(models.TextChoices):
    NO_API = "no_api", _("Plattform kann nicht per API löschen")
    BUDGET_EXHAUSTED = "budget_exhausted", _("Automatische Löschung wiederholt fehlgeschlagen")
    PERMANENT_ERROR = "permanent_error", _("Plattform lehnt die Löschung ab")


class ManualTakedownTask(models.Model):
    """A person has to remove a post by hand (platforms.md section 2)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="manual_takedown_tasks")
    takedown = models.OneToOneField(Takedown, on_delete=models.CASCADE, related_name="manual_task")
    platform = models.CharField(max_length=40)
    url = models.URLField(max_length=500, blank=True)
    search_text = models.TextField(blank=True)
    instructions = models.TextField()
    reason = models.CharField(max_length=24, choices=ManualTaskReason.choices)
    state = models.CharField(max_length=24, choices=ManualTaskState.choices, default=ManualTaskState.OPEN, db_index=True)
    created_at = models.DateTimeField()
    deadline_at = models.DateTimeField(db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["deadline_at", "id"]

    def __str__(self) -> str:
        return f"Manuelle Löschung {self.platform} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in MANUAL_OPEN


class RecipientKind(models.TextChoices):
    MEDIA = "media", _("Medienpartner")
    PORTAL = "portal", _("Fahndungsportal")
    PARTNER_AGENCY = "partner_agency", _("Partnerbehörde")
    PRINT_SHOP = "print_shop", _("Druckerei")
    POSTER_LOCATION = "poster_location", _("Plakatstandort")
    OTHER = "other", _("Sonstige")


class DistributionRecipient(models.Model):
    """Who received the appeal's material and must be told when it ends (R9)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="distribution_recipients")
    kind = models.CharField(max_length=24, choices=RecipientKind.choices)
    name = models.CharField("Name", max_length=200)
    email = models.EmailField("E-Mail")
    location = models.CharField("Standort/Adresse", max_length=300, blank=True)
    note = models.TextField("Notiz", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "email", "location"], name="recipient_unique_per_appeal"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class WithdrawalNotice(models.Model):
    """The withdrawal notice to one recipient; written in the closing transaction,
    e-mailed after commit (and by the deadline sweep while unsent)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="withdrawal_notices")
    recipient = models.OneToOneField(DistributionRecipient, on_delete=models.CASCADE, related_name="notice")
    email = models.EmailField()
    reason = models.CharField(max_length=32)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_via = models.CharField(max_length=16, blank=True)  # "link" | "staff"
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Rücknahme an {self.email}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Beantragt")
    APPROVED = "approved", _("Genehmigt")
    REJECTED = "rejected", _("Abgelehnt")


class ExtensionRequest(models.Model):
    """A request to extend a published appeal; takes effect only after a press-office
    approval by a second person (the appeal content itself is unchanged)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="extension_requests")
    state = models.CharField(max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    previous_expires_at = models.DateTimeField()
    requested_expires_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=models.Q(state="pending"), name="one_pending_extension_per_appeal"
            ),
        ]

    def __str__(self) -> str:
        return f"Verlängerung bis {self.requested_expires_at:%d.%m.%Y} ({self.get_state_display()})"


class ReviewState(models.TextChoices):
    OPEN = "open", _("Offen")
    DONE = "done", _("Überprüft")
    LAPSED = "lapsed", _("Versäumt (Fahndung beendet)")
    OBSOLETE = "obsolete", _("Entfallen (Fahndung anderweitig beendet)")


class ReviewTask(models.Model):
    """R8: the appeal must be re-confirmed by the deadline, else it is closed."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="review_tasks")
    state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.OPEN, db_index=True)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal"], condition=models.Q(state="open"), name="one_open_review_per_appeal"),
        ]

    def __str__(self) -> str:
        return f"Überprüfung bis {self.due_at:%d.%m.%Y} ({self.get_state_display()})"


class ReviewNoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Erinnerung vor der Überprüfungsfrist")
    ESCALATION = "escalation", _("Eskalation an die Leitung Pressestelle")
    OVERDUE = "overdue", _("Überprüfung überfällig (geschützte Fahndung bleibt online)")
    CLOSED = "closed", _("Beendet mangels Überprüfung")


class ReviewNotice(models.Model):
    """One notification about one review task (R8), sent once per kind and stage:
    the reminders some days before the due date, the escalation, the overdue alarm of a
    protected appeal, the closing message. The unique constraint is the send-once lock."""

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="notices")
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="review_notices")
    kind = models.CharField(max_length=16, choices=ReviewNoticeKind.choices)
    days_before = models.IntegerField(default=0)
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "days_before"], name="one_review_notice_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.days_before} Tage vorher)"


class ExpiryWarning(models.Model):
    """Records that the owner was warned about one particular expiry date (sent once)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="expiry_warnings")
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    email = models.EmailField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "expires_at"], name="one_warning_per_expiry")]

    def __str__(self) -> str:
        return f"Ablaufwarnung {self.appeal_id} ({self.expires_at:%Y-%m-%d})"


class LifecycleEvent(models.Model):
    """One row per state transition of any lifecycle machine (takedown, manual task,
    extension, review) – the history shown on the dashboard."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="lifecycle_events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    machine = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.machine}#{self.object_id} {self.action}: {self.from_state} → {self.to_state}"
