"""takedown_begin / takedown_attempt / takedowns_reconcile on SQLite, with publishing's
remote withdraw scripted (conftest.ScriptedPublishing)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.appeals.services import appeal_close
from fahndung.core import clock
from fahndung.core.models import AuditEvent
from fahndung.lifecycle import services
from fahndung.lifecycle.models import (
    ManualTakedownTask,
    ManualTaskReason,
    ManualTaskState,
    Takedown,
    TakedownState,
)
from fahndung.publishing.models import Publication

pytestmark = pytest.mark.django_db


def close(appeal, actor, reason="arrested", capture=None):
    if capture is None:
        return appeal_close(actor=actor, appeal_id=appeal.pk, reason=reason)
    with capture(execute=True):
        return appeal_close(actor=actor, appeal_id=appeal.pk, reason=reason)


def test_close_sets_desired_state_and_creates_takedowns(published, press, make_pub, scripted):
    x = make_pub(published, "x")
    masto = make_pub(published, "mastodon")
    whatsapp = make_pub(published, "whatsapp", channel="manual")
    close(published, press)
    assert set(Publication.objects.filter(appeal=published).values_list("desired_state", flat=True)) == {"withdrawn"}
    states = dict(Takedown.objects.values_list("publication_id", "state"))
    assert states == {x.pk: "pending", masto.pk: "pending", whatsapp.pk: "manual_required"}
    task = ManualTakedownTask.objects.get()
    assert task.reason == ManualTaskReason.NO_API
    assert task.deadline_at == task.created_at + timedelta(hours=2)
    assert "WhatsApp" in task.instructions and "Suchtext" in task.instructions
    assert AuditEvent.objects.filter(action="takedown.begin", appeal_id=published.pk).exists()
    assert scripted.calls == []  # nothing remote before commit


def test_close_enqueues_withdraws_after_commit(published, press, make_pub, scripted, django_capture_on_commit_callbacks):
    pubs = [make_pub(published, p) for p in ("x", "mastodon", "bluesky")]
    close(published, press, capture=django_capture_on_commit_callbacks)
    assert sorted(scripted.calls) == sorted(p.pk for p in pubs)
    assert set(Takedown.objects.values_list("state", flat=True)) == {"withdrawn"}
    for takedown in Takedown.objects.all():
        assert takedown.finished_at is not None and takedown.attempts == 1


def test_transient_failure_backs_off_then_succeeds(published, press, make_pub, scripted, settings):
    settings.FAHNDUNG_WITHDRAW_BACKOFF_SECONDS = 5
    pub = make_pub(published, "x")
    scripted.scripts[pub.pk] = ["transient", "transient", "ok"]
    close(published, press)
    takedown = Takedown.objects.get()
    t0 = clock.now()
    with clock.frozen(t0):
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="a") == "pending"
    takedown.refresh_from_db()
    assert takedown.attempts == 1 and "503" in takedown.last_error
    assert takedown.next_attempt_at == t0 + timedelta(seconds=5)
    with clock.frozen(t0 + timedelta(seconds=2)):  # too early: backoff respected
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="b") == "skipped"
    with clock.frozen(t0 + timedelta(seconds=6)):
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="c") == "pending"
    takedown.refresh_from_db()
    assert takedown.next_attempt_at == t0 + timedelta(seconds=6 + 10)  # doubled
    with clock.frozen(t0 + timedelta(seconds=17)):
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="d") == "withdrawn"
    assert scripted.calls == [pub.pk] * 3
    assert not ManualTakedownTask.objects.exists()


def test_backoff_honours_retry_after_and_cap(settings):
    from fahndung.lifecycle.services.takedown import _backoff

    settings.FAHNDUNG_WITHDRAW_BACKOFF_SECONDS = 5
    settings.FAHNDUNG_WITHDRAW_BACKOFF_MAX_SECONDS = 60
    assert [_backoff(n, None) for n in (1, 2, 3, 4, 5, 6)] == [5, 10, 20, 40, 60, 60]
    assert _backoff(1, 30) == 30
    assert _backoff(1, 3600) == 60


def test_budget_exhausted_creates_manual_task_and_later_success_resolves_it(published, press, make_pub, scripted, settings):
    settings.FAHNDUNG_WITHDRAW_MAX_ATTEMPTS = 2
    settings.FAHNDUNG_WITHDRAW_SLOW_RETRY_SECONDS = 900
    pub = make_pub(published, "x")
    scripted.default = "transient"
    close(published, press)
    takedown = Takedown.objects.get()
    now = clock.now()
    services.takedown_attempt(takedown_id=takedown.pk, owner="a")
    with clock.frozen(now + timedelta(minutes=5)):
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="b") == "manual_required"
    task = ManualTakedownTask.objects.get()
    assert task.reason == ManualTaskReason.BUDGET_EXHAUSTED and task.state == "open"
    assert pub.external_url in task.instructions
    # The API is still tried slowly; success closes the manual task automatically.
    scripted.default = "ok"
    with clock.frozen(now + timedelta(minutes=5, seconds=100)):  # slow retry not yet due
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="c0") == "skipped"
    with clock.frozen(now + timedelta(minutes=5, seconds=901)):
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="c") == "withdrawn"
    task.refresh_from_db()
    assert task.state == ManualTaskState.RESOLVED


def test_permanent_error_goes_to_manual_at_once(published, press, make_pub, scripted):
    pub = make_pub(published, "x")
    scripted.scripts[pub.pk] = ["manual"]
    close(published, press)
    takedown = Takedown.objects.get()
    assert services.takedown_attempt(takedown_id=takedown.pk, owner="a") == "manual_required"
    task = ManualTakedownTask.objects.get()
    assert task.reason == ManualTaskReason.PERMANENT_ERROR and "401" in task.instructions


def test_post_still_present_after_withdraw_is_not_withdrawn(published, press, make_pub, scripted):
    pub = make_pub(published, "x")
    scripted.scripts[pub.pk] = ["still_there"]
    close(published, press)
    takedown = Takedown.objects.get()
    assert services.takedown_attempt(takedown_id=takedown.pk, owner="a") == "pending"
    takedown.refresh_from_db()
    assert "noch im Zustand" in takedown.last_error
    assert Publication.objects.get(pk=pub.pk).state == "published"


def test_live_lease_blocks_other_owner_but_redelivery_takes_over(published, press, make_pub, scripted, settings):
    settings.FAHNDUNG_WITHDRAW_LEASE_SECONDS = 120
    make_pub(published, "x")
    close(published, press)
    takedown = Takedown.objects.get()
    from fahndung.lifecycle.services.takedown import _claim

    assert _claim(takedown.pk, "task-1") is not None  # worker 1 claims, then dies
    assert services.takedown_attempt(takedown_id=takedown.pk, owner="task-2") == "skipped"
    # The same message redelivered (same task id) may take over at once.
    assert services.takedown_attempt(takedown_id=takedown.pk, owner="task-1") == "withdrawn"


def test_reconcile_recovers_expired_lease(published, press, make_pub, scripted, settings):
    settings.FAHNDUNG_WITHDRAW_LEASE_SECONDS = 60
    make_pub(published, "x")
    close(published, press)
    takedown = Takedown.objects.get()
    from fahndung.lifecycle.services.takedown import _claim

    t0 = clock.now()
    with clock.frozen(t0):
        _claim(takedown.pk, "dead-worker")
        assert services.takedowns_reconcile(dispatch=False)["due"] == 0  # lease alive
    with clock.frozen(t0 + timedelta(seconds=61)):
        result = services.takedowns_reconcile()  # eager: the enqueued task runs here
    assert result["due"] == 1 and result["enqueued"] == 1
    takedown.refresh_from_db()
    assert takedown.state == TakedownState.WITHDRAWN


def test_reconcile_does_not_reenqueue_while_dispatched(published, press, make_pub, scripted, monkeypatch):
    make_pub(published, "x")
    close(published, press)
    from fahndung.lifecycle.services import takedown as module

    sent = []
    monkeypatch.setattr(module, "takedown_dispatch", lambda *, takedown_ids, countdown=None: sent.append(list(takedown_ids)) or len(takedown_ids))
    t0 = clock.now()
    with clock.frozen(t0):
        assert services.takedowns_reconcile()["due"] == 1
    with clock.frozen(t0 + timedelta(seconds=30)):
        assert services.takedowns_reconcile()["due"] == 0
    with clock.frozen(t0 + timedelta(seconds=200)):  # message lost: dispatched mark expired
        assert services.takedowns_reconcile()["due"] == 1
    assert len(sent) == 2


def test_dispatch_failure_clears_marks_so_the_sweep_retries(published, press, make_pub, monkeypatch):
    make_pub(published, "x")
    make_pub(published, "mastodon")
    close(published, press)
    from fahndung.lifecycle import tasks

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.withdraw_publication, "apply_async", broken)
    result = services.takedowns_reconcile()
    assert result["due"] == 2 and result["enqueued"] == 0
    assert not Takedown.objects.filter(dispatched_until__isnull=False).exists()


def test_publish_after_close_is_withdrawn_by_the_sweep(published, press, make_pub, scripted):
    close(published, press)
    assert not Takedown.objects.exists()
    # A publish that was in flight finishes after the close: desired withdrawn, actual published.
    late = make_pub(published, "x")
    Publication.objects.filter(pk=late.pk).update(desired_state="withdrawn")
    result = services.takedowns_reconcile()
    assert result["created"] == 1
    assert Takedown.objects.get(publication_id=late.pk).state == TakedownState.WITHDRAWN


def test_publication_never_sent_is_handled_without_remote_call(published, press, make_pub, scripted):
    pending = make_pub(published, "x", state="pending")
    close(published, press)
    takedown = Takedown.objects.get(publication_id=pending.pk)
    assert takedown.state == "pending"
    services.takedown_attempt(takedown_id=takedown.pk, owner="a")
    assert scripted.calls == [pending.pk]  # publishing decides; it cancels locally


def test_already_withdrawn_publication_gets_finished_record(published, press, make_pub, scripted):
    make_pub(published, "x", state="withdrawn")
    close(published, press)
    assert Takedown.objects.get().state == TakedownState.WITHDRAWN
    assert scripted.calls == []


def test_system_close_works_without_actor(published, make_pub, scripted):
    make_pub(published, "x")
    appeal_close(actor=None, appeal_id=published.pk, reason="expired")
    assert Takedown.objects.count() == 1
    assert AuditEvent.objects.get(action="takedown.begin").actor_label == "system"


def test_close_deletes_public_copies_and_refreshes_the_public_page(published, press, client):
    before = client.get(f"/fahndung/{published.slug}/")
    assert before.status_code == 200 and "erledigt" not in before.content.decode().lower()
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    # imaging.public_renditions_delete ran in the closing transaction (its audit row) …
    assert AuditEvent.objects.filter(action="photo.public_delete", appeal_id=published.pk).exists()
    # … and the cached page was invalidated: the neutral notice shows at once.
    after = client.get(f"/fahndung/{published.slug}/")
    assert "erledigt" in after.content.decode().lower()
