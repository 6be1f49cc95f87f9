"""The appeal state machine: one table of allowed transitions and who may trigger them.

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published ──close──▶ closed ──archive──▶ archived
                        │  ▲                    │
              request_changes │ resubmit        └─edit (back to submitted, new version)
                        ▼  │
                   changes_requested

Any non-closed state can be closed (a draft or pending appeal is "withdrawn").
Rules that depend on content (four eyes, legal order, consent …) live in rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from fahndung.accounts.roles import ADMIN, INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON
from fahndung.appeals.choices import Status

SYSTEM = "system"  # sweeps and automatic follow-ups


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str]


def _t(action: str, source: Status, target: Status, *roles: str) -> Transition:
    return Transition(action, source.value, target.value, frozenset(roles))


_OPEN = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED, Status.PUBLISHED)

TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", Status.DRAFT, Status.SUBMITTED, INVESTIGATOR),
    _t("submit", Status.CHANGES_REQUESTED, Status.SUBMITTED, INVESTIGATOR),
    _t("request_changes", Status.SUBMITTED, Status.CHANGES_REQUESTED, PRESS_OFFICE),
    _t("approve", Status.SUBMITTED, Status.APPROVED, PRESS_OFFICE),
    # An edit of an approved appeal sends it back to approval (R4).
    _t("revise", Status.APPROVED, Status.SUBMITTED, INVESTIGATOR, PRESS_OFFICE),
    _t("publish", Status.APPROVED, Status.PUBLISHED, PRESS_OFFICE, SYSTEM),
    *(
        _t("close", source, Status.CLOSED, INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON, SYSTEM)
        for source in _OPEN
    ),
    _t("archive", Status.CLOSED, Status.ARCHIVED, ADMIN, PRESS_OFFICE, SYSTEM),
)

_BY_KEY = {(t.action, t.source): t for t in TRANSITIONS}
# Done by a service as a consequence (an edit of an approved appeal), never offered as a
# button or API endpoint.
AUTOMATIC_ACTIONS = frozenset({"revise"})
ACTIONS = sorted({t.action for t in TRANSITIONS})

# Lazy: the history (web_tags.action_label) shows them in the request language; events
# store the action key, never the label.
ACTION_LABELS = {
    "submit": _("Zur Freigabe einreichen"),
    "request_changes": _("Änderungen anfordern"),
    "approve": _("Freigeben"),
    "revise": _("Zur erneuten Freigabe"),
    "publish": _("Veröffentlichen"),
    "close": _("Fahndung erledigen"),
    "archive": _("Archivieren"),
}
# History entries that are not state changes of their own.
EVENT_LABELS = {
    **ACTION_LABELS,
    "approve_partial": _("Teilfreigabe (erste von zwei)"),
    "publish_blocked": _("Veröffentlichung gesperrt"),
    "extend": _("Ablauf verlängert"),
}


def find(action: str, source: str) -> Transition | None:
    return _BY_KEY.get((action, source))


def allowed_actions(source: str) -> list[str]:
    return [t.action for t in TRANSITIONS if t.source == source]
