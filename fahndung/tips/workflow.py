"""The tip triage state machine: one table of allowed transitions.

    new ─┬─▶ in_review ─┬─▶ relevant ──▶ forwarded
         │              ├─▶ not_relevant
         │              ├─▶ forwarded
         │              └─▶ duplicate (needs the original)
         └─▶ (any decision directly)

Decisions can be reopened (back to in_review). Only the case team triggers them; the
duplicate action is separate because it needs the original tip.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from fahndung.tips.choices import TipState as S


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str


def _t(action: str, source: S, target: S) -> Transition:
    return Transition(action, source.value, target.value)


_DECIDABLE = (S.NEW, S.IN_REVIEW)

TRANSITIONS: tuple[Transition, ...] = (
    _t("start_review", S.NEW, S.IN_REVIEW),
    *(_t("mark_relevant", s, S.RELEVANT) for s in _DECIDABLE),
    *(_t("mark_not_relevant", s, S.NOT_RELEVANT) for s in (*_DECIDABLE, S.RELEVANT)),
    *(_t("forward", s, S.FORWARDED) for s in (*_DECIDABLE, S.RELEVANT)),
    *(_t("mark_duplicate", s, S.DUPLICATE) for s in _DECIDABLE),
    *(_t("reopen", s, S.IN_REVIEW) for s in (S.RELEVANT, S.NOT_RELEVANT, S.FORWARDED, S.DUPLICATE)),
)

_BY_KEY = {(t.action, t.source): t for t in TRANSITIONS}

# Lazy: buttons and form choices show them in the request language; nothing stores them.
ACTION_LABELS = {
    "start_review": _("Prüfung beginnen"),
    "mark_relevant": _("Als relevant markieren"),
    "mark_not_relevant": _("Als nicht relevant markieren"),
    "forward": _("Weitergeleitet"),
    "mark_duplicate": _("Als Duplikat markieren"),
    "reopen": _("Wieder öffnen"),
}

# History wording: the transitions plus the other recorded events.
EVENT_LABELS = {**ACTION_LABELS, "assign": _("Zuweisung")}

# Actions offered as plain buttons (mark_duplicate needs the original, so it has its own form).
BUTTON_ACTIONS = ("start_review", "mark_relevant", "mark_not_relevant", "forward", "reopen")


def find(action: str, source: str) -> Transition | None:
    return _BY_KEY.get((action, source))


def allowed_actions(source: str) -> list[str]:
    return [t.action for t in TRANSITIONS if t.source == source]
