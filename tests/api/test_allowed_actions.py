"""One selector decides the allowed actions; the API lists only actions it has an endpoint for,
and the staff page offers the same set (issue 12: the API listed `revise`)."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from fahndung.appeals import workflow
from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal
from tests.accounts.helpers import verified_client
from tests.factories import AppealFactory, UserFactory


def _endpoint(action: str, pk: int) -> str:
    return reverse(f"api-appeal-{action.replace('_', '-')}", kwargs={"pk": pk})


@pytest.mark.parametrize("status", sorted({t.source for t in workflow.TRANSITIONS}))
def test_every_action_the_api_lists_has_an_endpoint(status, api_as, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    appeal = AppealFactory()
    Appeal.objects.filter(pk=appeal.pk).update(status=status)
    listed = api_as(admin).get(f"/api/v1/appeals/{appeal.pk}/").json()["allowed_actions"]
    assert listed  # every source state of the table offers something to a superuser
    for action in listed:
        try:
            url = _endpoint(action, appeal.pk)
        except NoReverseMatch:
            pytest.fail(f"API lists {action!r} for {status}, but there is no endpoint")
        # The endpoint answers as an action (never 404/405 because it does not exist).
        assert api_as(admin).options(url).status_code == 200


def test_api_and_staff_page_offer_the_same_actions(api_as, investigator, investigator_a2, investigator2, press):
    appeal = AppealFactory(owner=investigator)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED):
        Appeal.objects.filter(pk=appeal.pk).update(status=status)
        for user in (investigator, investigator_a2, investigator2, press):
            listed = api_as(user).get(f"/api/v1/appeals/{appeal.pk}/")
            if listed.status_code == 404:
                continue  # outside the user's scope
            page = verified_client(user).get(reverse("web:appeal_detail", kwargs={"pk": appeal.pk}))
            assert page.status_code == 200
            assert set(listed.json()["allowed_actions"]) == page.context["actions"], (status, user)
