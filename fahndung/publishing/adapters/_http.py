"""Shared plumbing for adapters that speak HTTP through fahndung.core.http.

Public surface: HttpAdapter (base class with `recorder` hook and `_call`), retry_after_of,
strip_urls (compare post texts without links, which platforms rewrite, e.g. t.co).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from fahndung.core import http
from fahndung.publishing.adapters.base import AdapterError, Capabilities, error_from_status
from fahndung.publishing.conf import AccountConfig

# recorder(operation, http_status, duration_ms, outcome, error)
Recorder = Callable[[str, int | None, int, str, str], None]

_URL = re.compile(r"https?://\S+|<[^>]+>")


def strip_urls(text: str) -> str:
    """Text without links/HTML tags and with collapsed whitespace, for matching a lost post."""
    import html

    return " ".join(_URL.sub(" ", html.unescape(text or "")).split())


def retry_after_of(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers else None
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    reset = headers.get("x-rate-limit-reset") if headers else None
    if reset:
        try:
            return max(0.0, float(reset) - time.time())
        except ValueError:
            pass
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
        return error_from_status(self.platform, resp.status_code, resp.text, retry_after_of(resp.headers))

    def find_existing(self, payload: Any) -> Any:
        return None
