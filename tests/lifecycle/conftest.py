"""Fixtures of the lifecycle tests: published appeals, publication rows, a scripted
stand-in for publishing's remote withdraw (unit tests only; the reliability tests
use the real publishing services against the fake platform server)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from fahndung.core import clock

_keys = itertools.count(1)






@pytest.fixture
def make_pub():
    """make_pub(appeal, platform="x", channel="api", state="published") -> Publication row."""
    from fahndung.publishing.models import Publication

    def make(appeal, platform: str = "x", *, channel: str = "api", state: str = "published", account: str = ""):
        n = next(_keys)
        return Publication.objects.create(
            appeal=appeal, platform=platform, account=account or f"{platform}:acc{n}", account_label=f"{platform} Konto",
            channel=channel, state=state, external_id=f"ext-{n}", external_url=f"https://example.invalid/{platform}/{n}",
            text=f"FAHNDUNG: Raub in der Königstraße – Hinweise an die Polizei ({n})", idempotency_key=f"key-{n}",
        )

    return make


@dataclass
class ScriptedPublishing:
    """Outcomes per publication id: "ok", "transient", "manual" (publishing gave up:
    permanent error), "still_there", "in_flight"."""

    scripts: dict[int, list[str]] = field(default_factory=dict)
    default: str = "ok"
    calls: list[int] = field(default_factory=list)
    manual: list[tuple[int, str]] = field(default_factory=list)

    def withdraw(self, *, publication_id: int):
        from fahndung.lifecycle import publishing_port as port
        from fahndung.publishing.adapters.base import AdapterError
        from fahndung.publishing.models import Publication

        self.calls.append(publication_id)
        script = self.scripts.get(publication_id, [])
        outcome = script.pop(0) if script else self.default
        if outcome == "transient":
            raise AdapterError("x: HTTP 503 Service Unavailable", permanent=False, retry_after=None, http_status=503)
        if outcome == "manual":
            Publication.objects.filter(pk=publication_id).update(
                state="withdraw_failed", last_error="x: HTTP 401 Unauthorized", last_error_permanent=True
            )
            return "manual_required", port.publication_get(publication_id=publication_id)
        if outcome == "ok":
            now = clock.now()
            Publication.objects.filter(pk=publication_id).update(
                state="withdrawn", withdrawn_at=now, verified_absent_at=now
            )
            return "withdrawn", port.publication_get(publication_id=publication_id)
        if outcome == "in_flight":
            return "in_flight", port.publication_get(publication_id=publication_id)
        return "withdrawn", port.publication_get(publication_id=publication_id)  # still_there: lies

    def mark_withdrawn_manually(self, *, publication_id: int, actor, note: str) -> None:
        from fahndung.publishing.models import Publication

        self.manual.append((publication_id, note))
        Publication.objects.filter(pk=publication_id).update(
            state="withdrawn", withdrawn_at=clock.now(), confirmed_by=actor, confirmed_note=note
        )


@pytest.fixture
def scripted(monkeypatch):
    from fahndung.lifecycle import publishing_port as port

    fake = ScriptedPublishing()
    monkeypatch.setattr(port, "withdraw", fake.withdraw)
    monkeypatch.setattr(port, "mark_withdrawn_manually", fake.mark_withdrawn_manually)
    return fake


@pytest.fixture
def staff_client():
    from tests.accounts.helpers import verified_client

    return verified_client


@pytest.fixture
def press_lead(db):
    from fahndung.accounts.models import StaffProfile
    from fahndung.accounts.roles import PRESS_OFFICE
    from tests.factories import UserFactory

    user = UserFactory(username="presslead", roles=[PRESS_OFFICE], unit=None)
    StaffProfile.objects.filter(user=user).update(is_press_lead=True)
    return user


@pytest.fixture
def duty_officer(db):
    from fahndung.accounts.models import StaffProfile
    from tests.factories import UserFactory

    user = UserFactory(username="duty", roles=[], unit=None)
    StaffProfile.objects.filter(user=user).update(is_duty_officer=True)
    return user


# --- real services (PostgreSQL, Redis, worker processes, fake platforms) ------------------

FAST_ENV = {
    # Short backoffs so fault/recovery scenarios finish in seconds; the sweep is driven
    # by the test (every ~1 s) instead of beat's 60 s.
    "FAHNDUNG_WITHDRAW_BACKOFF_SECONDS": "1",
    "FAHNDUNG_WITHDRAW_BACKOFF_MAX_SECONDS": "2",
    "FAHNDUNG_WITHDRAW_FAST_RETRY_SECONDS": "2",
    "FAHNDUNG_WITHDRAW_MAX_ATTEMPTS": "6",
    "FAHNDUNG_WITHDRAW_LEASE_SECONDS": "120",
    "FAHNDUNG_WITHDRAW_SLOW_RETRY_SECONDS": "3",
    "FAHNDUNG_PUBLISHING_BACKOFF_SECONDS": "1",
    "FAHNDUNG_PUBLISHING_BACKOFF_MAX_SECONDS": "2",
}


@pytest.fixture
def live_broker(redis_broker, settings, monkeypatch):
    """Point this process's Celery app at the private Redis (tasks really go through the
    broker, not eager) and restore the eager test setup afterwards."""
    from fahndung.celery import app

    for key, value in FAST_ENV.items():
        monkeypatch.setenv(key, value)

    def reset_pools():
        import contextlib

        from kombu import pools

        with contextlib.suppress(Exception):  # best effort: a dead broker cannot be closed cleanly
            pools.reset()  # kombu keeps process-wide pools keyed by broker URL
        app._pool = None
        app.amqp._producer_pool = None

    previous = (app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_broker.url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    reset_pools()
    yield redis_broker
    reset_pools()
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = previous


@pytest.fixture
def live(live_broker, celery_worker, fake_platform, transactional_db):
    """live.worker() starts a worker on the private broker (env with fast backoffs and
    the fake platform accounts); live.platform is the FakePlatform."""
    import os

    from django.contrib.auth.models import Group

    from fahndung.accounts.roles import ALL_ROLES

    # transactional_db flushes tables between tests, including the role groups that a
    # data migration created; the personas need them.
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)

    class Live:
        broker = live_broker
        platform = fake_platform

        @staticmethod
        def worker(concurrency: int = 2, env: dict[str, str] | None = None):
            full = {k: os.environ[k] for k in os.environ if k.startswith("FAHNDUNG_")}
            return celery_worker(live_broker.url, concurrency=concurrency, env={**full, **(env or {})})

    return Live()
