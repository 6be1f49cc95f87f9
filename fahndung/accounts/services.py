"""Writes for staff accounts: login throttling, TOTP enrolment, API tokens.

Public surface:
- ``login_throttle_check(*, username, client_key) -> None`` – raises ``PermissionDenied``
  (German lockout message, code "locked_out") while the account or the client is locked.
- ``login_failure_record(*, username, client_key, stage) -> None`` – counts one failed
  password/OTP attempt in the cache (never the raw address: ``client_key`` is the keyed
  hash set by ``fahndung.core.middleware``) and writes an audit row.
- ``login_success_record(*, user, client_key, stage) -> None`` – clears the counters
  (the password step its own; only a full two-factor login clears the wrong-code count).
- ``totp_device_enrol(*, user, key_hex=None, confirmed=True) -> (device, otpauth_uri)``
- ``totp_device_confirm(*, user, device_id, token) -> TOTPDevice``
- ``totp_current_code(*, user) -> str`` – demo helper (refused unless DEBUG).
- ``api_token_create(*, user) -> str`` / ``api_token_revoke(*, user) -> bool``.

Tokens carry no scope of their own: every API check uses the user's roles, so a token
is bounded by its user's role and dies with ``api_token_revoke`` or a role change.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from fahndung.accounts.roles import roles_of
from fahndung.core.audit import audit_record
from fahndung.core.errors import Conflict, PermissionDenied, ServiceUnavailable, ValidationFailed
from fahndung.core.ratelimit import CACHE_ERRORS

# Several officers share one office address (NAT); the per-client budget is therefore a
# multiple of the per-account budget so one mistyping colleague cannot lock out a floor.
CLIENT_BUDGET_FACTOR = 4
LOCKOUT_MESSAGE = (
    "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist vorübergehend gesperrt – "
    "bitte in {minutes} Minuten erneut versuchen oder die Administration verständigen."
)

UNAVAILABLE_MESSAGE = (
    "Die Anmeldung ist derzeit nicht möglich, weil der Sperrzähler nicht erreichbar ist. "
    "Bitte in einigen Minuten erneut versuchen oder die Administration verständigen."
)


def _max_failures() -> int:
    return int(getattr(settings, "FAHNDUNG_LOGIN_MAX_FAILURES", 5))


def _lockout_seconds() -> int:
    return int(getattr(settings, "FAHNDUNG_LOGIN_LOCKOUT_SECONDS", 900))


def _user_key(username: str, stage: str = "password") -> str:
    # Hash the username so cache dumps do not list who tried to log in. The second factor
    # has its own counter: a correct password must not reset the count of wrong codes.
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:{'otp' if stage == 'otp' else 'user'}:{digest}"


def _client_key(client_key: str) -> str:
    return f"login-fail:client:{client_key or 'unknown'}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _bump(key: str) -> int:
    # add() + incr() is atomic on Redis/Memcached; the window starts at the first failure.
    cache.add(key, 0, timeout=_lockout_seconds())
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_lockout_seconds())
        return 1


def login_is_locked(*, username: str, client_key: str) -> bool:
    if username and max(_count(_user_key(username)), _count(_user_key(username, "otp"))) >= _max_failures():
        return True
    return _count(_client_key(client_key)) >= _max_failures() * CLIENT_BUDGET_FACTOR


def login_throttle_check(*, username: str, client_key: str) -> None:
    """Raises PermissionDenied when locked out; ServiceUnavailable when the shared cache that
    holds the counters is down (fail closed: an unchecked lockout would allow guessing)."""
    try:
        locked = login_is_locked(username=username, client_key=client_key)
    except CACHE_ERRORS:
        raise ServiceUnavailable(UNAVAILABLE_MESSAGE) from None
    if locked:
        minutes = max(1, round(_lockout_seconds() / 60))
        raise PermissionDenied(LOCKOUT_MESSAGE.format(minutes=minutes), code="locked_out")


def login_failure_record(*, username: str, client_key: str, stage: str = "password") -> None:
    user_count = _bump(_user_key(username, stage)) if username else 0
    _bump(_client_key(client_key))
    # Only real account names go to the audit log: a "username" that matches no account is
    # often a password typed into the wrong field.
    known = bool(username) and get_user_model().objects.filter(username=username).exists()
    label = username[:150] if known else "(unbekannt)"
    audit_record(
        actor=None, action=f"auth.{stage}_failed", object_type="auth.user", object_id=label,
        detail={"stage": stage, "failures": user_count},
    )
    if user_count == _max_failures():
        audit_record(actor=None, action="auth.locked_out", object_type="auth.user", object_id=label)


def login_success_record(*, user: Any, client_key: str, stage: str = "password") -> None:
    cache.delete(_user_key(user.get_username()))
    if stage == "otp":
        # Wrong codes and the client budget are only reset by a full (two-factor) login.
        cache.delete(_user_key(user.get_username(), "otp"))
        cache.delete(_client_key(client_key))
    audit_record(actor=user, action=f"auth.{stage}_ok", obj=user)


# --- TOTP ---------------------------------------------------------------------------

def totp_device_enrol(
    *, user: Any, key_hex: str | None = None, confirmed: bool = True, name: str = "default"
) -> tuple[TOTPDevice, str]:
    """Create (or with the same ``key_hex`` re-use) a TOTP device; returns it and its
    otpauth:// URI for a QR code. A confirmed enrolment replaces the user's other TOTP
    devices so a lost phone is retired by enrolling a new one."""
    if key_hex is not None:
        try:
            bytes.fromhex(key_hex)
        except ValueError:
            raise ValidationFailed("Ungültiger Schlüssel (hex erwartet).", fields={"key_hex": ["Ungültig."]}) from None
        existing = TOTPDevice.objects.filter(user=user, key=key_hex.lower()).first()
        if existing is not None:
            if confirmed and not existing.confirmed:
                existing.confirmed = True
                existing.save(update_fields=["confirmed"])
            return existing, existing.config_url
    with transaction.atomic():
        if confirmed:
            TOTPDevice.objects.filter(user=user).delete()
        else:
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        kwargs: dict[str, Any] = {"user": user, "name": name, "confirmed": confirmed}
        if key_hex is not None:
            kwargs["key"] = key_hex.lower()
        device = TOTPDevice.objects.create(**kwargs)
        audit_record(actor=user, action="auth.totp_enrol", obj=user, detail={"confirmed": confirmed})
    return device, device.config_url


def totp_device_confirm(*, user: Any, device_id: int, token: str) -> TOTPDevice:
    """Activate a pending device once the user proves the app shows the right code."""
    device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()
    if device is None:
        raise Conflict("Keine ausstehende Einrichtung gefunden – bitte neu beginnen.")
    if not device.verify_token((token or "").strip()):
        raise ValidationFailed("Der Code ist falsch oder abgelaufen.", fields={"token": ["Falscher Code."]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="auth.totp_confirm", obj=user)
    return device


def totp_current_code(*, user: Any) -> str:
    """The code the user's authenticator shows right now. Demo only: never in production."""
    if not settings.DEV_MODE:
        raise PermissionDenied("Nur im Demo-Betrieb (FAHNDUNG_DEBUG=true) verfügbar.")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise Conflict(f"Für „{user.get_username()}“ ist kein TOTP-Gerät eingerichtet.")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


# --- API tokens -------------------------------------------------------------------

def api_token_create(*, user: Any) -> str:
    """Issue a fresh token (replacing any previous one) and return its key."""
    if not user.is_active:
        raise PermissionDenied("Das Konto ist deaktiviert.")
    if not roles_of(user) and not user.is_superuser:
        raise PermissionDenied("Das Konto hat keine Rolle; ein Token wäre wirkungslos.")
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(actor=user, action="auth.api_token_create", obj=user)
    return token.key


def api_token_revoke(*, user: Any) -> bool:
    """Delete the user's token; True when one existed."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=user, action="auth.api_token_revoke", obj=user)
    return bool(deleted)
