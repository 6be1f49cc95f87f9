"""Role names (Django groups created by migration) and small predicates on users."""

from __future__ import annotations

from typing import Any

INVESTIGATOR = "investigator"
PRESS_OFFICE = "press_office"
PROSECUTOR_LIAISON = "prosecutor_liaison"
ADMIN = "admin"
ALL_ROLES = (INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON, ADMIN)

ROLE_LABELS = {
    INVESTIGATOR: "Sachbearbeitung",
    PRESS_OFFICE: "Pressestelle",
    PROSECUTOR_LIAISON: "StA-Verbindung",
    ADMIN: "Administration",
}


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_fahndung_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._fahndung_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def has_role_or_superuser(user: Any, *roles: str) -> bool:
    """The check for press-office (and admin) powers: a superuser counts as every role."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *roles)


def unit_id_of(user: Any) -> int | None:
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.unit_id if profile else None
