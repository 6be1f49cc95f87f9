"""Account health: states, one notification, takedown straight to a person, pacing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from fahndung.appeals import services as appeal_services
from fahndung.core import clock
from fahndung.lifecycle.models import ManualTakedownTask, Takedown
from fahndung.lifecycle.selectors import oldest_divergence_seconds
from fahndung.publishing import services, services_health
from fahndung.publishing.adapters.base import AccountProblem, AdapterError
from fahndung.publishing.models import AccountHealth, Publication
from fahndung.publishing.selectors import account_health_overview
from fahndung.publishing.states import State
from tests.accounts.helpers import verified_client

pytestmark = pytest.mark.django_db

RECONNECT = AdapterError("facebook: HTTP 400 (#190) Error validating access token", permanent=True,
                         account_problem=AccountProblem.RECONNECT_NEEDED)


@pytest.fixture
def published(appeal, publish_appeal, fake_platform):
    publish_appeal(appeal)
    return appeal


def test_unknown_account_problem_is_refused():
    with pytest.raises(ValueError):
        AdapterError("x", permanent=True, account_problem="broken")


def test_reconnect_needed_notifies_the_press_office_once(press, django_capture_on_commit_callbacks):
    press.email = "presse@polizei.example"
    press.save()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services_health.account_health_record(account="facebook:ppstuttgart", platform="facebook", error=RECONNECT)
    health = AccountHealth.objects.get(account="facebook:ppstuttgart")
    assert health.status == AccountHealth.Status.RECONNECT_NEEDED and health.notified_at is not None
    assert "neu verbinden" in health.last_error
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["presse@polizei.example"]
    assert "Neu verbinden nötig" in mail.outbox[0].subject
    # Fixed (a call succeeded), then broken again: that is a new problem, a new mail.
    services_health.account_health_ok(account="facebook:ppstuttgart")
    with django_capture_on_commit_callbacks(execute=True):
        services_health.account_health_record(account="facebook:ppstuttgart", platform="facebook", error=RECONNECT)
    assert len(mail.outbox) == 2


def test_throttle_does_not_hide_reconnect_and_expires(django_capture_on_commit_callbacks):
    throttle = AdapterError("Graph 80001", permanent=False, retry_after=120, account_problem=AccountProblem.THROTTLED)
    services_health.account_health_record(account="instagram:ppstuttgart", platform="instagram", error=throttle)
    assert 100 < services_health.account_throttled_for(account="instagram:ppstuttgart") <= 120
    services_health.account_health_ok(account="instagram:ppstuttgart")  # a lucky call does not lift it
    assert AccountHealth.objects.get(account="instagram:ppstuttgart").status == AccountHealth.Status.THROTTLED
    with django_capture_on_commit_callbacks(execute=True):
        services_health.account_health_record(account="instagram:ppstuttgart", platform="instagram", error=RECONNECT)
    services_health.account_health_record(account="instagram:ppstuttgart", platform="instagram", error=throttle)
    assert AccountHealth.objects.get(account="instagram:ppstuttgart").status == AccountHealth.Status.RECONNECT_NEEDED


def test_withdraw_on_a_reconnect_account_goes_to_a_person_without_any_call(
    published, press, fake_platform, django_capture_on_commit_callbacks,
):
    publication = Publication.objects.get(appeal=published, account="facebook:ppstuttgart")
    services_health.account_health_record(account="facebook:ppstuttgart", platform="facebook", error=RECONNECT)
    calls_before = len(fake_platform.store.requests)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    graph_calls = [r for r in fake_platform.store.requests[calls_before:] if r["platform"] == "facebook"]
    assert graph_calls == []  # no delete, no "verify" the account cannot answer truthfully
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAW_FAILED and publication.verified_absent_at is None
    task = ManualTakedownTask.objects.get(takedown__publication_id=publication.pk)
    assert task.url == publication.external_url and task.url  # the post's link for the person
    assert "Neu verbinden nötig" in Takedown.objects.get(publication_id=publication.pk).last_error
    assert fake_platform.posts("facebook", live=True)  # still online – and counted as diverging
    later = clock.now() + timedelta(minutes=5)
    assert oldest_divergence_seconds(now=later) >= 299


def test_throttled_account_waits_without_calls_or_used_attempts(published, press, fake_platform,
                                                               django_capture_on_commit_callbacks):
    throttle = AdapterError("Graph 80001", permanent=False, retry_after=600, account_problem=AccountProblem.THROTTLED)
    services_health.account_health_record(account="facebook:ppstuttgart", platform="facebook", error=throttle)
    publication = Publication.objects.get(appeal=published, account="facebook:ppstuttgart")
    calls_before = len(fake_platform.store.requests)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    assert [r for r in fake_platform.store.requests[calls_before:] if r["platform"] == "facebook"] == []
    takedown = Takedown.objects.get(publication_id=publication.pk)
    assert takedown.attempts == 0 and takedown.state == "pending"
    assert takedown.next_attempt_at >= clock.now() + timedelta(seconds=590)
    assert not ManualTakedownTask.objects.filter(takedown=takedown).exists()


def test_mass_takedown_is_paced_inside_the_delete_rate(appeal, publish_appeal, fake_platform, monkeypatch):
    from django.core.cache import cache

    from fahndung.core.ratelimit import rate_limit_hit

    monkeypatch.setenv("FAHNDUNG_PUBLISHING_DELETE_RATE_MASTODON", "1/3600")
    cache.clear()
    publish_appeal(appeal)
    publication = Publication.objects.get(appeal=appeal, account="mastodon:bund")
    assert rate_limit_hit("publishing:delete", "mastodon:bund", (1, 3600))  # an earlier delete used the budget
    with pytest.raises(AdapterError) as exc:
        services.publication_withdraw(publication_id=publication.pk)
    assert exc.value.account_problem == AccountProblem.THROTTLED and not exc.value.permanent
    assert exc.value.retry_after and exc.value.retry_after > 0
    assert fake_platform.delete_calls() == {}  # no DELETE beyond the platform's limit
    cache.clear()  # next window
    assert services.publication_withdraw(publication_id=publication.pk).status == "withdrawn"


def test_accounts_page_shows_state_and_german_error(published, press, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services_health.account_health_record(account="facebook:ppstuttgart", platform="facebook", error=RECONNECT)
    rows = {r.account: r for r in account_health_overview()}
    assert rows["facebook:ppstuttgart"].status == "reconnect_needed" and rows["x:lka"].status == "ok"
    client = Client(enforce_csrf_checks=True)
    client.cookies = verified_client(press).cookies  # OTP-verified session, CSRF enforced from here
    page = client.get("/staff/publishing/accounts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-account="facebook:ppstuttgart" data-status="reconnect_needed"' in html
    assert "Neu verbinden nötig" in html and "Zugangsschlüssel" in html
    assert client.post("/staff/publishing/accounts/reset/", {"account": "facebook:ppstuttgart"}).status_code == 403
    token = client.cookies["csrftoken"].value
    done = client.post("/staff/publishing/accounts/reset/", {"account": "facebook:ppstuttgart"},
                       HTTP_X_CSRFTOKEN=token)
    assert done.status_code == 302
    assert AccountHealth.objects.get(account="facebook:ppstuttgart").status == AccountHealth.Status.OK


def test_delete_pacing_stays_inside_sliding_platform_windows(monkeypatch):
    from fahndung.publishing import conf

    assert conf.delete_rate("x") == (25, 900)  # X: 50 per 15 min, half per fixed window
    assert conf.delete_rate("mastodon") == (15, 1800)
    assert conf.delete_rate("facebook")[0] == 0  # Graph: throttle read from the answers
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_DELETE_RATE_MASTODON", "30/60")
    assert conf.delete_rate("mastodon") == (15, 60)
