"""The adapter protocol every platform module implements.

Public surface:
  Capabilities(can_delete, can_edit, can_disable_comments, needs_public_image_url, manual)
  MediaItem(data, mime_type, alt_text, public_url)
  Payload(text, link, idempotency_key, media, created_at)
  RemoteRef(external_id, url)
  AdapterError(message, permanent, retry_after, http_status)
  Adapter (Protocol): publish(payload) -> RemoteRef, withdraw(ref) -> None,
      verify(ref) -> bool, find_existing(payload) -> RemoteRef | None

Rules for implementers: withdraw treats 404/"already gone" as success; verify returns
False only when the platform says the post does not exist; every failure is an
AdapterError whose `permanent` flag decides whether the task retries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Capabilities:
    can_delete: bool = True
    can_edit: bool = False
    can_disable_comments: bool = False
    needs_public_image_url: bool = False
    manual: bool = False


@dataclass(frozen=True)
class MediaItem:
    data: bytes
    mime_type: str
    alt_text: str
    public_url: str = ""


@dataclass(frozen=True)
class Payload:
    text: str
    link: str
    idempotency_key: str
    media: tuple[MediaItem, ...] = field(default_factory=tuple)
    # Stable across retries (the publication's creation time); Bluesky derives its rkey from it.
    created_at: datetime | None = None


@dataclass(frozen=True)
class RemoteRef:
    external_id: str
    url: str = ""


class AdapterError(Exception):
    """A failed platform call. `permanent` errors are not retried (bad credentials,
    rejected content); transient ones (429, 5xx, timeouts) are, after `retry_after`."""

    def __init__(
        self, message: str, *, permanent: bool, retry_after: float | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.http_status = http_status


@runtime_checkable
class Adapter(Protocol):
    platform: str
    account: str
    label: str
    capabilities: Capabilities

    def publish(self, payload: Payload) -> RemoteRef: ...

    def withdraw(self, ref: RemoteRef) -> None: ...

    def verify(self, ref: RemoteRef) -> bool: ...

    def find_existing(self, payload: Payload) -> RemoteRef | None: ...


def error_from_status(
    platform: str, status: int, body: str = "", retry_after: float | None = None
) -> AdapterError:
    """Map an HTTP status to transient (429, 5xx, 408) or permanent (other 4xx)."""
    transient = status in (408, 425, 429) or status >= 500
    snippet = body[:300].replace("\n", " ")
    return AdapterError(
        f"{platform}: HTTP {status} {snippet}".strip(), permanent=not transient,
        retry_after=retry_after, http_status=status,
    )
