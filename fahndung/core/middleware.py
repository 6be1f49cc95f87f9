"""Privacy middleware: client addresses never get past the front door.

The client address is turned into a keyed hash (key rotates daily, lives only in
the cache) that rate limiting may use; REMOTE_ADDR, forwarding headers and the user
agent are then removed from the request so nothing downstream can log or store them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.cache import cache

from fahndung.core import clock

_SCRUBBED = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_USER_AGENT", "HTTP_FORWARDED")


def _daily_key() -> bytes:
    name = f"client-key:{clock.now():%Y-%m-%d}"
    key = cache.get(name)
    if key is None:
        cache.add(name, secrets.token_hex(32), timeout=2 * 86400)
        key = cache.get(name)
    return str(key).encode()


def client_fingerprint(address: str) -> str:
    return hmac.new(_daily_key(), address.encode(), hashlib.sha256).hexdigest()[:32]


class StripClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = request.META.get("REMOTE_ADDR", "") or "unknown"
        request.client_key = client_fingerprint(address)
        for name in _SCRUBBED:
            request.META.pop(name, None)
        # Django's CommonMiddleware and auth signals read REMOTE_ADDR; keep a harmless value.
        request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104
        return self.get_response(request)
