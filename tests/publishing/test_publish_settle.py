"""A retried publish never creates a second post, also when the create lands late.

X, Facebook and LinkedIn have no idempotency key: after a create whose outcome is unknown
(timeout), the retry must wait the settle window (conf.absent_settle_seconds) before it
looks the post up and, only if still absent, creates it. Errors answered at once (500)
keep the short backoff."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from fahndung.core import clock
from fahndung.publishing import conf, services
from fahndung.publishing.models import Publication
from fahndung.publishing.states import State
from fahndung.publishing.tasks import sweep_due_publications

CREATE_PATH = {"x": "/2/tweets", "facebook": "", "linkedin": "/rest/posts"}
ACCOUNTS = {"x": "x:lka", "facebook": "facebook:ppstuttgart", "linkedin": "linkedin:ppstuttgart"}


def _only_account(monkeypatch, fake_platform, account: str) -> None:
    from fakeplatform import demo_env

    platform, name = account.split(":")
    prefix = f"FAHNDUNG_{platform.upper()}_{name.upper()}_"
    for key, value in demo_env(fake_platform.url).items():
        if key.startswith(prefix):
            monkeypatch.setenv(key, value)


@pytest.mark.django_db
@pytest.mark.parametrize("platform", list(ACCOUNTS))
def test_create_landing_after_timeout_ends_with_exactly_one_post(platform, appeal, publish_appeal, fake_platform,
                                                                  monkeypatch, no_accounts):
    """The client gives up after 1 s; the platform creates the post only after 3 s. The
    sweep runs every 0.25 s with a 1 s backoff: without the settle window (1 + 1 + 2 × 1 + 0
    = 4 s) the retry's look-up at ~2 s finds nothing and posts a second time."""
    _only_account(monkeypatch, fake_platform, ACCOUNTS[platform])
    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("FAHNDUNG_HTTP_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_ABSENT_MARGIN_SECONDS", "0")
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_BACKOFF_SECONDS", "1")
    assert conf.absent_settle_seconds() == 4
    fake_platform.add_fault(platform, delay=3, after=False, method="POST", path_contains=CREATE_PATH[platform],
                            count=1)
    started = time.monotonic()
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account=ACCOUNTS[platform])
    assert pub.state == State.PENDING and "Zeitüberschreitung" in pub.last_error
    assert fake_platform.posts(platform, live=True) == []  # not landed yet
    # honest schedule: not before the window is over (counted from the timed-out call)
    assert pub.next_attempt_at >= clock.now() + timedelta(seconds=2.5)

    while time.monotonic() - started < 10:
        sweep_due_publications()
        pub.refresh_from_db()
        if pub.state == State.PUBLISHED:
            break
        time.sleep(0.25)
    # let a create the platform might still hold land before judging
    time.sleep(max(0.0, 3.5 - (time.monotonic() - started)))
    pub.refresh_from_db()
    posts = fake_platform.posts(platform, live=True)
    assert len(posts) == 1, posts
    assert pub.state == State.PUBLISHED and pub.external_id == posts[0]["id"]
    assert pub.attempt_rows.filter(operation="publish").count() == 1  # one create call, adopted by look-up
    assert pub.attempt_rows.filter(operation="lookup", outcome="ok").exists()


@pytest.mark.django_db
def test_dispatch_inside_window_does_not_create(appeal, publish_appeal, fake_platform, monkeypatch, no_accounts):
    """Even when the row is made due early (staff retry, a Celery countdown), a dispatch
    inside the window sends no create; it reschedules for the end of the window."""
    _only_account(monkeypatch, fake_platform, "linkedin:ppstuttgart")
    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("FAHNDUNG_HTTP_CONNECT_TIMEOUT", "1")
    fake_platform.add_fault("linkedin", delay=1.5, after=False, method="POST", path_contains="/rest/posts", count=1)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="linkedin:ppstuttgart")
    assert pub.state == State.PENDING
    Publication.objects.filter(pk=pub.pk).update(next_attempt_at=clock.now())
    outcome = services.publication_dispatch(publication_id=pub.pk)
    assert outcome.status == "retry" and 0 < outcome.retry_in <= conf.absent_settle_seconds()
    pub.refresh_from_db()
    assert pub.state == State.PENDING and pub.attempts == 1
    assert pub.next_attempt_at > clock.now()
    assert pub.attempt_rows.filter(operation="publish").count() == 1
    time.sleep(0.8)  # the held create lands
    with clock.frozen(clock.now() + timedelta(seconds=conf.absent_settle_seconds() + 1)):
        assert services.publication_dispatch(publication_id=pub.pk).status == "published"
    pub.refresh_from_db()
    posts = fake_platform.posts("linkedin", live=True)
    assert len(posts) == 1 and pub.external_id == posts[0]["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("platform", ["x", "linkedin"])
def test_immediate_500_keeps_short_backoff(platform, appeal, publish_appeal, fake_platform, monkeypatch, no_accounts):
    """A 500 answered at once created nothing: the retry comes after the normal backoff
    (5 s), well inside the settle window (2 + 2 + 2 × 2 + 5 = 13 s)."""
    _only_account(monkeypatch, fake_platform, ACCOUNTS[platform])
    fake_platform.add_fault(platform, status=500, method="POST", path_contains=CREATE_PATH[platform], count=1)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account=ACCOUNTS[platform])
    assert pub.state == State.PENDING and "500" in pub.last_error
    assert pub.next_attempt_at <= clock.now() + timedelta(seconds=conf.backoff_seconds(1) + 1)
    assert conf.backoff_seconds(1) + 1 < conf.absent_settle_seconds()
    with clock.frozen(clock.now() + timedelta(seconds=conf.backoff_seconds(1) + 1)):
        assert services.publication_dispatch(publication_id=pub.pk).status == "published"
    pub.refresh_from_db()
    posts = fake_platform.posts(platform, live=True)
    assert len(posts) == 1 and pub.external_id == posts[0]["id"]
