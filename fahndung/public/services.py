"""Writes of the public side: only the page cache.

Public surface:
- ``public_cache_invalidate(*, appeal) -> None``   drop every cached rendering of the appeal's
  page and of the list/feeds (call after publish/close/edit/rendition changes; safe to call
  inside a transaction: it runs again after commit).
- ``page_cache_key(*, slug, lang, status, updated_at, close_reason) -> str``
- ``list_cache_key(*, name, lang, state, extra="") -> str``
- ``page_cache_set(*, slug, key, html)`` / ``list_cache_set(*, key, html)``   store a rendering and
  remember its key (so a purge can find it: the keys are hashes)
- ``public_purge_appeal(*, slug) -> int``   R19: delete every cached rendering that may show
  the appeal (its pages, the lists) and its generation counter; returns keys deleted
- ``output_withheld(*, appeal, texts) -> bool``   run the output gate (appeals.selectors) on
  the final texts of a public rendering; True = must not go out. A block is written to the
  audit log with the German reasons, so staff see why the page/item is missing.
- ``page_cache_get(key) -> str | None``   a cached rendering, or None (also when the cache is down)
- ``BLOCKED_MARKER``   cached instead of a page that the gate withheld.

The cache is an optimisation: when the shared cache (Redis) is unreachable, reads miss and
writes are skipped (logged), so the public pages are rendered from the database instead of
answering 500 — exactly when a surge makes the page matter most.

Correctness never depends on the call: every key contains the appeal's status and
updated_at, which the page view reads from the database on every request, so a closed
appeal can never be answered with the cached active page. The generation counter makes
changes that do not touch the appeal row (e.g. a new approved rendition) visible at once.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction

from fahndung.appeals.selectors import output_problems
from fahndung.core.audit import audit_record
from fahndung.public import conf

_GEN_TTL = 30 * 86400
BLOCKED_MARKER = "<!--fahndung:output-blocked-->"
_BLOCK_LOG_TTL = 3600
log = logging.getLogger(__name__)


def _cache_optional(default: Any) -> Callable:
    """The cache backend's connection errors have no common base class (redis, memcached,
    database cache), so any exception of a cache call degrades to `default`."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # any backend error: see docstring
                log.warning("public page cache unavailable (%s): %s", fn.__name__, type(exc).__name__)
                return default
        return call
    return wrap


@_cache_optional(None)
def page_cache_get(key: str) -> str | None:
    return cache.get(key)
_LIST_GEN = "public:gen:list"
_LIST_INDEX = "public:keys:lists"


def _index_key(slug: str) -> str:
    return f"public:keys:{slug}"


@_cache_optional(None)
def _remember(index: str, key: str, timeout: int) -> None:
    """Best effort (get + set is not atomic): an entry lost to a race only lives until
    its own timeout, which is short (FAHNDUNG_PUBLIC_PAGE_CACHE)."""
    keys = cache.get(index) or []
    if key not in keys:
        cache.set(index, [*keys[-199:], key], timeout=timeout)


def _gen_key(slug: str) -> str:
    return f"public:gen:{slug}"


@_cache_optional(0)
def _generation(key: str) -> int:
    value = cache.get(key)
    return int(value) if value is not None else 0


@_cache_optional(None)
def _bump(key: str) -> None:
    cache.add(key, 0, timeout=_GEN_TTL)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=_GEN_TTL)


def page_cache_key(*, slug: str, lang: str, status: str, updated_at: datetime, close_reason: str,
                   content_revision: int = 0) -> str:
    # content_revision: appeals' counter of output changes outside the appeal row (photos).
    gen = _generation(_gen_key(slug))
    raw = f"{slug}|{lang}|{status}|{updated_at.isoformat()}|{close_reason}|{content_revision}|{gen}"
    return "public:page:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def list_cache_key(*, name: str, lang: str, state: Any, extra: str = "") -> str:
    gen = _generation(_LIST_GEN)
    raw = f"{name}|{lang}|{state}|{extra}|{gen}"
    return "public:list:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def public_cache_invalidate(*, appeal: Any) -> None:
    slug = appeal.slug

    def bump() -> None:
        _bump(_gen_key(slug))
        _bump(_LIST_GEN)

    bump()
    # A request between this call and the commit could re-cache the old content under the
    # new generation; bumping again after commit closes that window.
    transaction.on_commit(bump)


@_cache_optional(None)
def page_cache_set(*, slug: str, key: str, html: str) -> None:
    cache.set(key, html, timeout=conf.PUBLIC_PAGE_CACHE)
    _remember(_index_key(slug), key, conf.PUBLIC_PAGE_CACHE)


@_cache_optional(None)
def list_cache_set(*, key: str, html: str) -> None:
    cache.set(key, html, timeout=conf.PUBLIC_PAGE_CACHE)
    _remember(_LIST_INDEX, key, conf.PUBLIC_PAGE_CACHE)


def public_purge_appeal(*, slug: str) -> int:
    keys = [*(cache.get(_index_key(slug)) or []), *(cache.get(_LIST_INDEX) or [])]
    keys += [_index_key(slug), _LIST_INDEX, _gen_key(slug)]
    cache.delete_many(keys)
    _bump(_LIST_GEN)
    return len(keys)
@_cache_optional(True)  # cache down: rather one audit row too many than none
def _first_block_report(key: str) -> bool:
    return cache.add(key, 1, timeout=_BLOCK_LOG_TTL)


def output_withheld(*, appeal: Any, texts: dict[str, Any]) -> bool:
    problems = output_problems(appeal=appeal, texts=texts)
    if not problems:
        return False
    # One audit row per appeal, channel set and change (not one per request of a busy page).
    marker = f"public:blocked:{appeal.pk}:{appeal.updated_at.isoformat() if appeal.updated_at else ''}:{sorted(problems)}"
    if _first_block_report(hashlib.sha256(marker.encode()).hexdigest()):
        audit_record(actor=None, action="output.blocked", obj=appeal, appeal_id=appeal.pk,
                     detail={"problems": problems})
    return True
