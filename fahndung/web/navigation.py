"""The staff sidebar: one entry per screen, shown only to the roles that can use it.

Public surface: ``nav_items(user, path) -> list[NavItem]`` (context processor
``fahndung.web.navigation.staff_nav`` puts it into every staff page as ``staff_nav``).

The role sets mirror the checks of the views behind them (tests/web/test_navigation.py
opens every shown link per role and expects 200).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fahndung.accounts.roles import ADMIN, INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON, roles_of

ALL = frozenset({INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON, ADMIN})


@dataclass(frozen=True)
class NavItem:
    url: str
    label: Any
    icon: str
    active: bool
    separator_before: bool = False


# (url name, label, icon, roles, separator before, match the path exactly)
_ENTRIES = (
    ("web:dashboard", _("Übersicht"), "▦", ALL, False, True),
    ("web:appeal_create", _("Neue Fahndung"), "+", frozenset({INVESTIGATOR}), False, True),
    ("web:review_queue", _("Freigabe (Pressestelle)"), "✓", frozenset({PRESS_OFFICE}), False, False),
    ("imaging:index", _("Fotos"), "◧", frozenset({INVESTIGATOR, PRESS_OFFICE}), True, False),
    ("publishing:index", _("Veröffentlichung"), "↗", frozenset({PRESS_OFFICE, ADMIN}), False, True),
    ("publishing:tasks", _("Manuelle Aufgaben"), "☐", frozenset({PRESS_OFFICE, ADMIN}), False, False),
    ("lifecycle:dashboard", _("Rücknahmen"), "⤓", frozenset({PRESS_OFFICE, ADMIN}), False, False),
    ("publishing:accounts", _("Plattform-Konten"), "⚙", frozenset({PRESS_OFFICE, ADMIN}), False, False),
    ("tips:index", _("Hinweise"), "✉", frozenset({INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON}), False, False),
)


def nav_items(user: Any, path: str) -> list[NavItem]:
    roles = ALL if getattr(user, "is_superuser", False) else roles_of(user)
    items: list[NavItem] = []
    pending_separator = False
    for name, label, icon, allowed, separator, exact in _ENTRIES:
        pending_separator = pending_separator or separator
        if not roles & allowed:
            continue
        url = reverse(name)
        active = path == url if exact else path.startswith(url)
        items.append(NavItem(url=url, label=label, icon=icon, active=active,
                             separator_before=pending_separator and bool(items)))
        pending_separator = False
    return items


def staff_nav(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {"staff_nav": []}
    return {"staff_nav": nav_items(user, request.path)}
