"""Date-times in the API are valid RFC 3339 / ISO 8601 (offset hh:mm) also before 1893, when
Europe/Berlin was on local mean time (+00:53:28, an offset with seconds, which no date-time
parser accepts); dates of birth stay dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from fahndung.appeals.models import Appeal, Person

pytestmark = pytest.mark.django_db

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def test_old_datetimes_are_valid_and_dates_of_birth_are_dates(api_as, investigator, appeal):
    old = datetime(1888, 3, 9, 11, 0, tzinfo=UTC)
    Appeal.objects.filter(pk=appeal.pk).update(occurred_from=old, occurred_to=datetime(1890, 1, 1, tzinfo=UTC))
    person = appeal.persons.first() or Person.objects.create(appeal=appeal)
    Person.objects.filter(pk=person.pk).update(date_of_birth=date(1880, 5, 17), last_seen_at=old)
    body = api_as(investigator).get(f"/api/v1/appeals/{appeal.pk}/").json()
    assert RFC3339.match(body["occurred_from"]), body["occurred_from"]
    assert datetime.fromisoformat(body["occurred_from"]) == old
    assert RFC3339.match(body["occurred_to"]), body["occurred_to"]
    p = next(p for p in body["persons"] if p["id"] == person.pk)
    assert p["date_of_birth"] == "1880-05-17"
    assert RFC3339.match(p["last_seen_at"]) and datetime.fromisoformat(p["last_seen_at"]) == old
    # Current dates keep the Berlin offset.
    assert body["created_at"].endswith(("+01:00", "+02:00")), body["created_at"]
    for key in ("created_at", "updated_at", "expires_at"):
        assert RFC3339.match(body[key]), (key, body[key])
