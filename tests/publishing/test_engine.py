"""Publishing engine end to end against the fake platform: approval publishes everywhere,
attempts are recorded, transient errors retry with backoff, permanent ones fail, a retried
publish never creates a second post, and a publish that lands after close is withdrawn."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from fahndung.core import clock
from fahndung.core.models import AuditEvent
from fahndung.publishing import services
from fahndung.publishing.models import ManualPublishTask, Publication, PublicationAttempt
from fahndung.publishing.selectors import publications_diverging
from fahndung.publishing.states import Desired, State
from fahndung.publishing.tasks import sweep_due_publications

API_ACCOUNTS = {
    "x:lka": "x", "facebook:ppstuttgart": "facebook", "instagram:ppstuttgart": "instagram",
    "mastodon:bund": "mastodon", "bluesky:ppstuttgart": "bluesky", "linkedin:ppstuttgart": "linkedin",
}
CREATE_PATH = {"bluesky:ppstuttgart": "createRecord", "instagram:ppstuttgart": "media_publish"}


def live(fake_platform, platform):
    return [p for p in fake_platform.posts(platform, live=True) if "threadgate" not in p["id"]]


def later(seconds: float = 3600):
    return clock.frozen(clock.now() + timedelta(seconds=seconds))


@pytest.mark.django_db
def test_approval_publishes_to_website_and_every_account(appeal, publish_appeal, fake_platform):
    publish_appeal(appeal)
    pubs = {p.account: p for p in Publication.objects.filter(appeal=appeal)}
    assert pubs["website:main"].state == State.PUBLISHED
    assert pubs["website:main"].external_url.endswith(f"/fahndung/{appeal.slug}/")
    for account, platform in API_ACCOUNTS.items():
        assert pubs[account].state == State.PUBLISHED, (account, pubs[account].last_error)
        assert pubs[account].external_id in {p["id"] for p in live(fake_platform, platform)}
        assert pubs[account].with_media is False  # link-only by default (R7)
        assert PublicationAttempt.objects.filter(publication=pubs[account], operation="publish", outcome="ok").exists()
    assert len(live(fake_platform, "x")) == 2  # two X accounts
    for account in ("whatsapp:ppstuttgart", "press:media"):
        assert pubs[account].state == State.AWAITING_MANUAL
        task = ManualPublishTask.objects.get(publication=pubs[account])
        assert task.status == "open" and appeal.slug in task.text and task.instructions
    assert AuditEvent.objects.filter(action="publication.published", appeal_id=appeal.pk).count() == 8  # 7 API accounts + website
    # every post text links to our page and carries no person data
    for post in live(fake_platform, ""):
        assert appeal.slug in post["text"] or (post["platform"] == "bluesky" and not post["text"])


@pytest.mark.django_db
def test_only_website_without_accounts(appeal, publish_appeal, no_accounts):
    publish_appeal(appeal)
    assert list(Publication.objects.filter(appeal=appeal).values_list("account", "state")) == [
        ("website:main", State.PUBLISHED)
    ]


@pytest.mark.django_db
def test_transient_error_backs_off_then_publishes(appeal, publish_appeal, fake_platform):
    fake_platform.add_fault("mastodon", status=500, count=1)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="mastodon:bund")
    assert pub.state == State.PENDING and pub.next_attempt_at > clock.now()
    assert "500" in pub.last_error and not pub.last_error_permanent
    assert services.publication_dispatch(publication_id=pub.pk).status == "noop"  # not due yet
    with later(60):
        assert services.publication_dispatch(publication_id=pub.pk).status == "published"
    pub.refresh_from_db()
    assert pub.state == State.PUBLISHED and pub.attempts == 2 and pub.last_error == ""
    outcomes = list(pub.attempt_rows.filter(operation="publish").values_list("outcome", "http_status"))
    assert outcomes[0] == ("transient", 500) and outcomes[-1][0] == "ok"
    assert len(live(fake_platform, "mastodon")) == 1


@pytest.mark.django_db
def test_rate_limit_reset_header_sets_next_attempt(appeal, publish_appeal, fake_platform):
    fake_platform.add_fault("x", status=429, reset_in=600, count=1)
    publish_appeal(appeal)
    pubs = Publication.objects.filter(appeal=appeal, platform="x", state=State.PENDING)
    assert pubs.count() == 1  # one of the two X accounts hit the limit
    assert pubs[0].next_attempt_at >= clock.now() + timedelta(seconds=550)


@pytest.mark.django_db
def test_permanent_error_fails_without_retry_and_staff_can_retry(appeal, publish_appeal, fake_platform, press):
    fake_platform.add_fault("linkedin", status=401, count=1)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="linkedin:ppstuttgart")
    assert pub.state == State.FAILED and pub.last_error_permanent and pub.attempts == 1
    with later():
        sweep_due_publications()
    pub.refresh_from_db()
    assert pub.state == State.FAILED and pub.attempts == 1  # the sweep never retries permanent errors
    services.publication_retry(actor=press, publication_id=pub.pk)
    services.publication_dispatch(publication_id=pub.pk)
    pub.refresh_from_db()
    assert pub.state == State.PUBLISHED


@pytest.mark.django_db
def test_retry_budget_ends_in_failed(appeal, publish_appeal, fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_MAX_ATTEMPTS", "3")
    fake_platform.add_fault("facebook", status=503, count=None, seconds=60)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="facebook:ppstuttgart")
    for hours in (1, 2, 3):
        with later(hours * 3600):
            services.publication_dispatch(publication_id=pub.pk)
    pub.refresh_from_db()
    assert pub.state == State.FAILED and pub.attempts == 3
    assert live(fake_platform, "facebook") == []


@pytest.mark.django_db
@pytest.mark.parametrize("account", list(API_ACCOUNTS))
def test_retry_after_timeout_creates_exactly_one_post(account, appeal, publish_appeal, fake_platform, monkeypatch, no_accounts):
    from fakeplatform import demo_env

    prefix = "FAHNDUNG_" + account.split(":")[0].upper() + "_" + account.split(":")[1].upper() + "_"
    for key, value in demo_env(fake_platform.url).items():
        if key.startswith(prefix):
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "1")
    if account.startswith("bluesky"):
        from fahndung.publishing.adapters.registry import adapter_for

        adapter_for(account)._session()  # log in first, so the fault hits the create call
    fake_platform.add_fault(API_ACCOUNTS[account], delay=1.5, after=True, method="POST", count=1,
                            path_contains=CREATE_PATH.get(account, ""))
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account=account)
    assert pub.state == State.PENDING and "Zeitüberschreitung" in pub.last_error
    time.sleep(0.8)  # the platform finishes the request we gave up on
    assert len(live(fake_platform, API_ACCOUNTS[account])) == 1
    with later(120):
        assert services.publication_dispatch(publication_id=pub.pk).status == "published"
    pub.refresh_from_db()
    posts = live(fake_platform, API_ACCOUNTS[account])
    assert len(posts) == 1, posts  # the retry adopted the lost post instead of posting again
    assert pub.external_id == posts[0]["id"]
    assert pub.attempt_rows.filter(outcome="transient").exists()


@pytest.mark.django_db
def test_publish_landing_after_close_is_withdrawn(appeal, publish_appeal, fake_platform, monkeypatch, no_accounts):
    from fahndung.publishing import services_remote
    from fakeplatform import demo_env

    for key, value in demo_env(fake_platform.url).items():
        if key.startswith("FAHNDUNG_MASTODON_"):
            monkeypatch.setenv(key, value)
    real_adapter = services_remote._adapter

    def closing_adapter(publication):
        adapter = real_adapter(publication)
        real_publish = adapter.publish

        def publish(payload):
            ref = real_publish(payload)
            if publication.platform == "mastodon":
                # The appeal is closed (another transaction) while the platform call runs.
                Publication.objects.filter(pk=publication.pk).update(desired_state=Desired.WITHDRAWN)
            return ref

        adapter.publish = publish
        return adapter

    monkeypatch.setattr(services_remote, "_adapter", closing_adapter)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="mastodon:bund")
    assert pub.state == State.WITHDRAWN and pub.desired_state == Desired.WITHDRAWN
    assert pub.verified_absent_at is not None
    assert live(fake_platform, "mastodon") == []
    assert fake_platform.delete_calls() == {pub.external_id: 1}


@pytest.mark.django_db
def test_expired_publishing_lease_is_redispatched_by_sweep(appeal, publish_appeal, fake_platform):
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="linkedin:ppstuttgart")
    # Simulate a worker that died after the platform accepted the post but before we stored the id.
    Publication.objects.filter(pk=pub.pk).update(state=State.PUBLISHING, external_id="", external_url="")
    with later(600):
        assert sweep_due_publications() == 1
    pub.refresh_from_db()
    assert pub.state == State.PUBLISHED
    assert len(live(fake_platform, "linkedin")) == 1
    assert pub.attempt_rows.filter(operation="lookup").exists()


@pytest.mark.django_db
def test_sweep_picks_up_due_pending_rows(appeal, publish_appeal, fake_platform):
    fake_platform.add_fault("bluesky", status=502, count=1)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="bluesky:ppstuttgart")
    assert pub.state == State.PENDING
    assert pub in publications_diverging()
    assert sweep_due_publications() == 0  # not due yet
    with later(3600):
        assert sweep_due_publications() == 1
    pub.refresh_from_db()
    assert pub.state == State.PUBLISHED
    assert pub not in publications_diverging()


@pytest.mark.django_db
def test_post_landing_after_publication_was_closed_is_deleted(appeal, publish_appeal, fake_platform, monkeypatch, no_accounts):
    """A publish call outlives its lease; meanwhile the takedown closed the row as withdrawn
    (nothing found). When the post appears after all, it is deleted, not left online."""
    from fahndung.publishing import services_remote
    from fakeplatform import demo_env

    for key, value in demo_env(fake_platform.url).items():
        if key.startswith("FAHNDUNG_LINKEDIN_"):
            monkeypatch.setenv(key, value)
    real_adapter = services_remote._adapter

    def slow_adapter(publication):
        adapter = real_adapter(publication)
        real_publish = adapter.publish

        def publish(payload):
            if publication.platform == "linkedin":
                # takedown ran while this call hung: the row is closed as withdrawn already
                with clock.frozen(clock.now() + timedelta(hours=1)):
                    services.publication_withdraw(publication_id=publication.pk)
            return real_publish(payload)

        adapter.publish = publish
        return adapter

    monkeypatch.setattr(services_remote, "_adapter", slow_adapter)
    publish_appeal(appeal)
    pub = Publication.objects.get(appeal=appeal, account="linkedin:ppstuttgart")
    assert pub.state == State.WITHDRAWN and pub.external_id
    assert live(fake_platform, "linkedin") == []
    assert fake_platform.delete_calls() == {pub.external_id: 1}
    assert AuditEvent.objects.filter(action="publication.orphan_removed").exists()
