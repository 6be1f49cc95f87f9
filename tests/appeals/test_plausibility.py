"""Plausibility of person and event data (issue 10, finding 8): clear German messages in the
service, the API's one JSON error shape, the web form — never a 5xx."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fahndung.appeals import services
from fahndung.appeals.models import Appeal
from fahndung.core import clock
from fahndung.core.errors import ValidationFailed
from tests.web.test_appeal_flow import form_payload

pytestmark = pytest.mark.django_db


def _data(**fields):
    data = {
        "kind": "suspect_known", "legal_basis": "stpo_131_3", "title": "Raub", "file_number_police": "ST/1/26",
        "offence": "Raub", "significance_reason": "Bewaffnet", "measures_taken": "Videoauswertung",
        "urgent_suspicion": True, "expires_at": clock.now() + timedelta(days=30),
    }
    data.update(fields)
    return data


PERSON_CASES = [  # (person fields, field named in the error, words of the German message)
    ({"age_min": 200, "age_max": 20}, "age_min", "0 und 120"),
    ({"age_min": 30, "age_max": 20}, "age_max", "nicht kleiner"),
    ({"height_min_cm": 99_999_999_999}, "height_min_cm", "40 und 250"),
    ({"height_min_cm": 30}, "height_min_cm", "40 und 250"),
    ({"height_min_cm": 190, "height_max_cm": 170}, "height_max_cm", "nicht kleiner"),
    ({"date_of_birth": date(2030, 1, 1)}, "date_of_birth", "Zukunft"),
    ({"date_of_birth": date(1990, 1, 1), "age_min": 15, "age_max": 18}, "date_of_birth", "passt nicht"),
    ({"last_seen_at": clock.now() + timedelta(days=3)}, "last_seen_at", "Zukunft"),
]


@pytest.mark.parametrize(("person", "field", "words"), PERSON_CASES, ids=lambda v: str(v)[:40])
def test_implausible_person_data_is_refused(person, field, words, investigator):
    with pytest.raises(ValidationFailed) as info:
        services.appeal_create(actor=investigator, data=_data(), persons=[{"role": "suspect", **person}])
    assert field in info.value.fields, info.value.fields
    assert words in " ".join(info.value.fields[field])
    assert not Appeal.objects.exists()


APPEAL_CASES = [
    ({"occurred_from": clock.now() - timedelta(hours=1), "occurred_to": clock.now() - timedelta(hours=5)},
     "occurred_to", "vor dem Beginn"),
    ({"occurred_from": clock.now() + timedelta(days=2)}, "occurred_from", "Zukunft"),
    ({"reward_amount": 0, "reward_reference": "1 Js 1/26"}, "reward_amount", "größer als 0"),
    ({"reward_amount": 0}, "reward_amount", "größer als 0"),
]


@pytest.mark.parametrize(("fields", "field", "words"), APPEAL_CASES, ids=lambda v: str(v)[:40])
def test_implausible_event_data_is_refused(fields, field, words, investigator):
    with pytest.raises(ValidationFailed) as info:
        services.appeal_create(actor=investigator, data=_data(**fields), persons=[{"role": "suspect"}])
    assert words in " ".join(info.value.fields[field])


def test_plausible_data_passes(investigator):
    appeal = services.appeal_create(
        actor=investigator, data=_data(occurred_from=clock.now() - timedelta(hours=3),
                                       occurred_to=clock.now() - timedelta(hours=2)),
        persons=[{"role": "suspect", "age_min": 0, "age_max": 120, "height_min_cm": 40, "height_max_cm": 250}],
    )
    assert appeal.pk


def test_update_is_checked_too(appeal, investigator):
    with pytest.raises(ValidationFailed) as info:
        services.appeal_update(actor=investigator, appeal_id=appeal.pk, data={"reward_amount": 0})
    assert "reward_amount" in info.value.fields


@pytest.mark.parametrize(("payload_change", "field"), [
    ({"reward_amount": 0, "reward_reference": "1 Js 1/26"}, "reward_amount"),
    ({"persons": [{"role": "suspect", "age_min": 200, "age_max": 20}]}, "age_min"),
    ({"persons": [{"role": "suspect", "height_min_cm": 99_999_999_999}]}, "height_min_cm"),
    ({"persons": [{"role": "suspect", "date_of_birth": "2030-01-01"}]}, "date_of_birth"),
])
def test_api_answers_400_in_the_json_error_shape(payload_change, field, investigator, api_as):
    payload = {
        **_data(expires_at=(clock.now() + timedelta(days=30)).isoformat()),
        "persons": [{"role": "suspect", "sex": "male", "age_min": 20, "age_max": 25}],
        "order": {"issuer_type": "judge", "authority": "Amtsgericht Stuttgart", "decision_number": "Gs 1/26",
                  "decided_at": (clock.now() - timedelta(hours=2)).isoformat()},
        **payload_change,
    }
    response = api_as(investigator).post("/api/v1/appeals/", payload, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"] and any(field in key for key in error["fields"]), error


def test_web_form_shows_german_message(investigator):
    from tests.accounts.helpers import verified_client

    client = verified_client(investigator)
    r = client.post("/staff/appeals/new/", form_payload(**{"persons-0-age_min": "200", "persons-0-age_max": "20",
                                                           "reward_amount": "0", "reward_reference": "1 Js 1/26"}))
    assert r.status_code == 400
    body = r.content.decode()
    assert "0 und 120" in body or "größer als 0" in body
    assert Appeal.objects.count() == 0
