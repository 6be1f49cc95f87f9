"""Tipster secrets (the code a tipster uses to come back to a tip): Django's password hashers.

Public surface:
- ``hash_secret(secret) -> str`` – ``make_password`` with the tip hasher (scrypt).
- ``verify_secret(secret, stored, *, setter=None) -> bool`` – checks against the dedicated
  hasher list below (not settings.PASSWORD_HASHERS: staff passwords and tipster secrets
  are separate concerns); ``setter(secret)`` is called when the stored value is in an old
  format or with old parameters, so callers can store a fresh hash (as ``check_password``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.contrib.auth.hashers import BasePasswordHasher, ScryptPasswordHasher, make_password

from fahndung.tips import conf

_MAXMEM = 256 * 1024 * 1024  # room for a raised work factor (Django's default caps at 32 MiB)


class TipSecretHasher(ScryptPasswordHasher):
    """Django's scrypt with the work factor from FAHNDUNG_TIP_SECRET_SCRYPT_N and p=1
    (Django's p=5 would quintuple the cost of every tip intake and follow-up)."""

    algorithm = "tip_scrypt"
    parallelism = 1
    maxmem = _MAXMEM

    @property
    def work_factor(self) -> int:  # type: ignore[override]
        return conf.scrypt_n()


class LegacyTipSecretHasher(BasePasswordHasher):
    """Verify-only: the own format stored before issue 12,
    ``scrypt$<n>$<r>$<p>$<salt hex>$<32-byte digest hex>``. Always due for a rehash."""

    algorithm = "scrypt"

    def verify(self, password: str, encoded: str) -> bool:
        _algo, n, r, p, salt, expected = encoded.split("$")
        digest = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            maxmem=_MAXMEM, dklen=32,
        )
        return hmac.compare_digest(digest.hex(), expected)

    def must_update(self, encoded: str) -> bool:
        return True

    def safe_summary(self, encoded: str) -> dict:
        return {"algorithm": self.algorithm}

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


_CURRENT = TipSecretHasher()
_HASHERS = {h.algorithm: h for h in (_CURRENT, LegacyTipSecretHasher())}


def hash_secret(secret: str) -> str:
    return make_password(secret, hasher=_CURRENT)


def verify_secret(secret: str, stored: str, *, setter: Callable[[str], object] | None = None) -> bool:
    hasher = _HASHERS.get((stored or "").split("$", 1)[0])
    if hasher is None:
        return False
    try:
        correct = hasher.verify(secret, stored)
        outdated = hasher is not _CURRENT or hasher.must_update(stored)
    except (ValueError, TypeError, AssertionError):
        return False  # malformed stored value
    if correct and outdated and setter is not None:
        setter(secret)
    return correct
