"""Tipster secrets through Django's password hashers, with a rehash path for old values."""

from __future__ import annotations

import hashlib
import os

from fahndung.tips import hashers, services
from fahndung.tips.models import Tip

SECRET = "ABCDE-FGHJK-MNPQR-STVWX"


def legacy_hash(secret: str, n: int = 1024) -> str:
    """The format stored before issue 12 (own scrypt wrapper), written the way it was."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=8, p=1, maxmem=256 * 1024 * 1024, dklen=32)
    return f"scrypt${n}$8$1${salt.hex()}${digest.hex()}"


def test_secret_hash_is_djangos_scrypt_and_verifies():
    stored = hashers.hash_secret(SECRET)
    algorithm, n, _salt, r, p, _digest = stored.split("$")
    assert (algorithm, n, r, p) == ("tip_scrypt", "1024", "8", "1") and "ABCDE" not in stored
    assert hashers.verify_secret(SECRET, stored)
    assert not hashers.verify_secret("ABCDE-FGHJK-MNPQR-STVWY", stored)
    for garbage in ("garbage", "", "scrypt$x", "tip_scrypt$1$2", "pbkdf2_sha256$1$a$b"):
        assert not hashers.verify_secret(SECRET, garbage)


def test_current_hash_is_not_rehashed_but_a_changed_work_factor_is(settings):
    stored = hashers.hash_secret(SECRET)
    calls: list[str] = []
    assert hashers.verify_secret(SECRET, stored, setter=calls.append)
    assert calls == []
    settings.FAHNDUNG_TIP_SECRET_SCRYPT_N = 2048
    assert hashers.verify_secret(SECRET, stored, setter=calls.append)
    assert calls == [SECRET]


def test_old_format_verifies_and_asks_for_a_rehash():
    old = legacy_hash(SECRET)
    calls: list[str] = []
    assert hashers.verify_secret(SECRET, old, setter=calls.append)
    assert calls == [SECRET]
    assert not hashers.verify_secret("ABCDE-FGHJK-MNPQR-STVWY", old, setter=calls.append)
    assert calls == [SECRET]  # a wrong secret never triggers the setter


def test_stored_old_format_secret_still_logs_in_and_is_rehashed(published):
    receipt = services.tip_submit_public(appeal_slug=published.slug, content="Hinweis", client_key="k")
    Tip.objects.filter(pk=receipt.tip_id).update(secret_hash=legacy_hash(receipt.secret), secret_pending="")
    tip = services.tipster_authenticate(reference=receipt.reference, secret=receipt.secret, client_key="k")
    assert tip.pk == receipt.tip_id
    stored = Tip.objects.values_list("secret_hash", flat=True).get(pk=receipt.tip_id)
    assert stored.startswith("tip_scrypt$")
    # The new hash works, and the next login leaves it alone.
    services.tipster_authenticate(reference=receipt.reference, secret=receipt.secret, client_key="k")
    assert Tip.objects.values_list("secret_hash", flat=True).get(pk=receipt.tip_id) == stored
