"""Enumerations of the tips domain (German labels, English values)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TipState(models.TextChoices):
    NEW = "new", _("Neu")
    IN_REVIEW = "in_review", _("In Prüfung")
    RELEVANT = "relevant", _("Relevant")
    NOT_RELEVANT = "not_relevant", _("Nicht relevant")
    FORWARDED = "forwarded", _("Weitergeleitet")
    DUPLICATE = "duplicate", _("Duplikat")


class Channel(models.TextChoices):
    WEB = "web", _("Hinweisformular (online)")
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("E-Mail")
    WALK_IN = "walk_in", _("Persönlich (Wache)")
    SOCIAL_MESSAGE = "social_message", _("Soziale Medien: Direktnachricht")
    SOCIAL_COMMENT = "social_comment", _("Soziale Medien: Kommentar")
    OTHER = "other", _("Sonstiges")


STAFF_CHANNELS = tuple(c for c in Channel if c != Channel.WEB)


class Direction(models.TextChoices):
    FROM_TIPSTER = "in", _("Hinweisgeber/in")
    TO_TIPSTER = "out", _("Polizei")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("ausstehend")
    SENT = "sent", _("übergeben")
    FAILED = "failed", _("fehlgeschlagen")


class Topic(models.TextChoices):
    TIP_RECEIVED = "tip.received", _("Neuer Hinweis")
    TIP_FOLLOWUP = "tip.followup", _("Ergänzung durch Hinweisgeber/in")
    DIGEST = "tip.digest", _("Sammelbenachrichtigung")
