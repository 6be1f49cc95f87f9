"""Transition table of PhotoAnalysis: action -> {from_state: to_state}. No FSM library.

pending -> processing -> ready_for_review -> approved | rejected (| awaiting_second_approval
-> approved for R14 cases); failed is reachable from pending/processing, retry goes back to
pending; any edit of boxes or subject after detection sends the photo back to processing
(and revokes an approval).
"""

from __future__ import annotations

from fahndung.imaging.models import AnalysisState as S

TRANSITIONS: dict[str, dict[str, str]] = {
    "start": {S.PENDING: S.PROCESSING},
    "finish": {S.PROCESSING: S.READY},
    "fail": {S.PENDING: S.FAILED, S.PROCESSING: S.FAILED},
    "retry": {S.FAILED: S.PENDING},
    "edit": {
        S.PROCESSING: S.PROCESSING,
        S.READY: S.PROCESSING,
        S.AWAITING_SECOND: S.PROCESSING,
        S.APPROVED: S.PROCESSING,
        S.REJECTED: S.PROCESSING,
    },
    "approve_first": {S.READY: S.AWAITING_SECOND},
    "approve": {S.READY: S.APPROVED, S.AWAITING_SECOND: S.APPROVED},
    "reject": {S.READY: S.REJECTED, S.AWAITING_SECOND: S.REJECTED, S.APPROVED: S.REJECTED},
}

EDITABLE_STATES = frozenset(TRANSITIONS["edit"])


def target_state(action: str, state: str) -> str | None:
    return TRANSITIONS.get(action, {}).get(state)
