"""Organisational units and the staff profile linking a user to a unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Unit(models.Model):
    """An investigating unit (Dienststelle/Kommissariat). Investigators see only their unit's appeals."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    # Press-office lead and duty officer receive escalations (manual takedown deadlines).
    is_press_lead = models.BooleanField(default=False)
    is_duty_officer = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.unit or '-'})"
