"""The appeal (Öffentlichkeitsfahndung) and what belongs to it.

State changes happen only through appeals.services.appeal_transition; the
transition table lives in appeals.workflow.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fahndung.appeals.choices import (
    CloseReason,
    ConfirmingAuthority,
    IssuerType,
    Kind,
    LegalBasis,
    PersonRole,
    RiskCategory,
    Sex,
    Status,
)

ADULT_AGE = 18


def _new_slug() -> str:
    # Public URLs must not leak the database id or sequence.
    return secrets.token_urlsafe(8).lower().replace("_", "x").replace("-", "y")


class Appeal(models.Model):
    Status = Status
    Kind = Kind

    slug = models.SlugField(max_length=32, unique=True, default=_new_slug, editable=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True)
    close_reason = models.CharField(max_length=32, choices=CloseReason.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Bumped by every change of public output that does not touch this row (photo approved,
    # public copy removed …): the public page cache is keyed on it.
    content_revision = models.PositiveIntegerField(default=0)
    # The version whose texts and images were approved by the four-eyes rule; publication
    # uses exactly that version's snapshot (AppealVersion).
    approved_version = models.PositiveIntegerField(null=True, blank=True)

    title = models.CharField("Interner Kurztitel", max_length=200)
    file_number_police = models.CharField("Aktenzeichen Polizei", max_length=80)
    file_number_prosecutor = models.CharField("Aktenzeichen StA", max_length=80, blank=True)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="appeals")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_appeals")
    # Explicit case-team members beyond the owning unit (tips are readable by the team only).
    team_members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="team_appeals")
    prosecutor_contact = models.CharField("Ansprechpartner StA", max_length=200, blank=True)

    # Offence / event (R2)
    offence = models.CharField("Straftat", max_length=300, blank=True)
    offence_statute = models.CharField("Norm (StGB)", max_length=80, blank=True)
    significance_reason = models.TextField("Erhebliche Bedeutung", blank=True)
    measures_taken = models.TextField("Bisherige Maßnahmen", blank=True)
    urgent_suspicion = models.BooleanField("Dringender Tatverdacht", default=False)
    place = models.CharField("Ort", max_length=300, blank=True)
    district = models.CharField("Stadtteil/Bezirk", max_length=120, blank=True)
    occurred_from = models.DateTimeField("Tatzeit von", null=True, blank=True)
    occurred_to = models.DateTimeField("Tatzeit bis", null=True, blank=True)
    public_facts = models.TextField("Sachverhalt (zur Veröffentlichung)", blank=True)
    withheld_facts = models.TextField("Täterwissen (intern)", blank=True)

    # Missing persons (R12)
    risk_category = models.CharField(max_length=32, choices=RiskCategory.choices, blank=True)
    consent_given_by = models.CharField("Einwilligung durch", max_length=200, blank=True)
    consent_relation = models.CharField("Verhältnis", max_length=100, blank=True)
    consent_date = models.DateField("Einwilligung am", null=True, blank=True)
    consent_scope = models.CharField("Umfang der Einwilligung", max_length=300, blank=True)
    consent_exception = models.TextField("Begründete Ausnahme (ohne Einwilligung)", blank=True)

    # Protection flags (R14, R16)
    is_minor = models.BooleanField("Minderjährig", default=False)
    is_victim = models.BooleanField("Opfer", default=False)
    is_dangerous = models.BooleanField("Gefährlich/bewaffnet", default=False)

    # Reward (R17): shown only with an authorisation reference.
    reward_amount = models.PositiveIntegerField("Belohnung (EUR, bis zu)", null=True, blank=True)
    reward_authority = models.CharField("Ausgelobt durch", max_length=200, blank=True)
    reward_reference = models.CharField("Aktenzeichen der Auslobung", max_length=120, blank=True)
    reward_conditions = models.TextField("Bedingungen", blank=True)

    hotline = models.CharField("Hinweistelefon", max_length=60, blank=True)
    expires_at = models.DateTimeField("Ablaufdatum")
    review_due_at = models.DateTimeField("Nächste Überprüfung", null=True, blank=True)

    # R7: platform posts link-only unless an authorised role overrides with a reason.
    allow_platform_media = models.BooleanField(default=False)
    platform_media_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="appeal_reward_needs_reference",
                condition=models.Q(reward_amount__isnull=True) | ~models.Q(reward_reference=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_number_police} – {self.title}"

    def minor_by_data(self, *, at=None) -> bool:
        """A person of the appeal is (or may be) under 18 at `at` (default now): by date of
        birth, or an age range reaching below 18 (protect when in doubt, R14)."""
        from fahndung.core import clock

        day = (at or clock.now()).date()
        for person in self.persons.all():
            born = person.date_of_birth
            if born is not None:
                if day.year - born.year - ((day.month, day.day) < (born.month, born.day)) < ADULT_AGE:
                    return True
                continue  # the date of birth is more precise than an estimated range
            if person.age_min is not None and person.age_min < ADULT_AGE:
                return True
            if person.age_max is not None and person.age_max < ADULT_AGE:
                return True
        return False

    @property
    def protects_minor(self) -> bool:
        """Minor protections (R13/R14) apply: the tick can only add to what the data say."""
        return bool(self.is_minor or self.risk_category == RiskCategory.MINOR or self.minor_by_data())

    @property
    def needs_second_approver(self) -> bool:
        return self.protects_minor or self.is_victim or self.kind == Kind.UNKNOWN_DEAD

    @property
    def is_active_publicly(self) -> bool:
        return self.status == Status.PUBLISHED


class LegalOrder(models.Model):
    """The order behind an StPO appeal (R3). Confirmation deadline is computed, never typed."""

    # The current order of the appeal. A lapsed order is never re-dated: a new order is a new
    # row, the old one keeps its history under former_appeal (R3).
    appeal = models.OneToOneField(Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="order")
    former_appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="former_orders")
    superseded_at = models.DateTimeField(null=True, blank=True)
    issuer_type = models.CharField(max_length=32, choices=IssuerType.choices)
    issuer_name = models.CharField("Anordnende Person", max_length=200, blank=True)
    authority = models.CharField("Gericht/Behörde", max_length=200)
    decision_number = models.CharField("Geschäftszeichen/Beschluss-Nr.", max_length=120)
    decided_at = models.DateTimeField("Angeordnet am (Datum und Uhrzeit)")
    is_emergency = models.BooleanField("Gefahr im Verzug (Eilanordnung)", default=False)
    confirmation_due_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by_name = models.CharField(max_length=200, blank=True)
    confirmed_by_authority = models.CharField(max_length=16, choices=ConfirmingAuthority.choices, blank=True)
    confirmation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation_reference = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # R4: scope of what the order allows to publish.
    name_allowed = models.BooleanField("Name darf veröffentlicht werden", default=False)
    scope_notes = models.TextField("Umfang der Anordnung", blank=True)

    def __str__(self) -> str:
        return f"{self.authority} {self.decision_number}"


class Person(models.Model):
    """A person sought; each description field has its own publish flag (R6)."""

    # Field name -> default publish flag. Sensitive fields default to unpublished.
    PUBLISHABLE_FIELDS: dict[str, bool] = {
        "name": False,
        "alias": False,
        "date_of_birth": False,
        "sex": True,
        "age": True,
        "height": True,
        "build": True,
        "hair": True,
        "eyes": True,
        "appearance": True,
        "beard_glasses": True,
        "distinguishing_marks": True,
        "languages": True,
        "clothing": True,
        "items_carried": True,
        "vehicle": False,
        "last_seen": True,
        "nationality": False,
        "health_notes": False,
        "address": False,
    }

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(max_length=16, choices=PersonRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    alias = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    height_min_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    height_max_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    build = models.CharField("Statur", max_length=120, blank=True)
    hair = models.CharField("Haare", max_length=200, blank=True)
    eyes = models.CharField("Augen", max_length=120, blank=True)
    appearance = models.CharField("Erscheinungsbild", max_length=300, blank=True)
    beard_glasses = models.CharField("Bart/Brille", max_length=200, blank=True)
    distinguishing_marks = models.TextField("Besondere Merkmale", blank=True)
    languages = models.CharField("Sprache/Akzent", max_length=200, blank=True)
    clothing = models.TextField("Bekleidung", blank=True)
    items_carried = models.CharField("Mitgeführte Gegenstände", max_length=300, blank=True)
    vehicle = models.CharField("Fahrzeug", max_length=300, blank=True)
    last_seen_place = models.CharField("Zuletzt gesehen (Ort)", max_length=300, blank=True)
    last_seen_at = models.DateTimeField("Zuletzt gesehen (Zeit)", null=True, blank=True)
    nationality = models.CharField("Staatsangehörigkeit", max_length=100, blank=True)
    nationality_justification = models.TextField("Begründung Nennung Nationalität", blank=True)
    health_notes = models.TextField("Gesundheit/Medikamente", blank=True)
    # BDSG § 46 Nr. 14: health, ethnic origin, religion, sexual life only with a written reason.
    special_category_justification = models.TextField("Begründung besondere Kategorien (Gesundheit u. a.)", blank=True)
    address = models.CharField("Anschrift", max_length=300, blank=True)
    published_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name or f"Person {self.position + 1}"

    @classmethod
    def default_published_fields(cls) -> list[str]:
        return [name for name, default in cls.PUBLISHABLE_FIELDS.items() if default]


def _original_upload_to(instance: Photo, filename: str) -> str:
    # Random name: the original filename may itself carry personal data.
    return f"originals/{instance.appeal_id}/{secrets.token_hex(16)}"


def _private_storage():
    # Resolves STORAGES["private"] on every use, so tests and workers with another root agree.
    from fahndung.core.storage import private_storage

    return private_storage


class Photo(models.Model):
    """An uploaded original. Private, immutable evidence; never served publicly (R15)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    original = models.FileField(upload_to=_original_upload_to, storage=_private_storage, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=40)
    caption = models.CharField("Bildunterschrift/Alternativtext", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["appeal", "sha256"], name="photo_unique_per_appeal")]

    def __str__(self) -> str:
        return f"Foto {self.pk} ({self.sha256[:10]})"


class AppealEvent(models.Model):
    """One row per transition (and per partial approval): the appeal's history."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=32, choices=Status.choices)
    to_status = models.CharField(max_length=32, choices=Status.choices)
    reason = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class Approval(models.Model):
    """A press-office approval of one version; R14 cases need two distinct approvers."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="approvals")
    version = models.PositiveIntegerField()
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    checklist = models.JSONField(default=dict, blank=True)
    # sha256 of the version's snapshot (content, photos, every post text) the approver saw.
    snapshot_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "version", "approver"], name="one_approval_per_version")
        ]

    def __str__(self) -> str:
        return f"v{self.version} by {self.approver_id}"


class AppealVersion(models.Model):
    """Snapshot of the appeal content at each submission (R4: changes are re-approved)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["appeal", "version"], name="one_snapshot_per_version")]

    def __str__(self) -> str:
        return f"{self.appeal_id} v{self.version}"


class Participation(models.Model):
    """Who took part in a version (four eyes: none of them may approve it)."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("Eingereicht")
        CONTENT = "content", _("Inhalt geändert")
        POST_TEXT = "post_text", _("Plattformtext geändert")
        PHOTO = "photo", _("Foto hinzugefügt")
        REDACTION = "redaction", _("Bildbereiche geändert")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="participants")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    what = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["version", "at", "id"]
        indexes = [models.Index(fields=["appeal", "version"], name="participation_version_idx")]

    def __str__(self) -> str:
        return f"v{self.version} {self.kind} by {self.user_id}"
