"""The second factor is locked per user across logins (attack test: re-entering the
password reset the TOTP counter, so 12 wrong codes passed without a lockout)."""

from __future__ import annotations

import pytest
from django.test import Client

from fahndung.accounts.services import totp_device_enrol
from fahndung.core.models import AuditEvent
from tests.accounts.helpers import current_token

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.django_db


def _wrong(device) -> str:
    return "000000" if current_token(device) != "000000" else "111111"


def test_wrong_codes_count_across_password_logins(investigator, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 5
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own per-device delay off: our counter alone
    device, _ = totp_device_enrol(user=investigator)
    codes, passwords = [], []
    for _round in range(3):  # password, 4 wrong codes – three times: 12 wrong codes
        client = Client()
        passwords.append(client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD}).status_code)
        for _ in range(4):
            r = client.post("/accounts/otp/", {"token": _wrong(device)})
            codes.append(r.status_code if r.status_code != 302 else r["Location"])
    # The 6th wrong code is refused as locked (not checked), the third password login too.
    assert codes[:5] == [200] * 5 and codes[5:8] == [429] * 3, codes
    assert passwords == [302, 302, 429]
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 1
    assert AuditEvent.objects.filter(action="auth.otp_failed").count() == 5


def test_otp_lockout_holds_for_the_right_code_and_a_new_password_login(investigator, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 3
    device, _ = totp_device_enrol(user=investigator)
    client = Client()
    client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    for _ in range(3):
        client.post("/accounts/otp/", {"token": _wrong(device)})
    fresh = Client()
    r = fresh.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    assert r.status_code == 429  # the account is locked, not just this session
    r = client.post("/accounts/otp/", {"token": current_token(device)})
    assert r.status_code == 429 and client.get("/staff/").status_code == 302


def test_a_full_two_factor_login_clears_the_count(investigator, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = totp_device_enrol(user=investigator)
    client = Client()
    client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    for _ in range(2):
        client.post("/accounts/otp/", {"token": _wrong(device)})
    r = client.post("/accounts/otp/", {"token": current_token(device)})
    assert r.status_code == 302  # under the limit: the right code works and clears the count
    other = Client()
    other.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    for _ in range(2):
        assert other.post("/accounts/otp/", {"token": _wrong(device)}).status_code == 200


def test_other_users_are_not_locked(investigator, press, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 2
    device, _ = totp_device_enrol(user=investigator)
    client = Client()
    client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    for _ in range(2):
        client.post("/accounts/otp/", {"token": _wrong(device)})
    press_device, _ = totp_device_enrol(user=press)
    other = Client()
    assert other.post("/accounts/login/", {"username": "press", "password": PASSWORD}).status_code == 302
    assert other.post("/accounts/otp/", {"token": current_token(press_device)}).status_code == 302
