"""Transition tables of the lifecycle state machines and the one function that applies them.

    Takedown:      pending ──claim──▶ deleting ──verified──▶ withdrawn
                      ▲  ╲               │ retry / lease_expired ▲
                      └───╲──────────────┘                       │ verified
                           ╲ give_up ──▶ manual_required ──claim (slow API retry)
                                              │ confirm
                                              ▼
                                        manual_confirmed
                   (withdrawn | manual_confirmed) ──reopen──▶ pending   (a post turned up again)
    Manual task:   (confirmed | resolved) ──reopen──▶ open
    Manual task:   open ──escalate──▶ escalated_lead ──escalate──▶ escalated_duty
                   (any open) ──confirm──▶ confirmed    (any open) ──resolve──▶ resolved
    Extension:     pending ──approve──▶ approved | pending ──reject──▶ rejected
    Review:        open ──record──▶ done | open ──lapse──▶ lapsed | open ──cancel──▶ obsolete

`transition()` checks the table, sets the state, saves and writes a LifecycleEvent;
callers hold the row lock. Anything not in the table raises TransitionNotAllowed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fahndung.core import clock
from fahndung.core.errors import TransitionNotAllowed
from fahndung.lifecycle.models import (
    ExtensionRequest,
    ExtensionState,
    LifecycleEvent,
    ManualTakedownTask,
    ManualTaskState,
    ReviewState,
    ReviewTask,
    Takedown,
    TakedownState,
)

T = TakedownState
M = ManualTaskState
E = ExtensionState
R = ReviewState

TAKEDOWN: dict[tuple[str, str], str] = {
    ("claim", T.PENDING): T.DELETING,
    ("claim", T.MANUAL_REQUIRED): T.DELETING,
    ("verified", T.DELETING): T.WITHDRAWN,
    ("verified", T.PENDING): T.WITHDRAWN,
    ("verified", T.MANUAL_REQUIRED): T.WITHDRAWN,
    ("retry", T.DELETING): T.PENDING,
    ("lease_expired", T.DELETING): T.PENDING,
    ("give_up", T.DELETING): T.MANUAL_REQUIRED,
    ("give_up", T.PENDING): T.MANUAL_REQUIRED,
    ("confirm", T.PENDING): T.MANUAL_CONFIRMED,
    ("confirm", T.DELETING): T.MANUAL_CONFIRMED,
    ("confirm", T.MANUAL_REQUIRED): T.MANUAL_CONFIRMED,
    # Publishing reports the publication not withdrawn any more (a late post of an expired
    # publish call could not be deleted): the takedown starts over.
    ("reopen", T.WITHDRAWN): T.PENDING,
    ("reopen", T.MANUAL_CONFIRMED): T.PENDING,
}

MANUAL_TASK: dict[tuple[str, str], str] = {
    ("escalate", M.OPEN): M.ESCALATED_LEAD,
    ("escalate", M.ESCALATED_LEAD): M.ESCALATED_DUTY,
    ("confirm", M.OPEN): M.CONFIRMED,
    ("confirm", M.ESCALATED_LEAD): M.CONFIRMED,
    ("confirm", M.ESCALATED_DUTY): M.CONFIRMED,
    ("resolve", M.OPEN): M.RESOLVED,
    ("resolve", M.ESCALATED_LEAD): M.RESOLVED,
    ("resolve", M.ESCALATED_DUTY): M.RESOLVED,
    ("reopen", M.CONFIRMED): M.OPEN,  # the reopened takedown needs a person again
    ("reopen", M.RESOLVED): M.OPEN,
}

EXTENSION: dict[tuple[str, str], str] = {
    ("approve", E.PENDING): E.APPROVED,
    ("reject", E.PENDING): E.REJECTED,
}

REVIEW: dict[tuple[str, str], str] = {
    ("record", R.OPEN): R.DONE,
    ("lapse", R.OPEN): R.LAPSED,
    ("cancel", R.OPEN): R.OBSOLETE,
}

_TABLES: dict[type[models.Model], tuple[str, dict[tuple[str, str], str]]] = {
    Takedown: ("takedown", TAKEDOWN),
    ManualTakedownTask: ("manual_task", MANUAL_TASK),
    ExtensionRequest: ("extension", EXTENSION),
    ReviewTask: ("review", REVIEW),
}

# Lazy, for display; LifecycleEvent stores the action key, never the label.
ACTION_LABELS = {
    "claim": _("Löschung gestartet"),
    "verified": _("Entfernung bestätigt"),
    "retry": _("Erneuter Versuch"),
    "lease_expired": _("Abgebrochener Versuch"),
    "give_up": _("An Pressestelle übergeben"),
    "confirm": _("Manuell bestätigt"),
    "escalate": _("Eskaliert"),
    "resolve": _("Von Plattform bestätigt"),
    "approve": _("Genehmigt"),
    "reject": _("Abgelehnt"),
    "record": _("Überprüfung erfasst"),
    "lapse": _("Frist versäumt"),
    "cancel": _("Entfallen"),
    "reopen": _("Erneut geöffnet"),
}


def can(obj: models.Model, action: str) -> bool:
    table = _TABLES[type(obj)][1]
    return (action, obj.state) in table


def target(model: type[models.Model], action: str, source: str) -> str | None:
    return _TABLES[model][1].get((action, source))


def transition(obj: Any, action: str, *, actor: Any = None, note: str = "", save_fields: list[str] | None = None) -> str:
    """Apply `action` to a locked row; returns the previous state."""
    machine, table = _TABLES[type(obj)]
    new_state = table.get((action, obj.state))
    if new_state is None:
        # The sentence is German (service errors are); keep the lazy names in it German too.
        with translation.override(settings.LANGUAGE_CODE):
            message = f"„{ACTION_LABELS.get(action, action)}“ ist im Zustand „{obj.get_state_display()}“ nicht möglich."
        raise TransitionNotAllowed(message, extra={"state": obj.state, "action": action})
    previous = obj.state
    obj.state = new_state
    if save_fields is None:
        obj.save()
    else:
        obj.save(update_fields=sorted({"state", *save_fields}))
    LifecycleEvent.objects.create(
        appeal_id=obj.appeal_id, at=clock.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        machine=machine, object_id=obj.pk, action=action, from_state=previous, to_state=new_state, note=note,
    )
    return previous
