"""Own-account page: role/unit display and TOTP re-enrolment with confirmation."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import current_token, verified_client

pytestmark = pytest.mark.django_db


def test_profile_shows_role_and_unit(investigator):
    body = verified_client(investigator).get("/accounts/me/").content.decode()
    assert "Sachbearbeitung" in body and "Kriminalinspektion 1" in body


def test_reenrol_needs_correct_code(investigator):
    client = verified_client(investigator)
    old = TOTPDevice.objects.get(user=investigator)
    client.post("/accounts/me/", {"action": "enrol"})
    body = client.get("/accounts/me/").content.decode()
    assert "data:image/svg+xml;base64," in body
    pending = TOTPDevice.objects.get(user=investigator, confirmed=False)
    wrong = "000000" if current_token(pending) != "000000" else "111111"
    r = client.post("/accounts/me/", {"action": "confirm", "token": wrong})
    assert "Falscher Code" in r.content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk).exists()
    # django-otp throttles a device for a second after a failure; a human needs longer anyway.
    TOTPDevice.objects.filter(pk=pending.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    client.post("/accounts/me/", {"action": "confirm", "token": current_token(pending)})
    assert list(TOTPDevice.objects.filter(user=investigator).values_list("pk", "confirmed")) == [(pending.pk, True)]
