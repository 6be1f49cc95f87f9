"""In-memory state of the fake platform server: posts, media, delete counters, faults.

Thread-safe (one lock); the HTTP handlers and the control API share one Store.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """Inject a failure for matching requests: the next `count` requests, or all requests
    for `seconds`. `status` answers with that HTTP status (429 adds rate-limit reset
    headers `reset_in` seconds ahead); `delay` sleeps – before processing, or after
    processing and before answering when `after` is true (a "lost response")."""

    platform: str
    status: int | None = None
    delay: float = 0.0
    after: bool = False
    count: int | None = 1
    seconds: float | None = None
    method: str = ""
    path_contains: str = ""
    reset_in: int = 60
    created: float = field(default_factory=time.monotonic)

    def active(self) -> bool:
        if self.seconds is not None and time.monotonic() - self.created > self.seconds:
            return False
        return self.count is None or self.count > 0

    def matches(self, platform: str, method: str, path: str) -> bool:
        return (
            self.platform in (platform, "*")
            and (not self.method or self.method.upper() == method)
            and (not self.path_contains or self.path_contains in path)
            and self.active()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform, "status": self.status, "delay": self.delay,
            "after": self.after, "count": self.count, "seconds": self.seconds,
            "method": self.method, "path_contains": self.path_contains,
        }


@dataclass
class Post:
    platform: str
    id: str
    author: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)
    deleted: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform, "id": self.id, "author": self.author, "text": self.text,
            "data": self.data, "created_at": self.created_at, "deleted": self.deleted,
        }


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.posts: dict[str, Post] = {}
            self.media: dict[str, dict[str, Any]] = {}
            self.delete_calls: dict[str, int] = {}
            self.faults: list[Fault] = []
            self.idempotency: dict[tuple[str, str], str] = {}
            self.requests: list[dict[str, Any]] = []
            # Per-platform switches and counters of the realistic quirks (see each module's
            # OPTIONS); tests set them through FakePlatform.store.options.
            self.options: dict[str, Any] = {}
            self.counters: dict[str, list[float]] = {}
            self.bodies: list[dict[str, Any]] = []  # request bodies, for the contract tests
            self.sessions: dict[str, str] = {}  # valid refresh tokens -> account (Bluesky)
            # Per-platform extra state of the route modules (e.g. fakeplatform.meta's tokens).
            self.platform_state: dict[str, Any] = {}
            self._ids = itertools.count(1000000001)

    def next_id(self) -> str:
        with self.lock:
            return str(next(self._ids))

    def take_fault(self, platform: str, method: str, path: str) -> Fault | None:
        with self.lock:
            self.faults = [f for f in self.faults if f.active()]
            for fault in self.faults:
                if fault.matches(platform, method, path):
                    if fault.count is not None:
                        fault.count -= 1
                    return fault
        return None

    def option(self, name: str, default: Any) -> Any:
        with self.lock:
            return self.options.get(name, default)

    def hit(self, key: str, limit: int, window: float) -> float:
        """Count one call against a sliding-window quota; returns 0 if allowed, else the
        seconds until the oldest call in the window expires."""
        now = time.time()
        with self.lock:
            calls = [t for t in self.counters.get(key, []) if t > now - window]
            if len(calls) >= limit:
                self.counters[key] = calls
                return calls[0] + window - now
            calls.append(now)
            self.counters[key] = calls
            return 0.0

    def add_post(self, post: Post) -> Post:
        with self.lock:
            self.posts[post.id] = post
        return post

    def live(self, post_id: str, platform: str | None = None) -> Post | None:
        with self.lock:
            post = self.posts.get(post_id)
            if post is None or post.deleted or (platform and post.platform != platform):
                return None
            return post

    def delete(self, post_id: str) -> bool:
        """Count every delete call; return True if a live post was removed."""
        with self.lock:
            self.delete_calls[post_id] = self.delete_calls.get(post_id, 0) + 1
            post = self.posts.get(post_id)
            if post is None or post.deleted:
                return False
            post.deleted = True
            return True

    def by_author(self, platform: str, author: str) -> list[Post]:
        with self.lock:
            return sorted(
                (p for p in self.posts.values() if p.platform == platform and p.author == author and not p.deleted),
                key=lambda p: p.created_at, reverse=True,
            )

    def snapshot(self, platform: str = "", include_deleted: bool = True) -> list[dict[str, Any]]:
        with self.lock:
            return [
                p.as_dict() for p in self.posts.values()
                if (not platform or p.platform == platform) and (include_deleted or not p.deleted)
            ]
