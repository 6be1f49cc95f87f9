"""Publishing models: one Publication per (appeal, platform account), its events and API attempts,
manual tasks for channels without an API, and editable per-platform post variants.

State changes of a Publication go only through publishing.services (transition table in
publishing.states). Other areas read these models via publishing.selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fahndung.publishing.states import Channel, Desired, State


class Publication(models.Model):
    State = State
    Desired = Desired
    Channel = Channel

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="publications")
    platform = models.CharField(max_length=32)  # "x", "facebook", "website", "whatsapp", ...
    account = models.CharField(max_length=64)  # "x:lka", "website:main" – unique per appeal
    account_label = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.API)
    state = models.CharField(max_length=24, choices=State.choices, default=State.PENDING, db_index=True)
    desired_state = models.CharField(max_length=16, choices=Desired.choices, default=Desired.PUBLISHED)
    external_id = models.CharField(max_length=300, blank=True)
    external_url = models.URLField(max_length=500, blank=True)
    # Further platform objects the post created (e.g. the Photo behind a Facebook photo
    # story); each must be deleted and verified gone (RemoteRef.extra_ids).
    extra_ids = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    with_media = models.BooleanField(default=False)
    # Sent to platforms that honour it (Mastodon header, Bluesky rkey) and used to find a
    # post whose id was lost (timeout after the platform accepted it).
    idempotency_key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_permanent = models.BooleanField(default=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    verified_absent_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_note = models.TextField(blank=True)

    class Meta:
        ordering = ["appeal_id", "platform", "account"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "account"], name="publication_one_per_account"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="publication_due_idx")]

    def __str__(self) -> str:
        return f"{self.account} für Fahndung {self.appeal_id}: {self.state}"

    @property
    def is_diverging(self) -> bool:
        if self.desired_state == Desired.WITHDRAWN:
            return self.state != State.WITHDRAWN
        return self.state not in (State.PUBLISHED, State.AWAITING_MANUAL)


class PublicationEvent(models.Model):
    """One row per state change (and per desired-state change) of a publication."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=24, choices=State.choices)
    to_state = models.CharField(max_length=24, choices=State.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class PublicationAttempt(models.Model):
    """One row per remote API call (R18: each call is a disclosure and must be traceable)."""

    class Operation(models.TextChoices):
        PUBLISH = "publish", _("Veröffentlichen")
        WITHDRAW = "withdraw", _("Zurückziehen")
        VERIFY = "verify", pgettext_lazy("publication attempt", "Prüfen")  # not "review" as in the web UI
        UPLOAD = "upload", _("Medien-Upload")
        LOOKUP = "lookup", _("Suche nach verlorenem Beitrag")

    class Outcome(models.TextChoices):
        OK = "ok", _("Erfolg")
        TRANSIENT = "transient", _("Vorübergehender Fehler")
        PERMANENT = "permanent", _("Dauerhafter Fehler")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attempt_rows")
    operation = models.CharField(max_length=16, choices=Operation.choices)
    at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.operation} {self.outcome} ({self.http_status or '-'})"


class ManualPublishTask(models.Model):
    """A tracked to-do for a person: post copy-ready text on a channel without API.

    Removing a post by hand is lifecycle's ManualTakedownTask (deadline, escalation).
    Kind "withdraw" only labels historical rows: publishing 0002 moved the open ones to
    lifecycle; none are created any more."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", _("Veröffentlichen")
        WITHDRAW = "withdraw", _("Entfernen")  # historical rows only (see docstring)

    class Status(models.TextChoices):
        OPEN = "open", _("Offen")
        # Context: "Erledigt" of an appeal is "Closed"; a finished to-do is "Done".
        DONE = "done", pgettext_lazy("task status", "Erledigt")
        CANCELLED = "cancelled", _("Entfallen")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="manual_tasks")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PUBLISH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    instructions = models.TextField()
    text = models.TextField()
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.publication.account} ({self.get_status_display()})"


class PostVariant(models.Model):
    """Per-platform text of an appeal. Generated first; the press office may edit it before
    approval. Server-side counting (publishing.posts.counting) decides whether it fits."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="post_variants")
    platform = models.CharField(max_length=32)
    text = models.TextField()
    is_edited = models.BooleanField(default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    appeal_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["appeal_id", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "platform"], name="post_variant_one_per_platform"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} für Fahndung {self.appeal_id}"


class AccountHealth(models.Model):
    """The state of one platform account as the last calls showed it (one row per account
    key, created on the first problem). Written only by publishing.services_health."""

    class Status(models.TextChoices):
        OK = "ok", _("In Ordnung")
        THROTTLED = "throttled", _("Gedrosselt")
        RECONNECT_NEEDED = "reconnect_needed", _("Neu verbinden nötig")
        VERSION_OUTDATED = "version_outdated", _("API-Version veraltet")

    account = models.CharField(max_length=64, unique=True)
    platform = models.CharField(max_length=32)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OK)
    throttled_until = models.DateTimeField(null=True, blank=True)
    since = models.DateTimeField(null=True, blank=True)  # when the current problem began
    last_error = models.TextField(blank=True)  # German, for the staff page
    last_error_at = models.DateTimeField(null=True, blank=True)
    # The press office is told once per problem; cleared when the account is ok again.
    notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account"]

    def __str__(self) -> str:
        return f"{self.account}: {self.status}"


class PlatformSession(models.Model):
    """A platform login shared by all worker processes (Bluesky: access + refresh JWT, DID,
    PDS endpoint), so that each process does not log in on its own – Bluesky allows about
    100 logins a day per account. `data` is Fernet-encrypted (publishing.sessions)."""

    account = models.CharField(max_length=64, unique=True)
    data = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Sitzung {self.account}"
