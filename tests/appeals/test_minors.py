"""Minors from data (issue 10, finding 5; R13/R14): a date of birth or an age range under 18
at publication time applies the minor protections without the tick; the tick only adds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fahndung.accounts.roles import PRESS_OFFICE
from fahndung.appeals import services
from fahndung.appeals.choices import IssuerType, Status
from fahndung.appeals.models import LegalOrder, Person
from fahndung.core import clock
from fahndung.core.errors import ValidationFailed
from fahndung.publishing.posts import build
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _born_years_ago(years: int) -> date:
    today = clock.now().date()
    return today.replace(year=today.year - years) - timedelta(days=30)


MINOR_DATA = [
    {"date_of_birth": _born_years_ago(15), "age_min": 15, "age_max": 15},  # the 15-year-old of the finding
    {"date_of_birth": _born_years_ago(15)},
    {"age_min": 14, "age_max": 16},
    {"age_min": 16, "age_max": 20},  # the range includes minors: protect
]


@pytest.mark.parametrize("person", MINOR_DATA, ids=lambda v: str(v)[:50])
def test_minor_by_data_without_the_tick(person, appeal, investigator, press, press2, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    Person.objects.filter(appeal=appeal).update(**person)
    appeal.refresh_from_db()
    assert appeal.is_minor is False  # nobody ticked it
    assert appeal.protects_minor and appeal.needs_second_approver
    assert "Minderjährig" in build.media_block_reason(appeal)  # no platform images
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    assert services.appeal_approve(actor=press, appeal_id=appeal.pk).status == Status.SUBMITTED  # 1 of 2
    assert services.appeal_approve(actor=press2, appeal_id=appeal.pk).status == Status.APPROVED


def test_adult_by_data_needs_one_approver_and_the_tick_only_adds(appeal):
    Person.objects.filter(appeal=appeal).update(date_of_birth=_born_years_ago(30), age_min=30, age_max=30)
    appeal.refresh_from_db()
    assert not appeal.protects_minor and not appeal.needs_second_approver
    appeal.is_minor = True
    assert appeal.protects_minor and appeal.needs_second_approver


def test_turns_18_before_publication_is_judged_at_publication_time(appeal):
    born = clock.now().date().replace(year=clock.now().year - 18) + timedelta(days=10)  # 18 in ten days
    Person.objects.filter(appeal=appeal).update(date_of_birth=born, age_min=None, age_max=None)
    appeal.refresh_from_db()
    assert appeal.minor_by_data(at=clock.now())
    assert not appeal.minor_by_data(at=clock.now() + timedelta(days=11))


def test_juvenile_suspect_name_needs_a_court_order(appeal, investigator):
    """R14: a minor's StPO appeal needs a court order; the name only if that order allows it."""
    Person.objects.filter(appeal=appeal).update(
        name="Kevin Jugendlich", date_of_birth=_born_years_ago(15), age_min=15, age_max=15,
        published_fields=[*Person.default_published_fields(), "name"],
    )
    LegalOrder.objects.filter(appeal=appeal).update(issuer_type=IssuerType.PROSECUTOR, name_allowed=True)
    with pytest.raises(ValidationFailed, match="R14"):
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    LegalOrder.objects.filter(appeal=appeal).update(issuer_type=IssuerType.JUDGE, name_allowed=False)
    with pytest.raises(ValidationFailed, match="Name"):
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    LegalOrder.objects.filter(appeal=appeal).update(name_allowed=True)
    assert services.appeal_submit(actor=investigator, appeal_id=appeal.pk).status == Status.SUBMITTED


def test_second_approver_for_a_minor_cannot_be_the_first(appeal, investigator, press):
    Person.objects.filter(appeal=appeal).update(age_min=15, age_max=15)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    from fahndung.core.errors import Conflict

    with pytest.raises(Conflict):
        services.appeal_approve(actor=press, appeal_id=appeal.pk)
    third = UserFactory(username="press3", roles=[PRESS_OFFICE], unit=None)
    assert services.appeal_approve(actor=third, appeal_id=appeal.pk).status in (Status.APPROVED, Status.PUBLISHED)
