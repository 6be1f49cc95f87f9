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
- ``BLOCKED_MARKER``   cached instead of a page that the gate withheld.

Correctness never depends on the call: every key contains the appeal's status and
updated_at, which the page view reads from the database on every request, so a closed
appeal can never be answered with the cached active page. The generation counter makes
changes that do not touch the appeal row (e.g. a new approved rendition) visible at once.
"""

from __future__ import annotations

import hashlib
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
_LIST_GEN = "public:gen:list"
_LIST_INDEX = "public:keys:lists"


def _index_key(slug: str) -> str:
    return f"public:keys:{slug}"


def _remember(index: str, key: str, timeout: int) -> None:
    """Best effort (get + set is not atomic): an entry lost to a race only lives until
    its own timeout, which is short (FAHNDUNG_PUBLIC_PAGE_CACHE)."""
    keys = cache.get(index) or []
    if key not in keys:
        cache.set(index, [*keys[-199:], key], timeout=timeout)


def _gen_key(slug: str) -> str:
    return f"public:gen:{slug}"


def _generation(key: str) -> int:
    value = cache.get(key)
    return int(value) if value is not None else 0


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


def page_cache_set(*, slug: str, key: str, html: str) -> None:
    cache.set(key, html, timeout=conf.PUBLIC_PAGE_CACHE)
    _remember(_index_key(slug), key, conf.PUBLIC_PAGE_CACHE)


def list_cache_set(*, key: str, html: str) -> None:
    cache.set(key, html, timeout=conf.PUBLIC_PAGE_CACHE)
    _remember(_LIST_INDEX, key, conf.PUBLIC_PAGE_CACHE)


def public_purge_appeal(*, slug: str) -> int:
    keys = [*(cache.get(_index_key(slug)) or []), *(cache.get(_LIST_INDEX) or [])]
    keys += [_index_key(slug), _LIST_INDEX, _gen_key(slug)]
    cache.delete_many(keys)
    _bump(_LIST_GEN)
    return len(keys)
def output_withheld(*, appeal: Any, texts: dict[str, Any]) -> bool:
    problems = output_problems(appeal=appeal, texts=texts)
    if not problems:
        return False
    # One audit row per appeal, channel set and change (not one per request of a busy page).
    marker = f"public:blocked:{appeal.pk}:{appeal.updated_at.isoformat() if appeal.updated_at else ''}:{sorted(problems)}"
    if cache.add(hashlib.sha256(marker.encode()).hexdigest(), 1, timeout=_BLOCK_LOG_TTL):
        audit_record(actor=None, action="output.blocked", obj=appeal, appeal_id=appeal.pk,
                     detail={"problems": problems})
    return True
