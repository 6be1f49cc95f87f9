"""The one outbound HTTP helper: every call to a third party goes through here, so every
call has a timeout (a hung platform must never hang a worker) and network failures come
out as one exception type.

Public surface:
  request(method, url, *, timeout=None, **kwargs) -> httpx.Response   (httpx clients)
  requests_session(*, rewrite=None, timeout=None) -> requests.Session  (for libraries
      built on requests, e.g. tweepy: mounts a transport that enforces the timeout and
      can rewrite fixed hosts such as https://api.twitter.com to a configured base URL)
  OutboundError (base), OutboundTimeout, OutboundConnectionError
  default_timeout() -> (connect, read) seconds from FAHNDUNG_HTTP_CONNECT_TIMEOUT /
      FAHNDUNG_HTTP_TIMEOUT.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import httpx
import requests
from requests.adapters import HTTPAdapter

from fahndung.core.env import env_int

USER_AGENT = "Fahndung/1.0 (+police appeal publisher)"
# httpx logs every URL at INFO; Graph API URLs carry access tokens as query parameters.
logging.getLogger("httpx").setLevel(logging.WARNING)


class OutboundError(Exception):
    """A request did not produce an HTTP response (network, DNS, timeout)."""


class OutboundTimeout(OutboundError):
    pass


class OutboundConnectionError(OutboundError):
    pass


def default_timeout() -> tuple[float, float]:
    # Read per call (not at import) so tests and the demo can change it via the environment.
    return (
        float(env_int("FAHNDUNG_HTTP_CONNECT_TIMEOUT", 3)),
        float(env_int("FAHNDUNG_HTTP_TIMEOUT", 10)),
    )


def _httpx_timeout(timeout: float | tuple[float, float] | None) -> httpx.Timeout:
    if timeout is None:
        connect, read = default_timeout()
    elif isinstance(timeout, tuple):
        connect, read = timeout
    else:
        connect, read = min(float(timeout), default_timeout()[0]), float(timeout)
    return httpx.Timeout(read, connect=connect)


def request(
    method: str, url: str, *, timeout: float | tuple[float, float] | None = None,
    headers: dict[str, str] | None = None, **kwargs: Any,
) -> httpx.Response:
    """Send one request with a bounded timeout. Raises OutboundTimeout/OutboundConnectionError
    instead of httpx exceptions; HTTP error statuses are returned, not raised."""
    merged = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        return _client().request(method, url, headers=merged, timeout=_httpx_timeout(timeout), **kwargs)
    except httpx.TimeoutException as exc:
        raise OutboundTimeout(f"Zeitüberschreitung bei {method} {_safe(url)}") from exc
    except httpx.TransportError as exc:
        raise OutboundConnectionError(f"Verbindungsfehler bei {method} {_safe(url)}: {exc}") from exc


_shared: httpx.Client | None = None
_shared_lock = threading.Lock()


def _client() -> httpx.Client:
    # One pooled, thread-safe client per process: building a client (TLS context) costs
    # tens of milliseconds, more than most platform calls.
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = httpx.Client(follow_redirects=False, limits=httpx.Limits(max_connections=50))
    return _shared


def _safe(url: str) -> str:
    # Never log query strings: Graph API tokens travel as access_token parameters.
    return url.split("?", 1)[0]


class _BoundedAdapter(HTTPAdapter):
    """requests transport that always applies a timeout and optionally rewrites hosts."""

    def __init__(self, *, rewrite: dict[str, str], timeout: tuple[float, float]) -> None:
        super().__init__(max_retries=0)
        self._rewrite = rewrite
        self._timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        for prefix, target in self._rewrite.items():
            if request.url and request.url.startswith(prefix):
                request.url = target.rstrip("/") + request.url[len(prefix):]
                break
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        try:
            return super().send(request, **kwargs)
        except requests.Timeout as exc:
            raise OutboundTimeout(f"Zeitüberschreitung bei {request.method} {_safe(request.url or '')}") from exc
        except requests.ConnectionError as exc:
            raise OutboundConnectionError(f"Verbindungsfehler bei {request.method} {_safe(request.url or '')}") from exc


def requests_session(
    *, rewrite: dict[str, str] | None = None, timeout: tuple[float, float] | None = None,
    session: requests.Session | None = None,
) -> requests.Session:
    """Configure (or create) a requests.Session so that every request has a timeout.

    `rewrite` maps URL prefixes to replacements, e.g. {"https://api.twitter.com":
    "http://127.0.0.1:8765/x"}; the library's code path stays unchanged (platforms.md §7)."""
    session = session or requests.Session()
    adapter = _BoundedAdapter(rewrite=dict(rewrite or {}), timeout=timeout or default_timeout())
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
