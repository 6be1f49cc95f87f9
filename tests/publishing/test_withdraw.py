"""publication_withdraw and manual confirmation – the services the takedown builds on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.core import clock
from fahndung.core.errors import PermissionDenied, ValidationFailed
from fahndung.publishing import conf, services
from fahndung.publishing.adapters.base import AdapterError
from fahndung.publishing.models import ManualPublishTask, Publication
from fahndung.publishing.selectors import publications_diverging, publications_for_appeal
from fahndung.publishing.states import Desired, State


@pytest.fixture
def published(appeal, publish_appeal, fake_platform):
    publish_appeal(appeal)
    return appeal


def pub(appeal, account):
    return Publication.objects.get(appeal=appeal, account=account)


@pytest.mark.django_db
@pytest.mark.parametrize("account", ["x:lka", "facebook:ppstuttgart", "instagram:ppstuttgart", "mastodon:bund",
                                     "bluesky:ppstuttgart", "linkedin:ppstuttgart"])
def test_withdraw_deletes_and_verifies_once(account, published, fake_platform):
    publication = pub(published, account)
    outcome = services.publication_withdraw(publication_id=publication.pk)
    assert outcome.status == "withdrawn" and outcome.verified
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN and publication.desired_state == Desired.WITHDRAWN
    assert publication.verified_absent_at is not None and publication.withdrawn_at is not None
    assert fake_platform.delete_calls()[publication.external_id] == 1
    ops = list(publication.attempt_rows.values_list("operation", flat=True))
    assert ops.index("withdraw") < len(ops) - 1 and ops[-1] == "verify"  # delete, then check absence
    again = services.publication_withdraw(publication_id=publication.pk)
    assert again.status == "already_withdrawn"
    assert fake_platform.delete_calls()[publication.external_id] == 1  # no second delete


@pytest.mark.django_db
def test_post_deleted_by_hand_counts_as_withdrawn(published, fake_platform):
    publication = pub(published, "x:lka")
    fake_platform.store.delete(publication.external_id)  # someone deleted it in the X app
    assert services.publication_withdraw(publication_id=publication.pk).status == "withdrawn"
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN
    assert publication.attempt_rows.filter(operation="withdraw", http_status=404, outcome="ok").exists()


@pytest.mark.django_db
def test_transient_delete_error_raises_and_stays_withdrawing(published, fake_platform):
    publication = pub(published, "mastodon:bund")
    fake_platform.add_fault("mastodon", status=503, method="DELETE", count=1)
    with pytest.raises(AdapterError) as exc:
        services.publication_withdraw(publication_id=publication.pk)
    assert exc.value.permanent is False
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWING and publication.next_attempt_at > clock.now()
    assert publication in publications_diverging()
    assert services.publication_withdraw(publication_id=publication.pk).status == "withdrawn"


@pytest.mark.django_db
def test_delete_that_did_not_take_effect_is_not_withdrawn(published, fake_platform):
    publication = pub(published, "linkedin:ppstuttgart")
    # The platform answers 200 to the delete but the post is still there.
    fake_platform.add_fault("linkedin", status=200, method="DELETE", count=1)
    with pytest.raises(AdapterError) as exc:
        services.publication_withdraw(publication_id=publication.pk)
    assert "noch abrufbar" in exc.value.message
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWING and publication.verified_absent_at is None


def no_withdraw_tasks() -> bool:
    """Removing by hand is lifecycle's ManualTakedownTask; publishing never creates one."""
    return not ManualPublishTask.objects.filter(kind=ManualPublishTask.Kind.WITHDRAW).exists()


@pytest.mark.django_db
def test_permanent_delete_error_needs_a_person(published, fake_platform, press):
    publication = pub(published, "facebook:ppstuttgart")
    fake_platform.add_fault("facebook", status=401, method="DELETE", count=1)
    outcome = services.publication_withdraw(publication_id=publication.pk)
    assert outcome.status == "manual_required"
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAW_FAILED and publication.last_error_permanent
    assert no_withdraw_tasks()
    services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=press,
                                                 note="Im Facebook-Seitenmanager gelöscht, geprüft 10:15")
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN and publication.confirmed_by == press


@pytest.mark.django_db
def test_instagram_without_delete_right_goes_manual(appeal, publish_appeal, fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_INSTAGRAM_PPSTUTTGART_CAN_DELETE", "false")
    publish_appeal(appeal)
    publication = pub(appeal, "instagram:ppstuttgart")
    assert services.publication_withdraw(publication_id=publication.pk).status == "manual_required"
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAW_FAILED
    assert fake_platform.delete_calls() == {}
    # asking again gives the same answer, still without a call and without a publishing task
    assert services.publication_withdraw(publication_id=publication.pk).status == "manual_required"
    assert fake_platform.delete_calls() == {}
    assert no_withdraw_tasks()


@pytest.mark.django_db
def test_manual_channel_withdraw_needs_a_person(published, press):
    publication = pub(published, "whatsapp:ppstuttgart")
    assert services.publication_withdraw(publication_id=publication.pk).status == "manual_required"
    assert no_withdraw_tasks()
    # the channel's removal steps are offered to lifecycle's task
    from fahndung.publishing.selectors import withdraw_instructions

    steps = withdraw_instructions(account=publication.account)
    assert "WhatsApp-Kanal „Polizei Stuttgart (WhatsApp-Kanal)“ löschen" in steps
    assert withdraw_instructions(account="x:lka") == ""
    assert withdraw_instructions(account="whatsapp:gone") == ""


@pytest.mark.django_db
def test_mark_withdrawn_manually_needs_press_and_note(published, investigator, press):
    publication = pub(published, "whatsapp:ppstuttgart")
    with pytest.raises(PermissionDenied):
        services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=investigator, note="x")
    with pytest.raises(ValidationFailed):
        services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=press, note="  ")
    services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=press, note="Kanal geprüft")
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN and publication.confirmed_note == "Kanal geprüft"


@pytest.mark.django_db
def test_manual_publish_task_completion(published, press):
    publication = pub(published, "press:media")
    task = ManualPublishTask.objects.get(publication=publication, kind="publish")
    services.manual_task_complete(actor=press, task_id=task.pk, note="Versendet 09:12")
    publication.refresh_from_db()
    assert publication.state == State.PUBLISHED and publication.published_at is not None
    # withdrawing later needs a person (lifecycle's task), publishing adds no to-do of its own
    assert services.publication_withdraw(publication_id=publication.pk).status == "manual_required"
    assert no_withdraw_tasks()
    services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=press, note="Rücknahme versendet")
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN


@pytest.mark.django_db
def test_marking_withdrawn_cancels_an_open_publish_task(published, press):
    publication = pub(published, "whatsapp:ppstuttgart")
    task = ManualPublishTask.objects.get(publication=publication, kind="publish", status="open")
    services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=press, note="nie gepostet")
    task.refresh_from_db()
    assert task.status == ManualPublishTask.Status.CANCELLED and task.done_by == press


@pytest.mark.django_db
def test_legacy_withdraw_task_cannot_be_completed_in_publishing(published, press):
    from fahndung.core.errors import Conflict

    publication = pub(published, "whatsapp:ppstuttgart")
    legacy = ManualPublishTask.objects.create(publication=publication, kind="withdraw", instructions="x", text="y",
                                              created_at=clock.now())
    with pytest.raises(Conflict):
        services.manual_task_complete(actor=press, task_id=legacy.pk, note="gelöscht")
    assert Publication.objects.get(pk=publication.pk).state == State.AWAITING_MANUAL


@pytest.mark.django_db
def test_never_sent_publication_is_withdrawn_without_calls(appeal, publish_appeal, fake_platform):
    # A rejected post (400), not an account problem: a 401 marks the account "reconnect
    # needed", and takedowns on such an account go straight to a person.
    fake_platform.add_fault("linkedin", status=400, count=1)
    publish_appeal(appeal)
    publication = pub(appeal, "linkedin:ppstuttgart")
    assert publication.state == State.FAILED
    # Right after the attempt "not found" proves nothing yet (a create may still land).
    with pytest.raises(AdapterError) as exc:
        services.publication_withdraw(publication_id=publication.pk)
    assert not exc.value.permanent and exc.value.retry_after
    publication.refresh_from_db()
    assert publication.state == State.FAILED and publication.verified_absent_at is None
    assert publication.next_attempt_at is not None
    later = clock.now() + timedelta(seconds=conf.absent_settle_seconds() + 1)
    with clock.frozen(later):
        outcome = services.publication_withdraw(publication_id=publication.pk)
    assert outcome.status == "withdrawn" and outcome.verified
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN and publication.verified_absent_at == later
    # an attempt was made, so the platform was asked whether a post exists (it does not),
    # and asked again right before concluding (the verification)
    assert publication.attempt_rows.filter(operation="lookup").count() == 3


@pytest.mark.django_db
def test_absent_settle_window_follows_http_timeouts(monkeypatch):
    monkeypatch.setenv("FAHNDUNG_HTTP_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "10")
    monkeypatch.delenv("FAHNDUNG_PUBLISHING_ABSENT_MARGIN_SECONDS", raising=False)
    assert conf.absent_settle_seconds() == 3 + 10 + 2 * 10 + 5
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_ABSENT_MARGIN_SECONDS", "30")
    assert conf.absent_settle_seconds() == 3 + 10 + 2 * 10 + 30


@pytest.mark.django_db
@pytest.mark.parametrize("after", [False, True], ids=["lands-late", "answers-late"])
def test_timed_out_create_landing_later_is_deleted_never_concluded_absent(appeal, publish_appeal, fake_platform,
                                                                          after):
    """Our POST gives up after the 2 s read timeout; the platform takes 3 s – it creates
    the post after we gave up ("lands-late") or creates it at once and answers late
    ("answers-late"). A withdraw retried the way the reconciliation retries it must
    delete that post; the publication must never be "withdrawn" while the post exists."""
    import time

    fake_platform.add_fault("x", delay=3, after=after, method="POST", path_contains="/2/tweets", count=1)
    started = time.monotonic()
    publish_appeal(appeal)
    publication = Publication.objects.get(appeal=appeal, platform="x", state=State.PENDING)
    assert not publication.external_id
    services.publications_request_withdrawal(appeal=appeal, actor=None)

    # the other X account posted the same text successfully; only ours is of interest
    others = set(Publication.objects.filter(appeal=appeal).exclude(pk=publication.pk).values_list("external_id", flat=True))

    def live_posts() -> list[dict]:
        return [p for p in fake_platform.posts("x", live=True) if p["id"] not in others]

    outcomes = []
    while time.monotonic() - started < 12:
        try:
            outcomes.append(services.publication_withdraw(publication_id=publication.pk).status)
        except AdapterError as err:
            assert not err.permanent
            outcomes.append("retry")
        publication.refresh_from_db()
        if publication.state == State.WITHDRAWN:
            assert live_posts() == []
            break
        time.sleep(0.25)
    # Give a create still held by the platform time to land before judging.
    time.sleep(max(0.0, 3.5 - (time.monotonic() - started)))
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN, outcomes
    assert live_posts() == [], outcomes
    assert publication.external_id and fake_platform.delete_calls() == {publication.external_id: 1}
    assert publication.verified_absent_at is not None
    if not after:
        assert outcomes[0] == "retry"  # the first look-up came before the post existed


@pytest.mark.django_db
def test_lost_post_after_timeout_is_found_and_deleted(appeal, publish_appeal, fake_platform, monkeypatch):
    import time

    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "1")
    fake_platform.add_fault("x", delay=1.5, after=True, method="POST", path_contains="/2/tweets", count=1)
    publish_appeal(appeal)
    publication = Publication.objects.get(appeal=appeal, platform="x", state=State.PENDING)
    time.sleep(0.8)
    outcome = services.publication_withdraw(publication_id=publication.pk)
    assert outcome.status == "withdrawn" and outcome.verified
    publication.refresh_from_db()
    assert publication.external_id and publication.state == State.WITHDRAWN
    assert fake_platform.delete_calls() == {publication.external_id: 1}
    # and the dispatcher will not publish it again
    with clock.frozen(clock.now() + timedelta(hours=1)):
        assert services.publication_dispatch(publication_id=publication.pk).status == "noop"


@pytest.mark.django_db
def test_request_withdrawal_and_selectors(published):
    ids = services.publications_request_withdrawal(appeal=published, actor=None)
    assert set(ids) == set(publications_for_appeal(appeal=published).values_list("id", flat=True))
    assert publications_diverging().filter(appeal=published).count() == len(ids)
    assert Publication.objects.filter(appeal=published, desired_state=Desired.PUBLISHED).count() == 0


@pytest.mark.django_db
def test_withdraw_service_raises_transient_errors_then_verifies(published, fake_platform):
    from fahndung.publishing.adapters.base import AdapterError

    publication = pub(published, "bluesky:ppstuttgart")
    fake_platform.add_fault("bluesky", status=500, path_contains="deleteRecord", count=1)
    with pytest.raises(AdapterError) as failure:
        services.publication_withdraw(publication_id=publication.pk)
    assert not failure.value.permanent  # the caller's retry ledger tries again
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWING
    assert services.publication_withdraw(publication_id=publication.pk).status == "withdrawn"
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN and publication.verified_absent_at
