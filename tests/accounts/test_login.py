"""Two-step staff login, lockout and the privacy of counters."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from fahndung.accounts.services import totp_device_enrol
from fahndung.core.models import AuditEvent
from tests.accounts.helpers import current_token

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.django_db


def test_password_then_otp_reaches_dashboard(investigator):
    device, uri = totp_device_enrol(user=investigator)
    assert uri.startswith("otpauth://totp/")
    client = Client()
    r = client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD, "next": "/staff/"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/")
    # Password alone is not enough for a staff page.
    r = client.get("/staff/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/")
    r = client.post("/accounts/otp/?next=/staff/", {"token": current_token(device), "next": "/staff/"})
    assert r.status_code == 302 and r["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_wrong_password_gives_generic_error(investigator):
    r = Client().post("/accounts/login/", {"username": "investigator", "password": "nope"})
    assert r.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in r.content.decode()
    r2 = Client().post("/accounts/login/", {"username": "nobody-here", "password": "nope"})
    assert "Benutzername oder Passwort ist falsch" in r2.content.decode()


def test_wrong_otp_is_rejected(investigator):
    device, _ = totp_device_enrol(user=investigator)
    client = Client()
    client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    bad = "000000" if current_token(device) != "000000" else "111111"
    r = client.post("/accounts/otp/", {"token": bad})
    assert r.status_code == 200 and "falsch oder abgelaufen" in r.content.decode()
    assert client.get("/staff/").status_code == 302


def test_open_redirect_is_ignored(investigator):
    device, _ = totp_device_enrol(user=investigator)
    client = Client()
    client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    r = client.post("/accounts/otp/", {"token": current_token(device), "next": "https://evil.example/"})
    assert r["Location"] == "/staff/"


def test_lockout_after_max_failures_even_with_right_password(investigator, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 3
    client = Client(REMOTE_ADDR="203.0.113.77")
    for _ in range(3):
        r = client.post("/accounts/login/", {"username": "investigator", "password": "wrong"})
        assert r.status_code == 200
    r = client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    assert r.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in r.content.decode()
    assert "_auth_user_id" not in client.session
    # No raw address anywhere: not in cache keys/values nor in the audit log.
    store = cache._cache  # locmem internals: key -> pickled value
    assert not any("203.0.113.77" in str(k) for k in store)
    assert not any(b"203.0.113.77" in (v if isinstance(v, bytes) else b"") for v in store.values())
    for event in AuditEvent.objects.all():
        assert "203.0.113.77" not in f"{event.detail} {event.object_id} {event.actor_label}"
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 1


def test_lockout_is_per_username(investigator, press, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        Client().post("/accounts/login/", {"username": "investigator", "password": "wrong"})
    r = Client().post("/accounts/login/", {"username": "press", "password": PASSWORD})
    assert r.status_code == 302


def test_client_budget_locks_spraying_from_one_client(investigator, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 2
    client = Client(REMOTE_ADDR="198.51.100.5")
    for n in range(8):  # 4 × budget across different usernames
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    assert r.status_code == 429
    # Another client is not affected.
    assert Client(REMOTE_ADDR="198.51.100.6").post(
        "/accounts/login/", {"username": "investigator", "password": PASSWORD}
    ).status_code == 302


def test_otp_step_is_rate_limited(investigator, settings):
    settings.FAHNDUNG_LOGIN_MAX_FAILURES = 2
    device, _ = totp_device_enrol(user=investigator)
    client = Client()
    client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    bad = "000000" if current_token(device) != "000000" else "111111"
    for _ in range(2):
        client.post("/accounts/otp/", {"token": bad})
    r = client.post("/accounts/otp/", {"token": current_token(device)})
    assert r.status_code == 429
    assert client.get("/staff/").status_code == 302


def test_user_without_device_is_told_to_contact_admin(investigator):
    client = Client()
    client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    r = client.get("/accounts/otp/")
    assert "kein zweiter Faktor eingerichtet" in r.content.decode()


def test_logout_requires_post_and_ends_session(investigator):
    from tests.accounts.helpers import verified_client

    client = verified_client(investigator)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_otp_can_be_disabled_by_setting(investigator, settings):
    settings.FAHNDUNG_REQUIRE_OTP = False
    client = Client()
    r = client.post("/accounts/login/", {"username": "investigator", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/staff/"


def test_unknown_username_is_not_written_to_audit(db):
    Client().post("/accounts/login/", {"username": "MeinGeheimesPasswort!", "password": "x"})
    event = AuditEvent.objects.get(action="auth.password_failed")
    assert "MeinGeheimesPasswort" not in f"{event.object_id} {event.detail}"


def test_failed_login_of_known_user_is_audited_with_name(investigator):
    Client().post("/accounts/login/", {"username": "investigator", "password": "x"})
    assert AuditEvent.objects.filter(action="auth.password_failed", object_id="investigator").exists()
