"""The one rate limiter: fixed windows on the cache (Redis in production, so all worker
processes share the count). Used for tip intake (per client key) and for pacing platform
calls per account (publishing).

Public surface:
  rate_limit_hit(scope, key, limit) -> bool     True = allowed (and counted)
  window_remaining(limit) -> float              seconds until the current window ends
"""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_limit_hit(scope: str, key: str, limit: tuple[int, int]) -> bool:
    """Count one event of `key` in `scope`; allowed while the window's count <= limit[0].
    limit = (count, seconds); a count <= 0 switches the limit off."""
    count, seconds = limit
    if count <= 0:
        return True
    window = int(time.time() // seconds)
    cache_key = f"rl:{scope}:{key}:{window}"
    # add() then incr(): atomic on Redis/Memcached, good enough on the local-memory cache.
    cache.add(cache_key, 0, timeout=seconds + 5)
    try:
        value = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=seconds + 5)
        value = 1
    return value <= count


def window_remaining(limit: tuple[int, int]) -> float:
    seconds = limit[1]
    return seconds - (time.time() % seconds)
