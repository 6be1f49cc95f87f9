"""Every publish has an attempt cap, after which a person gets a task (issue 11, finding 3:
a raw exception left the row "publishing", re-taken after every lease expiry without cap).
Withdraw's cap is the takedown's (lifecycle: withdraw_max_attempts → ManualTakedownTask)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.core import clock
from fahndung.publishing import conf, services
from fahndung.publishing.adapters import x as x_adapter
from fahndung.publishing.models import ManualPublishTask, Publication
from fahndung.publishing.states import State
from tests.publishing.test_publish_settle import _only_account


def _x_pub(appeal):
    return Publication.objects.get(appeal=appeal, account="x:lka")


@pytest.fixture
def only_x(monkeypatch, fake_platform, no_accounts):
    _only_account(monkeypatch, fake_platform, "x:lka")
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_MAX_ATTEMPTS", "3")
    return fake_platform


@pytest.mark.django_db
def test_unexpected_exception_is_transient_not_a_stuck_row(appeal, publish_appeal, only_x, monkeypatch):
    def boom(self, payload):
        raise KeyError("data")  # e.g. an answer without the expected field

    monkeypatch.setattr(x_adapter.XAdapter, "publish", boom)
    publish_appeal(appeal)
    publication = _x_pub(appeal)
    assert publication.state == State.PENDING and publication.next_attempt_at is not None
    assert "KeyError" in publication.last_error


@pytest.mark.django_db
def test_retry_budget_ends_in_failed_with_a_task(appeal, publish_appeal, only_x, monkeypatch):
    monkeypatch.setattr(x_adapter.XAdapter, "publish", lambda self, payload: (_ for _ in ()).throw(RuntimeError("x")))
    publish_appeal(appeal)
    publication = _x_pub(appeal)
    start = clock.now()
    for i in range(1, 6):
        with clock.frozen(start + timedelta(hours=2 * i)):
            services.publication_dispatch(publication_id=publication.pk)
    publication.refresh_from_db()
    assert publication.state == State.FAILED and publication.attempts == 3
    task = ManualPublishTask.objects.get(publication=publication, status="open")
    assert "3 Versuchen" in task.instructions and task.text == publication.text


@pytest.mark.django_db
def test_expired_lease_takeover_is_capped(appeal, publish_appeal, only_x, monkeypatch):
    """A worker that dies mid-call every time (row stays "publishing"): after the cap no
    further call, FAILED and a task for a person."""
    publish_appeal(appeal)
    publication = _x_pub(appeal)
    Publication.objects.filter(pk=publication.pk).update(state=State.PUBLISHING, attempts=3, external_id="")
    calls = []
    monkeypatch.setattr(x_adapter.XAdapter, "find_existing", lambda self, payload: calls.append(1))
    monkeypatch.setattr(x_adapter.XAdapter, "publish", lambda self, payload: calls.append(1))
    late = clock.now() + timedelta(seconds=conf.lease_seconds() + conf.absent_settle_seconds() + 60)
    with clock.frozen(late):
        outcome = services.publication_dispatch(publication_id=publication.pk)
    publication.refresh_from_db()
    assert outcome.status == "failed" and calls == []
    assert publication.state == State.FAILED
    assert ManualPublishTask.objects.filter(publication=publication, status="open").count() == 1


@pytest.mark.django_db
def test_staff_retry_cancels_the_task(appeal, publish_appeal, only_x, press, monkeypatch):
    only_x.add_fault("x", status=403, path_contains="/2/tweets", count=1)
    publish_appeal(appeal)
    publication = _x_pub(appeal)
    assert publication.state == State.FAILED
    assert ManualPublishTask.objects.filter(publication=publication, status="open").count() == 1
    services.publication_retry(actor=press, publication_id=publication.pk)
    assert not ManualPublishTask.objects.filter(publication=publication, status="open").exists()
