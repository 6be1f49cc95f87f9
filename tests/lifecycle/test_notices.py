"""Distribution list and withdrawal notices (R9): wording by reason, e-mail after commit,
signed one-click acknowledgement, staff acknowledgement."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail

from fahndung.appeals.choices import Kind, LegalBasis
from fahndung.appeals.services import appeal_close
from fahndung.core import clock
from fahndung.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from fahndung.lifecycle import services
from fahndung.lifecycle.models import DistributionRecipient, WithdrawalNotice
from fahndung.lifecycle.services.notices import notice_ack_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipients(published, press):
    return [
        services.recipient_add(actor=press, appeal_id=published.pk, kind="media", name="Stuttgarter Zeitung",
                               email="Redaktion@Zeitung.example"),
        services.recipient_add(actor=press, appeal_id=published.pk, kind="poster_location", name="Hbf Aushang",
                               email="aushang@bahnhof.example", location="Hauptbahnhof, Gleis 1"),
    ]


def test_close_sends_one_notice_per_recipient(published, press, recipients, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    notices = list(WithdrawalNotice.objects.order_by("id"))
    assert [n.email for n in notices] == ["redaktion@zeitung.example", "aushang@bahnhof.example"]
    assert all(n.sent_at is not None and n.reason == "arrested" for n in notices)
    assert sorted(m.to[0] for m in mail.outbox) == ["aushang@bahnhof.example", "redaktion@zeitung.example"]
    body = mail.outbox[0].body
    assert "festgenommen" in body and "Bitte verwenden Sie die Fotos" in body
    assert published.file_number_police in body
    assert "/staff/takedowns/quittung/" in body


def test_notice_creation_is_part_of_the_closing_transaction(published, press, recipients):
    appeal_close(actor=press, appeal_id=published.pk, reason="identified")
    assert WithdrawalNotice.objects.count() == 2
    assert not WithdrawalNotice.objects.filter(sent_at__isnull=False).exists()  # sent after commit only
    assert services.deadlines_run()["notices_sent"] == 2  # the sweep sends what the task did not
    assert services.deadlines_run()["notices_sent"] == 0
    assert len(mail.outbox) == 2


def test_send_failure_is_recorded_and_retried(published, press, recipients, monkeypatch):
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    from fahndung.lifecycle.services import notices as module

    def boom(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(module, "send_mail", boom)
    notice = WithdrawalNotice.objects.first()
    assert services.notice_send(notice_id=notice.pk) is False
    notice.refresh_from_db()
    assert notice.sent_at is None and notice.send_attempts == 1 and "smtp down" in notice.last_error
    monkeypatch.undo()
    assert services.notice_send(notice_id=notice.pk) is True
    assert services.notice_send(notice_id=notice.pk) is False  # idempotent


@pytest.mark.parametrize(
    ("kind", "basis", "reason", "must", "must_not"),
    [
        (Kind.MISSING, LegalBasis.POLICE_LAW, "found_safe", ["wohlbehalten angetroffen", "keine weiteren Angaben"], ["festgenommen"]),
        (Kind.MISSING, LegalBasis.POLICE_LAW, "found_dead", ["beendet", "Rücksicht auf die Angehörigen"], ["tot aufgefunden", "Ursache"]),
        (Kind.SUSPECT_UNKNOWN, LegalBasis.STPO_131B_1, "order_lapsed", ["besteht nicht mehr", "nicht bestätigt"], []),
        (Kind.SUSPECT_UNKNOWN, LegalBasis.STPO_131B_1, "expired", ["beendet", "Medienhinweis"], []),
        (Kind.SUSPECT_UNKNOWN, LegalBasis.STPO_131B_1, "identified", ["identifiziert", "einem unbekannten Tatverdächtigen"], []),
    ],
)
def test_wording_by_reason(make_published, kind, basis, reason, must, must_not):
    from fahndung.lifecycle.services.wording import notice_text

    appeal = make_published(kind=kind, legal_basis=basis, place="Parkhaus am See, Ebene 3", district="Vaihingen")
    _subject, body = notice_text(appeal=appeal, reason=reason, org_name="PP Stuttgart")
    for text in must:
        assert text in body
    for text in must_not:
        assert text not in body
    assert "Parkhaus" not in body  # never the place of discovery or the crime scene detail


def test_name_only_when_order_allows(make_published):
    from fahndung.lifecycle.services.wording import notice_text

    appeal = make_published(kind=Kind.SUSPECT_KNOWN, legal_basis=LegalBasis.STPO_131_3, urgent_suspicion=True)
    person = appeal.persons.first()
    person.name = "Max Mustermann"
    person.published_fields = [*person.published_fields, "name"]
    person.save()
    assert "Mustermann" not in notice_text(appeal=appeal, reason="arrested", org_name="PP")[1]
    appeal.order.name_allowed = True
    appeal.order.save()
    appeal.refresh_from_db()
    assert "Mustermann" in notice_text(appeal=appeal, reason="arrested", org_name="PP")[1]


def test_one_click_acknowledgement(client, published, press, recipients):
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    notice = WithdrawalNotice.objects.first()
    url = f"/staff/takedowns/quittung/{notice_ack_token(notice)}/"
    response = client.get(url)  # a mail scanner's prefetch must not acknowledge
    assert response.status_code == 200 and b"<form" in response.content
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    response = client.post(url)
    assert response.status_code == 200 and "Vielen Dank" in response.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_via == "link" and notice.acknowledged_at is not None


def test_tampered_or_expired_ack_link_is_refused(client, published, press, recipients, settings):
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    notice = WithdrawalNotice.objects.first()
    token = notice_ack_token(notice)
    assert client.post(f"/staff/takedowns/quittung/{token[:-2]}xx/").status_code == 404
    with pytest.raises(NotFound):
        services.notice_acknowledge_by_token(token="garbage")
    settings.FAHNDUNG_ACK_LINK_DAYS = 0
    import time

    time.sleep(1.1)
    with pytest.raises(NotFound):
        services.notice_acknowledge_by_token(token=token)


def test_staff_acknowledgement(published, press, investigator2, recipients):
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    notice = WithdrawalNotice.objects.first()
    with pytest.raises(NotFound):  # another unit's investigator does not see the appeal
        services.notice_acknowledge(actor=investigator2, notice_id=notice.pk)
    services.notice_acknowledge(actor=press, notice_id=notice.pk, note="telefonisch bestätigt")
    notice.refresh_from_db()
    assert (notice.acknowledged_via, notice.acknowledged_by, notice.acknowledgement_note) == (
        "staff", press, "telefonisch bestätigt")


def test_recipient_added_after_closing_gets_the_notice_at_once(published, press, django_capture_on_commit_callbacks):
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    with django_capture_on_commit_callbacks(execute=True):
        services.recipient_add(actor=press, appeal_id=published.pk, kind="portal", name="Portal", email="p@portal.example")
    assert WithdrawalNotice.objects.get().sent_at is not None
    assert mail.outbox[0].to == ["p@portal.example"]


def test_recipient_validation_and_permissions(published, press, liaison, investigator):
    with pytest.raises(ValidationFailed):
        services.recipient_add(actor=press, appeal_id=published.pk, kind="media", name="X", email="not-an-email")
    with pytest.raises(ValidationFailed):
        services.recipient_add(actor=press, appeal_id=published.pk, kind="alien", name="X", email="x@x.example")
    with pytest.raises(PermissionDenied):
        services.recipient_add(actor=liaison, appeal_id=published.pk, kind="media", name="X", email="x@x.example")
    services.recipient_add(actor=investigator, appeal_id=published.pk, kind="media", name="X", email="x@x.example")
    with pytest.raises(Conflict):
        services.recipient_add(actor=press, appeal_id=published.pk, kind="media", name="X2", email="X@x.example")


def test_recipient_with_sent_notice_cannot_be_changed(published, press, recipients):
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    with pytest.raises(Conflict):
        services.recipient_remove(actor=press, recipient_id=recipients[0].pk)
    with pytest.raises(Conflict):
        services.recipient_update(actor=press, recipient_id=recipients[0].pk, name="Neu")
    assert DistributionRecipient.objects.count() == 2


def test_recipient_update_and_remove_before_closing(published, press, recipients):
    services.recipient_update(actor=press, recipient_id=recipients[0].pk, name="StZ Online", email="online@zeitung.example")
    recipients[0].refresh_from_db()
    assert (recipients[0].name, recipients[0].email) == ("StZ Online", "online@zeitung.example")
    with pytest.raises(ValidationFailed):
        services.recipient_update(actor=press, recipient_id=recipients[0].pk, colour="red")
    services.recipient_remove(actor=press, recipient_id=recipients[1].pk)
    assert DistributionRecipient.objects.count() == 1


def test_ack_link_in_mail_works(client, published, press, recipients, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    link = re.search(r"https?://[^/]+(/staff/takedowns/quittung/\S+)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 200
    assert WithdrawalNotice.objects.filter(acknowledged_at__isnull=False).count() == 1
    assert clock.now() - WithdrawalNotice.objects.get(acknowledged_at__isnull=False).acknowledged_at < timedelta(minutes=1)
