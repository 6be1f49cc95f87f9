"""Shared plumbing for adapters that speak HTTP through fahndung.core.http.

Public surface: HttpAdapter (base class with `recorder` hook and `_call`), retry_after_of,
strip_urls (compare post texts without links, which platforms rewrite, e.g. t.co).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from fahndung.core import http
from fahndung.publishing.adapters.base import (
    AccountProblem,
    AdapterError,
    Capabilities,
    error_from_status,
)
from fahndung.publishing.conf import AccountConfig

# recorder(operation, http_status, duration_ms, outcome, error)
Recorder = Callable[[str, int | None, int, str, str], None]

_URL = re.compile(r"https?://\S+|<[^>]+>")


def strip_urls(text: str) -> str:
    """Text without links/HTML tags and with collapsed whitespace, for matching a lost post."""
    import html

    return " ".join(_URL.sub(" ", html.unescape(text or "")).split())


def _reset_in(value: str) -> float | None:
    """Seconds until a reset given as unix seconds (X, Bluesky's RateLimit-Reset) or as an
    ISO-8601 timestamp (Mastodon's X-RateLimit-Reset, rack_attack.rb)."""
    try:
        return max(0.0, float(value) - time.time())
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def retry_after_of(headers: Any) -> float | None:
    """Wait demanded by a 429/503: Retry-After (seconds or HTTP date), else a reset header
    (X: x-rate-limit-reset; Mastodon: x-ratelimit-reset, ISO-8601; Bluesky: ratelimit-reset)."""
    if not headers:
        return None
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    for name in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        reset = headers.get(name)
        if reset:
            seconds = _reset_in(str(reset))
            if seconds is not None:
                return seconds
    return None


class HttpAdapter:
    platform = ""
    capabilities = Capabilities()

    def __init__(self, account: AccountConfig) -> None:
        self.config = account
        self.account = account.key
        self.label = account.label
        self.recorder: Recorder | None = None

    def _record(self, operation: str, status: int | None, started: float, outcome: str, error: str = "") -> None:
        if self.recorder is not None:
            self.recorder(operation, status, int((time.monotonic() - started) * 1000), outcome, error[:2000])

    def _call(
        self, operation: str, method: str, url: str, *, accept: Iterable[int] = (), **kwargs: Any
    ) -> httpx.Response:
        """One HTTP call, recorded as one attempt. Statuses < 400 and those in `accept`
        are returned; others raise AdapterError (transient for 429/5xx, else permanent)."""
        started = time.monotonic()
        try:
            resp = http.request(method, url, **kwargs)
        except http.OutboundError as exc:
            self._record(operation, None, started, "transient", str(exc))
            raise AdapterError(f"{self.platform}: {exc}", permanent=False) from exc
        accepted = set(accept)
        if resp.status_code < 400 or resp.status_code in accepted:
            self._record(operation, resp.status_code, started, "ok")
            return resp
        err = self._error(resp)
        self._record(operation, resp.status_code, started, "permanent" if err.permanent else "transient", err.message)
        raise err

    def _error(self, resp: httpx.Response) -> AdapterError:
        """Status-based classification; a 429 throttles the whole account, a 401 means the
        token is dead (someone must reconnect) – both go to the account's health."""
        err = error_from_status(self.platform, resp.status_code, resp.text, retry_after_of(resp.headers))
        err.account_problem = {429: AccountProblem.THROTTLED, 401: AccountProblem.RECONNECT_NEEDED}.get(
            resp.status_code, "")
        return err

    def find_existing(self, payload: Any) -> Any:
        return None
