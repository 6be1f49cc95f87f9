"""The one rate limiter: fixed windows on the cache (Redis in production, so all worker
processes share the count). Used for tip intake (per client key) and for pacing platform
calls per account (publishing).

When the shared cache is unreachable the count moves to a process-local window (logged):
limits still hold per process, and tip intake – which must never be lost – keeps working.

Public surface:
  rate_limit_hit(scope, key, limit) -> bool     True = allowed (and counted)
  window_remaining(limit) -> float              seconds until the current window ends
  CACHE_ERRORS                                  what a cache backend raises when it is down
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# Cache backends raise their own errors when the server is down (redis.exceptions.ConnectionError,
# pymemcache errors, OSError); none share a base class short of Exception.
CACHE_ERRORS: tuple[type[BaseException], ...] = (Exception,)
_local = LocMemCache("fahndung-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def rate_limit_hit(scope: str, key: str, limit: tuple[int, int]) -> bool:
    """Count one event of `key` in `scope`; allowed while the window's count <= limit[0].
    limit = (count, seconds); a count <= 0 switches the limit off."""
    count, seconds = limit
    if count <= 0:
        return True
    window = int(time.time() // seconds)
    cache_key = f"rl:{scope}:{key}:{window}"
    try:
        value = _count(cache, cache_key, seconds)
    except CACHE_ERRORS as exc:
        logger.warning("rate limit %s: shared cache unreachable (%s), counting in this process", scope,
                       type(exc).__name__)
        value = _count(_local, cache_key, seconds)
    return value <= count


def _count(backend, cache_key: str, seconds: int) -> int:
    # add() then incr(): atomic on Redis/Memcached, good enough on the local-memory cache.
    backend.add(cache_key, 0, timeout=seconds + 5)
    try:
        return backend.incr(cache_key)
    except ValueError:  # expired between add and incr
        backend.add(cache_key, 1, timeout=seconds + 5)
        return 1


def window_remaining(limit: tuple[int, int]) -> float:
    seconds = limit[1]
    return seconds - (time.time() % seconds)
