"""create_api_token and totp_code management commands."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from fahndung.accounts.services import totp_device_enrol
from tests.accounts.helpers import current_token

pytestmark = pytest.mark.django_db


def _token(username: str, *args: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def _api_status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/appeals/").status_code


def test_token_works_and_revoke_kills_it(investigator, appeal):
    token = _token("investigator")
    assert len(token) == 40
    assert _api_status(token) == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert str(appeal.pk) in client.get("/api/v1/appeals/").content.decode()
    _token("investigator", "--revoke")
    assert _api_status(token) == 401


def test_new_token_replaces_old(investigator):
    first = _token("investigator")
    second = _token("investigator")
    assert first != second
    assert _api_status(first) == 401 and _api_status(second) == 200


def test_token_is_bounded_by_role_scope(investigator2, appeal):
    token = _token("investigator2")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/v1/appeals/{appeal.pk}/").status_code == 404


def test_unknown_user_is_a_clear_error(db):
    with pytest.raises(CommandError, match="nicht gefunden"):
        _token("ghost")


def test_user_without_role_gets_no_token(db):
    from tests.factories import UserFactory

    UserFactory(username="plain", roles=[])
    with pytest.raises(CommandError, match="keine Rolle"):
        _token("plain")


def test_totp_code_matches_device_in_debug(investigator, settings):
    settings.DEV_MODE = True
    device, _ = totp_device_enrol(user=investigator, key_hex="3132333435363738393031323334353637383930")
    out = StringIO()
    call_command("totp_code", "investigator", stdout=out)
    assert out.getvalue().strip() == current_token(device)


def test_totp_code_refused_without_debug(investigator, settings):
    settings.DEV_MODE = False
    totp_device_enrol(user=investigator)
    with pytest.raises(CommandError, match="FAHNDUNG_DEBUG"):
        call_command("totp_code", "investigator", stdout=StringIO())


def test_enrol_with_same_key_is_idempotent(investigator):
    key = "3132333435363738393031323334353637383930"
    d1, uri = totp_device_enrol(user=investigator, key_hex=key)
    d2, _ = totp_device_enrol(user=investigator, key_hex=key)
    assert d1.pk == d2.pk
    assert "issuer=Fahndung" in uri
