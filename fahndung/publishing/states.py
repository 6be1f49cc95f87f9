"""The publication state machine: one explicit transition table, no FSM library.

    pending ──▶ publishing ──▶ published ──▶ withdrawing ──▶ withdrawn
       ▲            │  │            │             │  ▲
       └─(transient)┘  └▶ failed    │             ▼  │
                            │       │        withdraw_failed
                            └───────┴──────────(manual)──▶ withdrawn
    awaiting_manual ──(person)──▶ published | withdrawn

Desired state ("published"/"withdrawn") is stored separately from the actual state;
reconciliation (publish task, lifecycle takedown) drives actual towards desired.
Public surface: State, Desired, Channel, TRANSITIONS, can_transition, ACTIVE_STATES.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PENDING = "pending", _("Wartet auf Veröffentlichung")
    PUBLISHING = "publishing", _("Wird veröffentlicht")
    PUBLISHED = "published", _("Veröffentlicht")
    FAILED = "failed", _("Fehlgeschlagen")
    AWAITING_MANUAL = "awaiting_manual", _("Wartet auf manuelle Veröffentlichung")
    WITHDRAWING = "withdrawing", _("Wird zurückgezogen")
    WITHDRAW_FAILED = "withdraw_failed", _("Rückzug fehlgeschlagen (manuell löschen)")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")


class Desired(models.TextChoices):
    PUBLISHED = "published", _("soll veröffentlicht sein")
    WITHDRAWN = "withdrawn", _("soll zurückgezogen sein")


class Channel(models.TextChoices):
    API = "api", _("Automatisch (API)")
    MANUAL = "manual", _("Manuell (Person)")


# (source, target) pairs; anything else raises TransitionNotAllowed in the services.
TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (State.PENDING, State.PUBLISHING),
        (State.PENDING, State.WITHDRAWN),  # cancelled before anything went out
        (State.PUBLISHING, State.PUBLISHED),
        (State.PUBLISHING, State.PENDING),  # transient error or expired lease: retry later
        (State.PUBLISHING, State.FAILED),  # permanent error or retry budget used up
        (State.FAILED, State.PENDING),  # staff retry
        (State.FAILED, State.WITHDRAWN),  # nothing is online; closing just ends it
        (State.PUBLISHED, State.WITHDRAWING),
        (State.PUBLISHED, State.WITHDRAWN),  # removed by a person (manual channels, by hand)
        (State.WITHDRAWING, State.WITHDRAWN),
        (State.WITHDRAWING, State.WITHDRAW_FAILED),
        (State.WITHDRAWING, State.PUBLISHED),  # appeal re-published while a withdrawal waited
        (State.WITHDRAW_FAILED, State.WITHDRAWING),  # retry
        (State.WITHDRAW_FAILED, State.WITHDRAWN),  # confirmed removed by a person
        # The one way out of "withdrawn": a late post of an expired publish call turned up
        # and could not be deleted (services_remote._remove_orphan) – something is online.
        (State.WITHDRAWN, State.WITHDRAW_FAILED),
        (State.AWAITING_MANUAL, State.PUBLISHED),  # a person posted it
        (State.AWAITING_MANUAL, State.WITHDRAWN),  # cancelled / never posted
    }
)

# States in which something may be (or become) visible on the platform.
ACTIVE_STATES = frozenset({State.PUBLISHING, State.PUBLISHED, State.WITHDRAWING, State.WITHDRAW_FAILED})
# States the dispatch sweep picks up when due.
DISPATCH_STATES = frozenset({State.PENDING, State.PUBLISHING, State.WITHDRAWING})


def can_transition(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS
