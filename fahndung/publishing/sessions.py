"""Platform sessions shared across worker processes: encrypted in the database.

Public surface:
  session_load(account) -> dict | None        read (no lock)
  session_renew(account, renew) -> dict       single-flight renewal: under the row lock,
      renew(current: dict | None) -> dict | None is called with the stored session (a
      concurrent process may have renewed it meanwhile – renew can return it unchanged);
      the result is stored and returned.

The row lock is held during the renewal call on purpose: it is the one call that must not
run twice at once (a refresh token works once; logins are rationed). The key is derived
from SECRET_KEY (sessions die with a key change, which only costs one new login).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction

from fahndung.publishing.models import PlatformSession


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"fahndung.publishing.sessions\0" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _decode(token: str) -> dict[str, Any] | None:
    if not token:
        return None
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError):
        return None


def session_load(account: str) -> dict[str, Any] | None:
    row = PlatformSession.objects.filter(account=account).first()
    return _decode(row.data) if row else None


def session_renew(account: str, renew: Callable[[dict[str, Any] | None], dict[str, Any] | None]) -> dict[str, Any] | None:
    with transaction.atomic():
        row, _ = PlatformSession.objects.select_for_update().get_or_create(account=account)
        current = _decode(row.data)
        fresh = renew(current)
        if fresh != current:
            row.data = _fernet().encrypt(json.dumps(fresh).encode()).decode() if fresh else ""
            row.save(update_fields=["data", "updated_at"])
        return fresh
