"""The adapter protocol every platform module implements.

Public surface:
  Capabilities(can_delete, manual)
  MediaItem(data, mime_type, alt_text, public_url)
  Payload(text, link, idempotency_key, media, created_at)
  RemoteRef(external_id, url, extra_ids)
  AdapterError(message, permanent, retry_after, http_status, account_problem)
  AccountProblem: THROTTLED | RECONNECT_NEEDED | VERSION_OUTDATED (values of
      AdapterError.account_problem; publishing's account health stores them)
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
    # Further objects the post created on the platform (e.g. the Photo behind a Facebook
    # photo story): withdraw deletes each, verify reports the post online while any is.
    extra_ids: tuple[str, ...] = ()


class AccountProblem:
    """What an error says about the whole account rather than this one post.

    THROTTLED: the platform rate-limits the account/app (retry_after says how long);
    every call on it should wait. RECONNECT_NEEDED: token expired/revoked or the token
    lacks the rights (e.g. a Page token that lost its role) – a person must reconnect;
    until then takedowns go straight to a person. VERSION_OUTDATED: the API version we
    send is sunset (LinkedIn 426) – a configuration alarm."""

    THROTTLED = "throttled"
    RECONNECT_NEEDED = "reconnect_needed"
    VERSION_OUTDATED = "version_outdated"
    ALL = (THROTTLED, RECONNECT_NEEDED, VERSION_OUTDATED)


class AdapterError(Exception):
    """A failed platform call. `permanent` errors are not retried (bad credentials,
    rejected content); transient ones (429, 5xx, timeouts) are, after `retry_after`.
    `account_problem` (an AccountProblem value or "") marks errors that concern the
    account as a whole; the engine records them in the account's health."""

    def __init__(
        self, message: str, *, permanent: bool, retry_after: float | None = None,
        http_status: int | None = None, account_problem: str = "",
    ) -> None:
        super().__init__(message)
        if account_problem and account_problem not in AccountProblem.ALL:
            raise ValueError(f"unknown account problem {account_problem!r}")
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.http_status = http_status
        self.account_problem = account_problem


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
