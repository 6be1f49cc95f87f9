"""Real processes: PostgreSQL, a private Redis broker, Celery workers and the fake platform.
A worker killed (SIGKILL) in the middle of a platform call must not lead to a second post:
the sweep re-dispatches after the lease, the new worker finds the post the dead one made.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/fahndung_publishing uv run pytest tests/publishing -m services
"""

from __future__ import annotations

import signal
import time

import pytest

from fahndung.appeals.services import appeal_approve, appeal_submit
from fahndung.publishing.models import Publication
from fahndung.publishing.states import State
from tests.factories import AppealFactory, LegalOrderFactory

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_worker_killed_mid_publish_leaves_exactly_one_post(
    pg_required, redis_broker, celery_worker, fake_platform, monkeypatch, investigator, unit_a, press, no_accounts,
):
    from fahndung.celery import app
    from fahndung.publishing import services
    from fakeplatform import demo_env

    env = {k: v for k, v in demo_env(fake_platform.url).items() if k.startswith("FAHNDUNG_X_LKA_")}
    # lease = max(2, 3 × (1 + 5) + 5) = 23 s: longer than any request a dead worker left in flight
    env.update({"FAHNDUNG_PUBLISHING_LEASE_SECONDS": "2", "FAHNDUNG_HTTP_TIMEOUT": "5",
                "FAHNDUNG_HTTP_CONNECT_TIMEOUT": "1"})
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def send(name: str, *args) -> None:
        with app.connection_for_write(redis_broker.url) as conn:
            app.send_task(name, args=list(args), connection=conn)

    # Enqueue to the real broker instead of running eagerly in this process.
    monkeypatch.setattr(services, "_enqueue_publish",
                        lambda ids: [send("fahndung.publishing.tasks.publish_publication", pk) for pk in ids])
    # The platform takes 4 s before it creates the post; the worker dies meanwhile.
    fault = fake_platform.add_fault("x", delay=4, method="POST", path_contains="/2/tweets", count=1)
    worker = celery_worker(redis_broker.url, env=env)
    appeal = AppealFactory(owner=investigator, unit=unit_a)
    LegalOrderFactory(appeal=appeal)
    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    appeal_approve(actor=press, appeal_id=appeal.pk, checklist={})
    pub = Publication.objects.get(appeal=appeal, account="x:lka")
    assert wait_for(lambda: Publication.objects.get(pk=pub.pk).state == State.PUBLISHING, 30), worker.output()
    # Kill only once the create request has reached the platform (the fault is consumed).
    assert wait_for(lambda: fault.count == 0, 30), worker.output()
    worker.kill(signal.SIGKILL)
    assert wait_for(lambda: len(fake_platform.posts("x", live=True)) == 1, 10)  # the platform did post
    assert Publication.objects.get(pk=pub.pk).external_id == ""  # but we never learned the id

    # The parent re-queues the lost task at once (reject_on_worker_lost); within the lease it
    # must not publish again. Afterwards the sweep re-dispatches and the lookup adopts the post.
    time.sleep(3)
    assert Publication.objects.get(pk=pub.pk).state == State.PUBLISHING
    assert len(fake_platform.posts("x", live=True)) == 1
    worker2 = celery_worker(redis_broker.url, env=env)

    def swept_and_published() -> bool:
        send("fahndung.publishing.tasks.sweep_due_publications")
        return wait_for(lambda: Publication.objects.get(pk=pub.pk).state == State.PUBLISHED, 2)

    assert wait_for(swept_and_published, 60), worker.output() + worker2.output()
    pub.refresh_from_db()
    posts = fake_platform.posts("x", live=True)
    assert len(posts) == 1, posts  # exactly one post
    assert pub.external_id == posts[0]["id"]
    assert pub.attempt_rows.filter(operation="lookup", outcome="ok").exists()
