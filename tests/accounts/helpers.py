"""Helpers for staff sessions with a verified second factor (used by tests/web too)."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import TOTP

from fahndung.accounts.services import totp_device_enrol


def current_token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def verified_client(user, client: Client | None = None) -> Client:
    """Log in through the real OTP form (password step replaced by force_login)."""
    client = client or Client()
    device, _uri = totp_device_enrol(user=user)
    client.force_login(user)
    response = client.post("/accounts/otp/", {"token": current_token(device)})
    assert response.status_code == 302, response.content[:500]
    return client
