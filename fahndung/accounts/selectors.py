"""Reads for staff accounts.

Public surface:
- ``user_by_username(*, username) -> User`` (raises NotFound)
- ``staff_summary(*, user) -> StaffSummary`` – roles (with German labels), unit, TOTP state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from fahndung.accounts.roles import ROLE_LABELS, roles_of
from fahndung.core.errors import NotFound


@dataclass(frozen=True)
class StaffSummary:
    username: str
    full_name: str
    roles: list[str]
    role_labels: list[str]
    unit_name: str
    has_totp: bool
    has_api_token: bool


def user_by_username(*, username: str) -> Any:
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise NotFound(f"Benutzer „{username}“ nicht gefunden.") from None


def staff_summary(*, user: Any) -> StaffSummary:
    roles = sorted(roles_of(user))
    profile = getattr(user, "profile", None)
    unit = profile.unit if profile is not None else None
    from rest_framework.authtoken.models import Token

    return StaffSummary(
        username=user.get_username(),
        full_name=user.get_full_name(),
        roles=roles,
        role_labels=[ROLE_LABELS.get(r, r) for r in roles],
        unit_name=unit.name if unit else "",
        has_totp=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        has_api_token=Token.objects.filter(user=user).exists(),
    )


def emails_with_role(role: str) -> list[str]:
    """E-mail addresses of the active users in one role (e.g. the press office)."""
    users = get_user_model().objects.filter(groups__name=role, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))
