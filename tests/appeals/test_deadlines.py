"""Confirmation deadlines per legal basis (R3), with the clock controlled."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fahndung.appeals import services
from fahndung.appeals.choices import IssuerType, Kind, LegalBasis, Status
from fahndung.appeals.deadlines import confirmation_due_at, issuer_problem
from fahndung.core import clock
from fahndung.core.errors import Conflict
from tests.factories import AppealFactory, LegalOrderFactory

BERLIN = ZoneInfo("Europe/Berlin")
DECIDED = datetime(2026, 3, 28, 22, 30, tzinfo=BERLIN)  # the night before the DST switch


@pytest.mark.parametrize(
    ("basis", "issuer", "emergency", "expected"),
    [
        (LegalBasis.STPO_131_3, IssuerType.POLICE, True, timedelta(hours=24)),
        (LegalBasis.STPO_131_3, IssuerType.PROSECUTOR, False, None),
        (LegalBasis.STPO_131_3, IssuerType.JUDGE, False, None),
        (LegalBasis.STPO_131A_3, IssuerType.PROSECUTOR, True, timedelta(days=7)),
        (LegalBasis.STPO_131A_3, IssuerType.POLICE, True, timedelta(days=7)),
        (LegalBasis.STPO_131A_3, IssuerType.JUDGE, False, None),
        (LegalBasis.STPO_131B_1, IssuerType.POLICE, True, timedelta(days=7)),
        (LegalBasis.STPO_131B_1, IssuerType.JUDGE, True, None),
        (LegalBasis.STPO_131B_2, IssuerType.PROSECUTOR, True, timedelta(days=7)),
        (LegalBasis.STPO_457_3, IssuerType.ENFORCEMENT, False, None),
        (LegalBasis.POLICE_LAW, IssuerType.POLICE, True, None),
    ],
)
def test_confirmation_deadline_per_basis(basis, issuer, emergency, expected):
    due = confirmation_due_at(legal_basis=basis, issuer_type=issuer, is_emergency=emergency, decided_at=DECIDED)
    if expected is None:
        assert due is None
    else:
        # Absolute duration: 24 h stay 24 h even across the switch to summer time.
        assert due - DECIDED == expected
        assert (due - DECIDED).total_seconds() == expected.total_seconds()


@pytest.mark.parametrize(
    ("basis", "issuer", "emergency", "ok"),
    [
        (LegalBasis.STPO_131_3, IssuerType.POLICE, False, False),
        (LegalBasis.STPO_131_3, IssuerType.POLICE, True, True),
        (LegalBasis.STPO_131B_1, IssuerType.PROSECUTOR, False, False),
        (LegalBasis.STPO_131B_1, IssuerType.PROSECUTOR, True, True),
        (LegalBasis.STPO_131B_1, IssuerType.ENFORCEMENT, True, False),
        (LegalBasis.STPO_457_3, IssuerType.POLICE, True, False),
    ],
)
def test_who_may_order(basis, issuer, emergency, ok):
    assert (issuer_problem(legal_basis=basis, issuer_type=issuer, is_emergency=emergency) is None) is ok


def _emergency_appeal(investigator, unit_a, decided_at):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.SUSPECT_KNOWN, legal_basis=LegalBasis.STPO_131_3,
                           urgent_suspicion=True, expires_at=decided_at + timedelta(days=30))
    services.appeal_update(
        actor=investigator, appeal_id=appeal.pk,
        order={"issuer_type": IssuerType.POLICE, "authority": "PP Stuttgart", "decision_number": "E-1",
               "decided_at": decided_at, "is_emergency": True},
    )
    appeal.refresh_from_db()
    return appeal


def test_service_stores_computed_deadline(investigator, unit_a):
    start = datetime(2026, 5, 4, 9, 0, tzinfo=BERLIN)
    with clock.frozen(start):
        appeal = _emergency_appeal(investigator, unit_a, start)
    assert appeal.order.confirmation_due_at == start + timedelta(hours=24)


def test_unconfirmed_emergency_order_blocks_publication_after_deadline(investigator, unit_a, press, liaison, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    start = datetime(2026, 5, 4, 9, 0, tzinfo=BERLIN)
    with clock.frozen(start):
        appeal = _emergency_appeal(investigator, unit_a, start)
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
        services.appeal_approve(actor=press, appeal_id=appeal.pk)
    with clock.frozen(start + timedelta(hours=24, seconds=1)):
        from fahndung.core.errors import ValidationFailed

        with pytest.raises(ValidationFailed, match="nicht fristgerecht bestätigt"):
            services.appeal_publish(actor=press, appeal_id=appeal.pk)
        with pytest.raises(Conflict, match="abgelaufen"):
            services.order_confirm(actor=liaison, appeal_id=appeal.pk, confirmed_by_name="OStA Müller",
                                   authority_type="prosecutor")
    appeal.refresh_from_db()
    assert appeal.status == Status.APPROVED


def test_confirmed_emergency_order_allows_publication_after_deadline(investigator, unit_a, press, liaison, settings):
    start = datetime(2026, 5, 4, 9, 0, tzinfo=BERLIN)
    with clock.frozen(start + timedelta(hours=23)):
        appeal = _emergency_appeal(investigator, unit_a, start)
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
        services.order_confirm(actor=liaison, appeal_id=appeal.pk, confirmed_by_name="OStA Müller",
                               authority_type="prosecutor", reference="StA 1 Js 1/26")
    with clock.frozen(start + timedelta(hours=30)):
        result = services.appeal_approve(actor=press, appeal_id=appeal.pk)
    assert result.status == Status.PUBLISHED
    assert result.order.confirmed_by_name == "OStA Müller"


def test_changing_the_order_resets_the_confirmation(investigator, unit_a, liaison):
    start = datetime(2026, 5, 4, 9, 0, tzinfo=BERLIN)
    with clock.frozen(start):
        appeal = _emergency_appeal(investigator, unit_a, start)
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
        services.order_confirm(actor=liaison, appeal_id=appeal.pk, confirmed_by_name="OStA Müller",
                               authority_type="prosecutor")
        services.appeal_update(actor=investigator, appeal_id=appeal.pk, order={"decided_at": start - timedelta(hours=1)})
    appeal.refresh_from_db()
    assert appeal.order.confirmed_at is None
    assert appeal.order.confirmation_due_at == start + timedelta(hours=23)


def test_order_without_deadline_needs_no_confirmation(appeal, liaison):
    LegalOrderFactory._meta.model.objects.filter(appeal=appeal).update(confirmation_due_at=None)
    services.appeal_submit(actor=appeal.owner, appeal_id=appeal.pk)
    with pytest.raises(Conflict, match="keine Bestätigung"):
        services.order_confirm(actor=liaison, appeal_id=appeal.pk, confirmed_by_name="OStA Müller",
                               authority_type="prosecutor")
