"""Privacy middleware: client addresses never get past the front door.

The client address is turned into a keyed hash (key rotates daily, lives only in
the cache) that rate limiting may use; REMOTE_ADDR, forwarding headers and the user
agent are then removed from the request so nothing downstream can log or store them.

Behind reverse proxies (FAHNDUNG_TRUSTED_PROXIES: addresses or networks) the client is
the rightmost X-Forwarded-For hop that is not a trusted proxy – every proxy appends the
address it saw, so entries left of the first untrusted hop are whatever the client sent.
The header is only read when the direct peer is a trusted proxy.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache

from fahndung.core import clock
from fahndung.core.ratelimit import CACHE_ERRORS

logger = logging.getLogger(__name__)

_SCRUBBED = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_USER_AGENT", "HTTP_FORWARDED")


# Per-process fallback when the shared cache is down: random, never stored, one per day –
# as private as the shared key; only rate limits (then per process anyway) see the difference.
_local_keys: dict[str, str] = {}


def _daily_key() -> bytes:
    name = f"client-key:{clock.now():%Y-%m-%d}"
    try:
        key = cache.get(name)
        if key is None:
            cache.add(name, secrets.token_hex(32), timeout=2 * 86400)
            key = cache.get(name)
    except CACHE_ERRORS as exc:
        logger.warning("client key: shared cache unreachable (%s), using a process-local key", type(exc).__name__)
        if name not in _local_keys:
            _local_keys.clear()
            _local_keys[name] = secrets.token_hex(32)
        key = _local_keys[name]
    return str(key).encode()


def client_fingerprint(address: str) -> str:
    return hmac.new(_daily_key(), address.encode(), hashlib.sha256).hexdigest()[:32]


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Trusted proxy entries → networks; raises ValueError naming a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(entry) from None
    return tuple(networks)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(meta: Mapping[str, Any]) -> str:
    """The address of the real client (see the module docstring)."""
    remote = str(meta.get("REMOTE_ADDR", "") or "") or "unknown"
    networks = parse_networks(tuple(getattr(settings, "FAHNDUNG_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in str(meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else remote


class StripClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_key = client_fingerprint(client_address(request.META))
        for name in _SCRUBBED:
            request.META.pop(name, None)
        # Django's CommonMiddleware and auth signals read REMOTE_ADDR; keep a harmless value.
        request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104
        return self.get_response(request)
