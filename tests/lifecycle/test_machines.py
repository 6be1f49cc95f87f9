"""Every allowed and every forbidden transition of the lifecycle state machines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.core import clock
from fahndung.core.errors import TransitionNotAllowed
from fahndung.lifecycle import machines
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

pytestmark = pytest.mark.django_db

MANUAL_ACTIONS = ("escalate", "confirm", "resolve", "reopen")
TAKEDOWN_ACTIONS = ("claim", "verified", "retry", "lease_expired", "give_up", "confirm", "reopen")


def _takedown(appeal, state, n=[0]):  # noqa: B006 - counter for unique publication ids
    n[0] += 1
    return Takedown.objects.create(appeal=appeal, publication_id=10_000 + n[0], platform="x", state=state,
                                   started_at=clock.now())


def _task(appeal, state):
    takedown = _takedown(appeal, TakedownState.MANUAL_REQUIRED)
    now = clock.now()
    return ManualTakedownTask.objects.create(
        appeal=appeal, takedown=takedown, platform="whatsapp", instructions="x", reason="no_api", state=state,
        created_at=now, deadline_at=now + timedelta(hours=2),
    )


EXPECTED_MANUAL = {
    ("escalate", "open"): "escalated_lead",
    ("escalate", "escalated_lead"): "escalated_duty",
    ("confirm", "open"): "confirmed",
    ("confirm", "escalated_lead"): "confirmed",
    ("confirm", "escalated_duty"): "confirmed",
    ("resolve", "open"): "resolved",
    ("resolve", "escalated_lead"): "resolved",
    ("resolve", "escalated_duty"): "resolved",
    ("reopen", "confirmed"): "open",
    ("reopen", "resolved"): "open",
}


def test_manual_table_is_exactly_the_documented_one():
    assert {(a, str(s)): str(t) for (a, s), t in machines.MANUAL_TASK.items()} == EXPECTED_MANUAL


@pytest.mark.parametrize("state", [s.value for s in ManualTaskState])
@pytest.mark.parametrize("action", MANUAL_ACTIONS)
def test_manual_task_every_transition(appeal, state, action):
    task = _task(appeal, state)
    expected = EXPECTED_MANUAL.get((action, state))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            machines.transition(task, action)
        task.refresh_from_db()
        assert task.state == state
        assert not LifecycleEvent.objects.filter(machine="manual_task", object_id=task.pk).exists()
    else:
        previous = machines.transition(task, action, note="t")
        task.refresh_from_db()
        assert (previous, task.state) == (state, expected)
        event = LifecycleEvent.objects.get(machine="manual_task", object_id=task.pk)
        assert (event.action, event.from_state, event.to_state) == (action, state, expected)


@pytest.mark.parametrize("state", [s.value for s in TakedownState])
@pytest.mark.parametrize("action", TAKEDOWN_ACTIONS)
def test_takedown_every_transition(appeal, state, action):
    takedown = _takedown(appeal, state)
    expected = machines.TAKEDOWN.get((action, state))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            machines.transition(takedown, action)
        assert Takedown.objects.get(pk=takedown.pk).state == state
    else:
        machines.transition(takedown, action)
        assert Takedown.objects.get(pk=takedown.pk).state == expected


def test_finished_takedown_states_only_reopen(appeal):
    """Finished is final, except when publishing reports the post back online."""
    for state in (TakedownState.WITHDRAWN, TakedownState.MANUAL_CONFIRMED):
        takedown = _takedown(appeal, state)
        assert [a for a in TAKEDOWN_ACTIONS if machines.can(takedown, a)] == ["reopen"]
        machines.transition(takedown, "reopen")
        assert Takedown.objects.get(pk=takedown.pk).state == TakedownState.PENDING


@pytest.mark.parametrize("state", [s.value for s in ExtensionState])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_extension_every_transition(appeal, investigator, state, action):
    now = clock.now()
    request = ExtensionRequest.objects.create(
        appeal=appeal, state=state, requested_by=investigator, requested_at=now, previous_expires_at=now,
        requested_expires_at=now + timedelta(days=10),
    )
    expected = {("approve", "pending"): "approved", ("reject", "pending"): "rejected"}.get((action, state))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            machines.transition(request, action)
    else:
        machines.transition(request, action)
        request.refresh_from_db()
        assert request.state == expected


@pytest.mark.parametrize("state", [s.value for s in ReviewState])
@pytest.mark.parametrize("action", ["record", "lapse", "cancel"])
def test_review_every_transition(appeal, state, action):
    now = clock.now()
    task = ReviewTask.objects.create(appeal=appeal, state=state, created_at=now, due_at=now)
    expected = {("record", "open"): "done", ("lapse", "open"): "lapsed", ("cancel", "open"): "obsolete"}.get(
        (action, state)
    )
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            machines.transition(task, action)
    else:
        machines.transition(task, action)
        task.refresh_from_db()
        assert task.state == expected
