"""The publication state machine: allowed and forbidden transitions, event rows."""

from __future__ import annotations

import pytest

from fahndung.core.errors import TransitionNotAllowed
from fahndung.publishing.models import Publication, PublicationEvent
from fahndung.publishing.services import publication_transition
from fahndung.publishing.states import TRANSITIONS, State, can_transition

ALLOWED = [
    (State.PENDING, State.PUBLISHING),
    (State.PUBLISHING, State.PUBLISHED),
    (State.PUBLISHING, State.PENDING),
    (State.PUBLISHING, State.FAILED),
    (State.FAILED, State.PENDING),
    (State.PUBLISHED, State.WITHDRAWING),
    (State.WITHDRAWING, State.WITHDRAWN),
    (State.WITHDRAWING, State.WITHDRAW_FAILED),
    (State.WITHDRAW_FAILED, State.WITHDRAWN),
    (State.AWAITING_MANUAL, State.PUBLISHED),
    (State.AWAITING_MANUAL, State.WITHDRAWN),
    (State.PUBLISHED, State.WITHDRAWN),
]
FORBIDDEN = [
    (State.PENDING, State.PUBLISHED),  # must pass through publishing (the lease)
    (State.WITHDRAWN, State.PUBLISHED),  # a withdrawn post is never "live" again
    (State.WITHDRAWN, State.PENDING),
    (State.FAILED, State.PUBLISHED),
    (State.PUBLISHED, State.PENDING),
    (State.AWAITING_MANUAL, State.PUBLISHING),  # manual channels never go through the API
    (State.WITHDRAW_FAILED, State.PUBLISHED),
]


@pytest.fixture
def publication(appeal):
    return Publication.objects.create(appeal=appeal, platform="x", account="x:lka", idempotency_key="k1")


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed(source, target, publication):
    publication.state = source
    publication.save()
    publication_transition(publication, target, note="test")
    publication.refresh_from_db()
    assert publication.state == target
    event = PublicationEvent.objects.get(publication=publication)
    assert (event.from_state, event.to_state) == (source, target)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_forbidden(source, target, publication):
    publication.state = source
    publication.save()
    with pytest.raises(TransitionNotAllowed):
        publication_transition(publication, target)
    publication.refresh_from_db()
    assert publication.state == source
    assert not PublicationEvent.objects.filter(publication=publication).exists()


def test_table_is_closed_over_known_states():
    states = set(State.values)
    for source, target in TRANSITIONS:
        assert source in states and target in states
    # "withdrawn" is final, except that a late post which could not be deleted turns up
    assert [t for t in TRANSITIONS if t[0] == State.WITHDRAWN] == [(State.WITHDRAWN, State.WITHDRAW_FAILED)]
    assert can_transition(State.PENDING, State.PUBLISHING)


@pytest.mark.django_db
def test_stamps(publication):
    publication.state = State.PUBLISHING
    publication.save()
    publication_transition(publication, State.PUBLISHED)
    assert publication.published_at is not None
    publication_transition(publication, State.WITHDRAWING)
    publication_transition(publication, State.WITHDRAWN)
    assert publication.withdrawn_at is not None


@pytest.mark.django_db
def test_one_publication_per_account(appeal, publication):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(appeal=appeal, platform="x", account="x:lka", idempotency_key="k2")
