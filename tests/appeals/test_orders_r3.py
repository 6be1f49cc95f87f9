"""Orders (issue 10, finding 4; R3): no order from the future, a lapsed emergency order stays
lapsed, confirmations name the confirming authority the basis requires and are recorded only
by the prosecutor liaison; every output checks the order itself (no wait for the sweep)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.appeals import services
from fahndung.appeals.choices import IssuerType, LegalBasis
from fahndung.appeals.models import Appeal, LegalOrder
from fahndung.appeals.selectors import appeal_is_publicly_showable
from fahndung.core import clock
from fahndung.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.factories import AppealFactory, LegalOrderFactory

pytestmark = pytest.mark.django_db


def _order_data(**fields):
    data = {"issuer_type": IssuerType.JUDGE, "authority": "Amtsgericht Stuttgart", "decision_number": "Gs 9/26",
            "decided_at": clock.now() - timedelta(hours=1)}
    data.update(fields)
    return data


def test_order_dated_in_the_future_is_refused(appeal, investigator):
    with pytest.raises(ValidationFailed) as info:
        services.appeal_update(actor=investigator, appeal_id=appeal.pk,
                               order=_order_data(decided_at=clock.now() + timedelta(days=60)))
    assert "Zukunft" in " ".join(info.value.fields["order.decided_at"])
    # a small clock skew is fine
    services.appeal_update(actor=investigator, appeal_id=appeal.pk,
                           order=_order_data(decided_at=clock.now() + timedelta(minutes=2)))


def _lapsed_emergency(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind="suspect_unknown", legal_basis=LegalBasis.STPO_131B_1)
    decided = clock.now() - timedelta(days=8)
    LegalOrderFactory(appeal=appeal, issuer_type=IssuerType.PROSECUTOR, is_emergency=True, decided_at=decided,
                      confirmation_due_at=decided + timedelta(days=7))
    return appeal


def test_lapsed_emergency_order_cannot_be_redated(investigator, unit_a):
    appeal = _lapsed_emergency(investigator, unit_a)
    number = appeal.order.decision_number
    with pytest.raises(Conflict, match="erloschen"):
        services.appeal_update(actor=investigator, appeal_id=appeal.pk, order=_order_data(
            issuer_type=IssuerType.PROSECUTOR, is_emergency=True, decision_number=number,
            decided_at=clock.now() - timedelta(hours=1)))
    appeal.order.refresh_from_db()
    assert appeal.order.decided_at < clock.now() - timedelta(days=7)


def test_new_order_after_a_lapse_is_a_new_row(investigator, unit_a):
    appeal = _lapsed_emergency(investigator, unit_a)
    old_pk = appeal.order.pk
    services.appeal_update(actor=investigator, appeal_id=appeal.pk, order=_order_data(decision_number="Gs 77/26"))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.order.pk != old_pk and appeal.order.decision_number == "Gs 77/26"
    former = LegalOrder.objects.get(pk=old_pk)
    assert former.former_appeal_id == appeal.pk and former.superseded_at is not None


CONFIRM_CASES = [  # (basis, kind, issuer, authority type given, accepted)
    (LegalBasis.STPO_131B_1, "suspect_unknown", IssuerType.PROSECUTOR, "prosecutor", False),  # § 131c (2): judge
    (LegalBasis.STPO_131B_1, "suspect_unknown", IssuerType.PROSECUTOR, "court", True),
    (LegalBasis.STPO_131A_3, "suspect_known", IssuerType.POLICE, "prosecutor", False),
    (LegalBasis.STPO_131A_3, "suspect_known", IssuerType.POLICE, "court", True),
    (LegalBasis.STPO_131_3, "suspect_known", IssuerType.POLICE, "prosecutor", True),  # § 131 (3): StA
    (LegalBasis.STPO_131_3, "suspect_known", IssuerType.POLICE, "court", False),
]


@pytest.mark.parametrize(("basis", "kind", "issuer", "authority", "accepted"), CONFIRM_CASES, ids=str)
def test_confirmation_authority_follows_the_basis(basis, kind, issuer, authority, accepted, investigator, unit_a,
                                                  liaison):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=kind, legal_basis=basis)
    LegalOrderFactory(appeal=appeal, issuer_type=issuer, is_emergency=True,
                      confirmation_due_at=clock.now() + timedelta(hours=5))
    Appeal.objects.filter(pk=appeal.pk).update(status="submitted")  # the liaison sees submitted appeals
    call = dict(actor=liaison, appeal_id=appeal.pk, confirmed_by_name="Richterin am AG Dr. Weber",
                authority_type=authority, reference="Gs 5/26")
    if accepted:
        order = services.order_confirm(**call)
        assert order.confirmed_at and order.confirmed_by_authority == authority
        assert order.confirmation_recorded_by == liaison
    else:
        with pytest.raises(ValidationFailed, match="131"):
            services.order_confirm(**call)


@pytest.mark.parametrize("who", ["investigator", "press"])
def test_only_the_prosecutor_liaison_records_confirmations(who, investigator, press, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, legal_basis=LegalBasis.STPO_131_3)
    LegalOrderFactory(appeal=appeal, issuer_type=IssuerType.POLICE, is_emergency=True,
                      confirmation_due_at=clock.now() + timedelta(hours=5))
    Appeal.objects.filter(pk=appeal.pk).update(status="submitted")
    actor = {"investigator": investigator, "press": press}[who]
    with pytest.raises(PermissionDenied):
        services.order_confirm(actor=actor, appeal_id=appeal.pk, confirmed_by_name="OStA Müller",
                               authority_type="prosecutor")


@pytest.mark.parametrize("name", ["x", "  ", "..", "ab"])
def test_confirming_person_needs_a_real_name(name, investigator, unit_a, liaison):
    appeal = AppealFactory(owner=investigator, unit=unit_a, legal_basis=LegalBasis.STPO_131_3)
    LegalOrderFactory(appeal=appeal, issuer_type=IssuerType.POLICE, is_emergency=True,
                      confirmation_due_at=clock.now() + timedelta(hours=5))
    Appeal.objects.filter(pk=appeal.pk).update(status="submitted")
    with pytest.raises(ValidationFailed):
        services.order_confirm(actor=liaison, appeal_id=appeal.pk, confirmed_by_name=name, authority_type="prosecutor")


def test_lapsed_order_is_never_shown_even_before_the_sweep(make_published, client):
    appeal = make_published(order={"issuer_type": IssuerType.POLICE, "is_emergency": True,
                                   "decided_at": clock.now() - timedelta(hours=23, minutes=59),
                                   "confirmation_due_at": clock.now() + timedelta(minutes=1)},
                            legal_basis=LegalBasis.STPO_131_3)
    assert appeal_is_publicly_showable(appeal=appeal)
    assert client.get(f"/fahndung/{appeal.slug}/").status_code == 200
    assert appeal.slug in client.get("/fahndung/").content.decode()
    LegalOrder.objects.filter(appeal=appeal).update(confirmation_due_at=clock.now() - timedelta(seconds=1))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == "published"  # the sweep has not run
    assert not appeal_is_publicly_showable(appeal=appeal)
    assert client.get(f"/fahndung/{appeal.slug}/").status_code == 404
    assert appeal.slug not in client.get("/fahndung/").content.decode()
    assert appeal.slug not in client.get("/fahndung/feed.rss").content.decode()
    assert client.get(f"/api/v1/public/appeals/{appeal.slug}/").status_code == 404
