"""Fixed-window rate limiting on the cache, keyed by request.client_key (never an IP).

Public surface: ``rate_limit_hit(scope, client_key, limit) -> bool`` (True = allowed).
"""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_limit_hit(scope: str, client_key: str, limit: tuple[int, int]) -> bool:
    count, seconds = limit
    if count <= 0:
        return True
    window = int(time.time() // seconds)
    key = f"tips:rl:{scope}:{client_key}:{window}"
    # add() then incr(): atomic on Redis/Memcached, good enough on the local-memory cache.
    cache.add(key, 0, timeout=seconds + 5)
    try:
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 5)
        value = 1
    return value <= count
