"""Reliability of the takedown with real PostgreSQL, Redis, Celery worker processes and
the fake platform server (issue 5). Skipped without PostgreSQL/redis-server.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/fahndung_lifecycle uv run pytest tests/lifecycle -m services
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest

from fahndung.appeals.choices import IssuerType, Kind, LegalBasis, Status
from fahndung.appeals.services import appeal_approve, appeal_close, appeal_submit
from fahndung.core import clock
from fahndung.lifecycle import services
from fahndung.lifecycle.models import ManualTakedownTask, ManualTaskReason, Takedown, TakedownState
from fahndung.publishing.models import Publication, PublicationAttempt
from fahndung.publishing.services import publication_dispatch
from tests.factories import AppealFactory, LegalOrderFactory

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, *, timeout: float, sweep: bool = True, interval: float = 0.5) -> bool:
    """Poll `predicate`; run the reconciliation sweep each round (beat at a short interval)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if sweep:
            services.takedowns_reconcile()
        time.sleep(interval)
    return predicate()


def make_appeal(investigator, unit, **fields):
    order = fields.pop("order", {})
    appeal = AppealFactory(owner=investigator, unit=unit, **fields)
    LegalOrderFactory(appeal=appeal, **order)
    return appeal


def publish(appeal, investigator, press, *, dispatch_here: bool = True):
    """Real approval → publications; the API ones are published to the fake platforms
    from this process (deterministic setup, no worker needed)."""
    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    appeal_approve(actor=press, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == Status.PUBLISHED
    if dispatch_here:
        for pub in Publication.objects.filter(appeal=appeal, channel="api"):
            for _ in range(5):
                if publication_dispatch(publication_id=pub.pk).status in ("published", "noop"):
                    break
        states = set(Publication.objects.filter(appeal=appeal, channel="api").values_list("state", flat=True))
        assert states == {"published"}, states
    return appeal


def api_pubs(appeal):
    return Publication.objects.filter(appeal=appeal, channel="api")


def all_api_withdrawn(appeal) -> bool:
    return not Takedown.objects.filter(appeal=appeal, publication_id__in=api_pubs(appeal).values("id")).exclude(
        state=TakedownState.WITHDRAWN).exists() and Takedown.objects.filter(appeal=appeal).exists()


def describe(appeal) -> list[tuple]:
    return list(Takedown.objects.filter(appeal=appeal).values_list("platform", "state", "attempts", "last_error"))


def live_remote_ids(platform) -> set[str]:
    return {p["id"] for p in platform.posts(live=True)}


def assert_gone_everywhere(appeal, platform):
    ids = {p.external_id.rsplit(":", 1)[-1] for p in api_pubs(appeal) if p.platform != "website"}
    for pub in api_pubs(appeal):
        assert pub.state == "withdrawn", (pub.account, pub.state, pub.last_error)
        went_out = PublicationAttempt.objects.filter(publication=pub, operation="publish").exists()
        if went_out:
            assert pub.verified_absent_at is not None, pub.account  # the platform confirmed absence
    live = live_remote_ids(platform)
    assert not any(any(i.endswith(x) or x.endswith(i) for x in ids) for i in live), live


def test_close_with_healthy_platforms(pg_required, live, investigator, unit_a, press):
    appeals = [publish(make_appeal(investigator, unit_a), investigator, press) for _ in range(2)]
    assert live.platform.posts(live=True)
    live.worker()
    t0 = time.monotonic()
    for appeal in appeals:
        appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
    # Closing enqueues the withdraws at once: no sweep needed in the healthy case.
    assert wait_until(lambda: all(all_api_withdrawn(a) for a in appeals), timeout=30, sweep=False)
    elapsed = time.monotonic() - t0
    for appeal in appeals:
        assert_gone_everywhere(appeal, live.platform)
        manual = ManualTakedownTask.objects.filter(appeal=appeal)
        assert {t.platform for t in manual} == set(
            Publication.objects.filter(appeal=appeal, channel="manual").values_list("platform", flat=True))
        assert all(t.reason == ManualTaskReason.NO_API for t in manual)
    assert live.platform.posts(live=True) == []
    assert elapsed < 20


def test_faults_then_recovery(pg_required, live, investigator, unit_a, press, monkeypatch):
    appeal = publish(make_appeal(investigator, unit_a), investigator, press)
    platform = live.platform
    # Budget: 4 attempts with backoff 1, 2, 2 s (about 5–8 s); Bluesky fails for 25 s.
    monkeypatch.setenv("FAHNDUNG_WITHDRAW_MAX_ATTEMPTS", "4")
    live.worker(concurrency=2)  # started first: fault windows count from here
    platform.add_fault("x", status=500, count=2, method="DELETE")
    platform.add_fault("mastodon", status=429, count=2, reset_in=1)
    platform.add_fault("linkedin", delay=3.0, count=1)  # > HTTP timeout (2 s): a client timeout
    platform.add_fault("bluesky", status=503, count=None, seconds=25)  # longer than the budget
    appeal_close(actor=press, appeal_id=appeal.pk, reason="identified")
    budget_ran_out = wait_until(
        lambda: ManualTakedownTask.objects.filter(appeal=appeal, reason=ManualTaskReason.BUDGET_EXHAUSTED).exists(),
        timeout=40)
    assert budget_ran_out, describe(appeal)
    assert wait_until(lambda: all_api_withdrawn(appeal), timeout=60), describe(appeal)
    assert_gone_everywhere(appeal, platform)
    # Manual tasks only where the budget ran out (bluesky) or there is no API; the one
    # for bluesky was closed automatically once the platform confirmed the deletion.
    budget = ManualTakedownTask.objects.filter(appeal=appeal, reason=ManualTaskReason.BUDGET_EXHAUSTED)
    assert {t.platform for t in budget} == {"bluesky"}
    assert budget.get().state == "resolved"
    assert not ManualTakedownTask.objects.filter(appeal=appeal, reason=ManualTaskReason.PERMANENT_ERROR).exists()
    # Repeated deletes are harmless: no withdraw ended in a permanent error, every
    # repeated DELETE of an already deleted post answered "not found" (treated as success).
    assert not PublicationAttempt.objects.filter(publication__appeal=appeal, outcome="permanent").exists()
    x_takedowns = Takedown.objects.filter(appeal=appeal, platform="x")
    assert sum(t.attempts for t in x_takedowns) == x_takedowns.count() + 2  # two 500s, then success


def test_worker_killed_in_the_middle_of_a_withdraw(pg_required, live, investigator, unit_a, press):
    appeal = publish(make_appeal(investigator, unit_a), investigator, press)
    x_pubs = list(api_pubs(appeal).filter(platform="x").values_list("pk", flat=True))
    worker = live.worker(concurrency=1)
    live.platform.add_fault("x", delay=6.0, count=1, method="DELETE")  # the first X delete hangs
    appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")

    def x_delete_in_flight() -> bool:
        reqs = live.platform.store.requests
        return Takedown.objects.filter(publication_id__in=x_pubs, state=TakedownState.DELETING).exists() and not any(
            r["method"] == "DELETE" and r["platform"] == "x" for r in reqs)

    assert wait_until(x_delete_in_flight, timeout=30, sweep=False, interval=0.1)
    time.sleep(1.0)
    worker.kill()  # SIGKILL the pool child while the DELETE is on the wire
    # acks_late + reject_on_worker_lost: the message is redelivered to the new child and
    # the same task id takes over its own lease – no waiting for the lease to expire.
    assert wait_until(lambda: all_api_withdrawn(appeal), timeout=40, sweep=False)
    assert_gone_everywhere(appeal, live.platform)
    lost = Takedown.objects.filter(publication_id__in=x_pubs, attempts__gte=2)
    assert lost.exists()  # one X takedown really was attempted twice
    assert "WorkerLostError" in worker.output() or "SIGKILL" in worker.output() or "signal 9" in worker.output()


def test_broker_down_when_closing(pg_required, live, investigator, unit_a, press):
    appeal = publish(make_appeal(investigator, unit_a), investigator, press)
    live.worker(concurrency=2)
    live.broker.stop()
    t0 = time.monotonic()
    appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
    assert time.monotonic() - t0 < 15  # closing does not hang on the broker
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED  # the state is in the database
    assert Takedown.objects.filter(appeal=appeal, state=TakedownState.PENDING).exists()
    time.sleep(1)
    assert live.platform.posts(live=True)  # nothing could be withdrawn yet
    live.broker.start()
    assert wait_until(lambda: all_api_withdrawn(appeal), timeout=90, interval=1.0)
    assert_gone_everywhere(appeal, live.platform)


def test_expiry_and_order_lapse_with_controlled_clock(pg_required, live, investigator, unit_a, press, monkeypatch):
    expiring = publish(make_appeal(investigator, unit_a), investigator, press)
    decided = clock.now() - timedelta(hours=1)
    lapsing = publish(make_appeal(
        investigator, unit_a, kind=Kind.SUSPECT_KNOWN, legal_basis=LegalBasis.STPO_131_3, urgent_suspicion=True,
        order={"issuer_type": IssuerType.POLICE, "is_emergency": True, "decided_at": decided,
               "confirmation_due_at": decided + timedelta(hours=24)},
    ), investigator, press)
    # Both processes see the same shifted clock: 25 h later (the order lapsed, not yet expired).
    offset = str(25 * 3600)
    monkeypatch.setenv("FAHNDUNG_CLOCK_OFFSET_SECONDS", offset)
    live.worker(env={"FAHNDUNG_CLOCK_OFFSET_SECONDS": offset})
    result = services.deadlines_run()
    assert (result["orders_lapsed"], result["expired"]) == (1, 0)
    lapsing.refresh_from_db()
    assert lapsing.close_reason == "order_lapsed"
    assert wait_until(lambda: all_api_withdrawn(lapsing), timeout=30)
    assert_gone_everywhere(lapsing, live.platform)
    expiring.refresh_from_db()
    assert expiring.status == Status.PUBLISHED
    with clock.frozen(expiring.expires_at + timedelta(seconds=1)):
        assert services.deadlines_run()["expired"] == 1
    expiring.refresh_from_db()
    assert (expiring.status, expiring.close_reason) == (Status.CLOSED, "expired")
    # The close ran under the frozen clock (expires_at, weeks ahead of the worker's clock),
    # so the takedown's backoff gate lies in the worker's future; bring it to the shared
    # offset clock, as if the sweep had run at that moment.
    Takedown.objects.filter(appeal=expiring).update(next_attempt_at=clock.now())
    assert wait_until(lambda: all_api_withdrawn(expiring), timeout=30)
    assert_gone_everywhere(expiring, live.platform)


def test_publish_finishing_after_close_is_withdrawn(pg_required, live, investigator, unit_a, press):
    appeal = make_appeal(investigator, unit_a)
    # Both X posts are slow (1.6 s) but finish within the worker's HTTP timeout, so they
    # complete after the close. The timeout is generous so that a loaded CI machine does not
    # turn this into the timed-out case (covered by the next test).
    live.worker(concurrency=4, env={"FAHNDUNG_HTTP_TIMEOUT": "8"})
    live.platform.add_fault("x", delay=1.6, count=2, method="POST")
    publish(appeal, investigator, press, dispatch_here=False)  # the worker publishes
    x_pubs = api_pubs(appeal).filter(platform="x")
    assert wait_until(lambda: x_pubs.filter(state="publishing").exists(), timeout=30, sweep=False, interval=0.1)
    def close_now():
        from django.db import connection

        try:
            appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
        finally:
            connection.close()

    closer = threading.Thread(target=close_now)
    closer.start()
    closer.join(20)
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    # The in-flight publish completes after the close and is itself taken down.
    assert wait_until(lambda: all_api_withdrawn(appeal) and not x_pubs.exclude(state="withdrawn").exists(), timeout=60)
    assert_gone_everywhere(appeal, live.platform)
    late = x_pubs.exclude(external_id="")
    assert late.exists() and all(p.verified_absent_at for p in late)  # the late X post was verified gone
    assert any(p["platform"] == "x" for p in live.platform.posts())  # X posts existed …
    assert not live.platform.posts(live=True)  # … and none is left
    assert os.environ.get("FAHNDUNG_WITHDRAW_BACKOFF_SECONDS") == "1"


def test_close_right_after_a_timed_out_publish_deletes_the_late_post(pg_required, live, investigator, unit_a, press):
    """An X create takes 6 s against our 2 s read timeout: we give up, the platform still
    creates the post 4 s later. The appeal is closed in between and the first
    withdraw look-up runs before the post exists. The publication must never be
    "withdrawn" while the post is online, and the late post must end up deleted."""
    appeal = make_appeal(investigator, unit_a)
    live.platform.add_fault("x", delay=6, count=1, method="POST", path_contains="/2/tweets")
    publish(appeal, investigator, press, dispatch_here=False)  # no worker yet: we dispatch here
    pubs = list(api_pubs(appeal).order_by("platform"))  # x last: close right after its timeout
    started = {}
    for pub in pubs:
        started[pub.pk] = time.monotonic()
        publication_dispatch(publication_id=pub.pk)
    lost = api_pubs(appeal).get(platform="x", state="pending")
    assert not lost.external_id
    appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
    takedown = Takedown.objects.get(publication_id=lost.pk)
    # The first look-up comes before the platform has created the post.
    assert not any(p["platform"] == "x" and p["id"] not in known_ids(appeal, lost) for p in live.platform.posts())
    services.takedown_attempt(takedown_id=takedown.pk, owner="inline")
    lost.refresh_from_db()
    assert lost.state != "withdrawn", "absence concluded while a create could still land"

    def late_posts() -> list[dict]:
        return [p for p in live.platform.posts("x", live=True) if p["id"] not in known_ids(appeal, lost)]

    def never_withdrawn_while_online() -> bool:
        state = Publication.objects.get(pk=lost.pk).state  # DB first, then the platform
        assert not (state == "withdrawn" and late_posts()), "withdrawn while the post is online"
        return False

    # Let the late create land, checking the invariant meanwhile.
    wait_until(never_withdrawn_while_online, timeout=max(0.0, 6.5 - (time.monotonic() - started[lost.pk])),
               interval=0.1)
    assert any(p["platform"] == "x" and p["id"] not in known_ids(appeal, lost) for p in live.platform.posts())
    live.worker(concurrency=2)
    assert wait_until(lambda: never_withdrawn_while_online() or all_api_withdrawn(appeal), timeout=60), describe(appeal)
    lost.refresh_from_db()
    assert lost.state == "withdrawn" and lost.external_id and lost.verified_absent_at
    assert late_posts() == []
    deletes = live.platform.delete_calls()
    assert deletes.get(lost.external_id) or deletes.get(lost.external_id.rsplit(":", 1)[-1])  # deleted via the API
    assert_gone_everywhere(appeal, live.platform)


def known_ids(appeal, lost) -> set[str]:
    """Remote ids of the publications other than `lost` (their posts are not the late one)."""
    ids = set()
    for external_id in api_pubs(appeal).exclude(pk=lost.pk).values_list("external_id", flat=True):
        if external_id:
            ids |= {external_id, external_id.rsplit(":", 1)[-1]}
    return ids
