"""Imaging models: per-photo analysis with its own state machine, boxes, their history, renditions.

appeals.Photo (the private original) is referenced read-only. State changes of
PhotoAnalysis happen only through imaging.services (transition table in imaging.workflow);
every change writes a PhotoAnalysisEvent row, every box change a BoxEvent row.
Renditions live in PRIVATE storage; approved ones are copied to the default (public)
storage under a random name and removed from there on rejection, edit or closing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_storage():
    from fahndung.core.storage import private_storage

    return private_storage


class AnalysisState(models.TextChoices):
    PENDING = "pending", _("Wartet auf Verarbeitung")
    PROCESSING = "processing", _("In Verarbeitung")
    READY = "ready_for_review", _("Bereit zur Prüfung")
    AWAITING_SECOND = "awaiting_second_approval", _("Wartet auf zweite Freigabe")
    APPROVED = "approved", _("Freigegeben")
    REJECTED = "rejected", _("Abgelehnt")
    FAILED = "failed", _("Fehlgeschlagen")


class BoxKind(models.TextChoices):
    FACE = "face", _("Gesicht")
    PLATE = "plate", _("Kennzeichen")
    SCREEN = "screen", _("Bildschirm")
    HOUSE_NUMBER = "house_number", _("Hausnummer")
    CHILD = "child", _("Kind")
    OTHER = "other", _("Sonstiges")


class BoxSource(models.TextChoices):
    DETECTED = "detected", _("Erkannt")
    MANUAL = "manual", _("Manuell")


class PhotoAnalysis(models.Model):
    State = AnalysisState

    photo = models.OneToOneField("appeals.Photo", on_delete=models.CASCADE, related_name="analysis")
    state = models.CharField(max_length=32, choices=AnalysisState.choices, default=AnalysisState.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=120, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Bumped by every edit; a render only finishes the job if no edit came in meanwhile.
    revision = models.PositiveIntegerField(default=0)
    rendered_revision = models.IntegerField(default=-1)
    detected = models.BooleanField(default=False)
    pipeline_version = models.CharField(max_length=32, blank=True)
    # Peak resident memory of the last finished job's child process (sizing, /metrics).
    peak_memory_mib = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    # The person sought (face box). Null with no_subject=True: scene photo, redact every face.
    subject_x = models.IntegerField(null=True, blank=True)
    subject_y = models.IntegerField(null=True, blank=True)
    subject_w = models.IntegerField(null=True, blank=True)
    subject_h = models.IntegerField(null=True, blank=True)
    subject_confirmed = models.BooleanField(default=False)
    no_subject = models.BooleanField(default=False)
    # Staff-only previews (re-encoded, no metadata) in private storage.
    preview_original = models.FileField(storage=_private_storage, max_length=200, blank=True)
    preview_redacted = models.FileField(storage=_private_storage, max_length=200, blank=True)
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["photo_id"]
        verbose_name = "Bildanalyse"

    def __str__(self) -> str:
        return f"Analyse Foto {self.photo_id}: {self.state}"

    @property
    def subject_box(self) -> tuple[int, int, int, int] | None:
        if self.subject_x is None or self.subject_w is None:
            return None
        return (self.subject_x, self.subject_y or 0, self.subject_w, self.subject_h or 0)


# History wording of the workflow actions (imaging/workflow.py); lazy, nothing stores them.
EVENT_LABELS = {
    "start": _("Verarbeitung begonnen"),
    "finish": _("Verarbeitung abgeschlossen"),
    "fail": _("Verarbeitung fehlgeschlagen"),
    "retry": _("Neuer Versuch angestoßen"),
    "edit": _("Kästen oder Person geändert"),
    "approve_first": _("Erste Freigabe"),
    "approve": _("Foto freigegeben"),
    "reject": _("Foto abgelehnt"),
}


class PhotoAnalysisEvent(models.Model):
    analysis = models.ForeignKey(PhotoAnalysis, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=32, choices=AnalysisState.choices)
    to_state = models.CharField(max_length=32, choices=AnalysisState.choices)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"

    @property
    def action_label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action)


class RedactionBox(models.Model):
    """A region to obscure. Removed boxes stay as rows (active=False) for the record."""

    analysis = models.ForeignKey(PhotoAnalysis, on_delete=models.CASCADE, related_name="boxes")
    kind = models.CharField(max_length=20, choices=BoxKind.choices, default=BoxKind.FACE)
    source = models.CharField(max_length=20, choices=BoxSource.choices)
    x = models.IntegerField()
    y = models.IntegerField()
    w = models.PositiveIntegerField()
    h = models.PositiveIntegerField()
    score = models.FloatField(null=True, blank=True)
    detector = models.CharField(max_length=20, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["y", "x", "id"]
        constraints = [
            models.CheckConstraint(name="redactionbox_positive", condition=models.Q(w__gt=0) & models.Q(h__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.x},{self.y},{self.w},{self.h})"

    @property
    def xywh(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


class BoxEvent(models.Model):
    """One row per add/resize/remove of a box and per subject change."""

    analysis = models.ForeignKey(PhotoAnalysis, on_delete=models.CASCADE, related_name="box_events")
    box = models.ForeignKey(RedactionBox, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20)  # add, resize, remove, subject
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"


class Rendition(models.Model):
    analysis = models.ForeignKey(PhotoAnalysis, on_delete=models.CASCADE, related_name="renditions")
    name = models.CharField(max_length=40)
    # sha256(source sha256 + rendition + pipeline version + boxes): a rerun finds the row.
    key = models.CharField(max_length=64)
    file = models.FileField(storage=_private_storage, max_length=200)
    public_name = models.CharField(max_length=200, blank=True)  # name in default (public) storage
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    crop = models.JSONField(default=list)
    warning = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["analysis_id", "id"]
        constraints = [models.UniqueConstraint(fields=["analysis", "name"], name="one_rendition_per_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.width}×{self.height}"
