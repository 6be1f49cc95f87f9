"""Expiry, warnings, extension requests, emergency-order lapse (R3) and reviews (R8),
with a controlled clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from fahndung.appeals.choices import IssuerType, Kind, LegalBasis, Status
from fahndung.appeals.models import Appeal
from fahndung.core import clock
from fahndung.core.errors import Conflict, PermissionDenied, ValidationFailed
from fahndung.lifecycle import services
from fahndung.lifecycle.models import (
    ExpiryWarning,
    ExtensionRequest,
    ReviewState,
    ReviewTask,
    Takedown,
)
from fahndung.lifecycle.services import deadlines

pytestmark = pytest.mark.django_db


def test_expired_appeal_is_closed_by_the_sweep(published, make_pub, scripted):
    make_pub(published, "x")
    with clock.frozen(published.expires_at - timedelta(seconds=1)):
        assert services.deadlines_run()["expired"] == 0
    with clock.frozen(published.expires_at):
        assert services.deadlines_run()["expired"] == 1
    published.refresh_from_db()
    assert (published.status, published.close_reason) == (Status.CLOSED, "expired")
    assert published.events.last().actor is None  # system actor
    assert Takedown.objects.filter(appeal=published).count() == 1
    with clock.frozen(published.expires_at + timedelta(minutes=1)):
        assert services.deadlines_run()["expired"] == 0  # idempotent


def test_unpublished_drafts_are_not_closed(make_published):
    draft = make_published(status=Status.DRAFT)
    Appeal.objects.filter(pk=draft.pk).update(expires_at=clock.now() - timedelta(days=1))
    assert services.deadlines_run()["expired"] == 0
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_warning_sent_once_per_expiry_date(published, investigator, settings):
    settings.FAHNDUNG_EXPIRY_WARNING_DAYS = 7
    with clock.frozen(published.expires_at - timedelta(days=8)):
        assert deadlines.expiry_warnings_send(now=clock.now()) == 0
    with clock.frozen(published.expires_at - timedelta(days=6)):
        assert deadlines.expiry_warnings_send(now=clock.now()) == 1
        assert deadlines.expiry_warnings_send(now=clock.now()) == 0
    assert mail.outbox[0].to == [investigator.email]
    assert f"/staff/takedowns/verlaengern/{published.pk}/" in mail.outbox[0].body
    assert ExpiryWarning.objects.count() == 1


def test_emergency_order_not_confirmed_closes_with_order_lapsed(make_published, make_pub, scripted):
    decided = clock.now() - timedelta(hours=2)
    appeal = make_published(
        kind=Kind.SUSPECT_KNOWN, legal_basis=LegalBasis.STPO_131_3, urgent_suspicion=True,
        order={"issuer_type": IssuerType.POLICE, "is_emergency": True, "decided_at": decided,
               "confirmation_due_at": decided + timedelta(hours=24)},
    )
    make_pub(appeal, "x")
    with clock.frozen(decided + timedelta(hours=23)):
        assert services.deadlines_run()["orders_lapsed"] == 0
    with clock.frozen(decided + timedelta(hours=24)):
        assert services.deadlines_run()["orders_lapsed"] == 1
    appeal.refresh_from_db()
    assert (appeal.status, appeal.close_reason) == (Status.CLOSED, "order_lapsed")


def test_confirmed_emergency_order_does_not_lapse(make_published):
    decided = clock.now() - timedelta(hours=2)
    appeal = make_published(
        kind=Kind.SUSPECT_KNOWN, legal_basis=LegalBasis.STPO_131_3, urgent_suspicion=True,
        order={"issuer_type": IssuerType.POLICE, "is_emergency": True, "decided_at": decided,
               "confirmation_due_at": decided + timedelta(hours=24), "confirmed_at": decided + timedelta(hours=3)},
    )
    with clock.frozen(decided + timedelta(days=2)):
        assert services.deadlines_run()["orders_lapsed"] == 0
    appeal.refresh_from_db()
    assert appeal.status == Status.PUBLISHED


def test_review_task_created_and_overdue_review_closes(published, settings):
    settings.FAHNDUNG_REVIEW_DAYS = 180
    Appeal.objects.filter(pk=published.pk).update(expires_at=clock.now() + timedelta(days=400))
    services.deadlines_run()
    task = ReviewTask.objects.get(appeal=published)
    assert task.due_at == published.published_at + timedelta(days=180)
    assert services.deadlines_run()["reviews_created"] == 0
    with clock.frozen(task.due_at):
        result = services.deadlines_run()
    assert result["reviews_lapsed"] == 1
    task.refresh_from_db()
    published.refresh_from_db()
    assert task.state == ReviewState.LAPSED
    assert (published.status, published.close_reason) == (Status.CLOSED, "expired")


def test_protected_cases_get_the_short_interval(make_published, settings):
    settings.FAHNDUNG_REVIEW_DAYS_PROTECTED = 3
    appeal = make_published(is_victim=True)
    deadlines.reviews_ensure(now=clock.now())
    task = ReviewTask.objects.get(appeal=appeal)
    assert task.due_at == appeal.published_at + timedelta(days=3)


def test_recorded_review_schedules_the_next(published, liaison, investigator, settings):
    settings.FAHNDUNG_REVIEW_DAYS = 180
    deadlines.reviews_ensure(now=clock.now())
    with pytest.raises(PermissionDenied):
        services.review_record(actor=investigator, appeal_id=published.pk, note="x")
    with pytest.raises(ValidationFailed):
        services.review_record(actor=liaison, appeal_id=published.pk, note=" ")
    t0 = clock.now()
    with clock.frozen(t0):
        done = services.review_record(actor=liaison, appeal_id=published.pk, note="StA Müller bestätigt, Az 12 Js 1/26")
    assert done.state == ReviewState.DONE and done.recorded_by == liaison
    nxt = ReviewTask.objects.get(appeal=published, state=ReviewState.OPEN)
    assert nxt.due_at == t0 + timedelta(days=180)


def test_review_of_closed_appeal_is_cancelled(published, press):
    from fahndung.appeals.services import appeal_close

    deadlines.reviews_ensure(now=clock.now())
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    services.deadlines_run()
    assert ReviewTask.objects.get(appeal=published).state == ReviewState.OBSOLETE


def test_extension_of_published_appeal_needs_second_press_person(published, investigator, press, press2, django_capture_on_commit_callbacks):
    until = clock.now() + timedelta(days=120)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.extension_request(actor=investigator, appeal_id=published.pk, expires_at=until, reason="Neue Hinweise")
    assert sorted(mail.outbox[0].to) == sorted([press.email, press2.email])  # the press office is told
    assert isinstance(request, ExtensionRequest) and request.state == "pending"
    published.refresh_from_db()
    assert published.expires_at != until  # nothing changes before approval
    with pytest.raises(Conflict):
        services.extension_request(actor=investigator, appeal_id=published.pk, expires_at=until)
    with pytest.raises(PermissionDenied):
        services.extension_decide(actor=investigator, request_id=request.pk, approve=True)
    services.extension_decide(actor=press, request_id=request.pk, approve=True, note="ok")
    published.refresh_from_db()
    assert published.expires_at == until and published.status == Status.PUBLISHED


def test_extension_requester_cannot_approve_own_request(published, press):
    request = services.extension_request(actor=press, appeal_id=published.pk)
    with pytest.raises(PermissionDenied):
        services.extension_decide(actor=press, request_id=request.pk, approve=True)


def test_extension_limits(published, investigator):
    with pytest.raises(ValidationFailed):
        services.extension_request(actor=investigator, appeal_id=published.pk,
                                   expires_at=clock.now() + timedelta(days=500))
    with pytest.raises(ValidationFailed):
        services.extension_request(actor=investigator, appeal_id=published.pk,
                                   expires_at=published.expires_at - timedelta(days=1))


def test_extension_rejected_keeps_expiry(published, investigator, press):
    before = published.expires_at
    request = services.extension_request(actor=investigator, appeal_id=published.pk)
    services.extension_decide(actor=press, request_id=request.pk, approve=False, note="nicht begründet")
    published.refresh_from_db()
    assert published.expires_at == before
    request.refresh_from_db()
    assert request.state == "rejected"


def test_extension_of_approved_appeal_goes_back_to_approval(appeal, investigator, press):
    from fahndung.appeals.services import appeal_submit

    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.APPROVED)
    result = services.extension_request(actor=investigator, appeal_id=appeal.pk,
                                        expires_at=clock.now() + timedelta(days=150))
    assert isinstance(result, Appeal) and result.status == Status.SUBMITTED


def test_closed_appeal_cannot_be_extended(published, press, investigator):
    from fahndung.appeals.services import appeal_close

    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    with pytest.raises(Conflict):
        services.extension_request(actor=investigator, appeal_id=published.pk)
