"""Bluesky over AT Protocol XRPC (createSession, uploadBlob, createRecord, deleteRecord,
getRecord) via core.http.

Idempotency: the record key (rkey) is a TID derived from the publication's creation time
and idempotency key, so a retried create either succeeds once or answers "already
exists" – never a second post. Links are not auto-detected: link (and tag) facets carry
UTF-8 byte offsets. Link-only posts add an external link card. A threadgate with an
empty allow list switches replies off (R10).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from datetime import UTC, datetime

from fahndung.publishing.adapters._http import HttpAdapter
from fahndung.publishing.adapters.base import (
    AdapterError,
    Capabilities,
    MediaItem,
    Payload,
    RemoteRef,
)
from fahndung.publishing.conf import AccountConfig
from fahndung.publishing.posts.counting import bluesky_facets

CAPABILITIES = Capabilities(can_delete=True, can_edit=False, can_disable_comments=True)
POST = "app.bsky.feed.post"
GATE = "app.bsky.feed.threadgate"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_sessions: dict[str, tuple[str, str, float]] = {}  # account -> (jwt, did, expires monotonic)
_lock = threading.Lock()


def tid_for(created_at: datetime, key: str) -> str:
    """A valid, stable TID: 53 bits of microseconds since epoch + 10-bit clock id."""
    micros = int(created_at.timestamp() * 1_000_000)
    clock_id = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 1024
    value = (micros << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_B32[value & 31])
        value >>= 5
    return "".join(reversed(chars))


class BlueskyAdapter(HttpAdapter):
    platform = "bluesky"
    capabilities = CAPABILITIES

    def __init__(self, account: AccountConfig) -> None:
        super().__init__(account)
        self.pds = account.get("PDS", "https://bsky.social").rstrip("/")
        self.handle = account.get("HANDLE")

    def _session(self, *, fresh: bool = False) -> tuple[str, str]:
        with _lock:
            cached = _sessions.get(self.account)
            if cached and not fresh and cached[2] > time.monotonic():
                return cached[0], cached[1]
        resp = self._call("lookup", "POST", f"{self.pds}/xrpc/com.atproto.server.createSession",
                          json={"identifier": self.handle, "password": self.config.get("APP_PASSWORD")})
        data = resp.json()
        with _lock:
            _sessions[self.account] = (data["accessJwt"], data["did"], time.monotonic() + 1800)
        return data["accessJwt"], data["did"]

    def _xrpc(self, operation: str, method: str, name: str, **kwargs) -> object:
        jwt, _did = self._session()
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {jwt}"}
        try:
            return self._call(operation, method, f"{self.pds}/xrpc/{name}", headers=headers, **kwargs)
        except AdapterError as exc:
            if exc.http_status in (400, 401) and "expired" in exc.message.lower():
                jwt, _did = self._session(fresh=True)
                headers["Authorization"] = f"Bearer {jwt}"
                return self._call(operation, method, f"{self.pds}/xrpc/{name}", headers=headers, **kwargs)
            raise

    def _did(self) -> str:
        return self._session()[1]

    def upload_media(self, item: MediaItem) -> dict:
        resp = self._xrpc("upload", "POST", "com.atproto.repo.uploadBlob", content=item.data,
                          headers={"Content-Type": item.mime_type})
        return resp.json()["blob"]

    def _rkey(self, payload: Payload) -> str:
        created = payload.created_at or datetime.now(UTC)
        return tid_for(created, payload.idempotency_key)

    def publish(self, payload: Payload) -> RemoteRef:
        did = self._did()
        rkey = self._rkey(payload)
        record: dict = {
            "$type": POST, "text": payload.text, "langs": ["de"],
            "createdAt": (payload.created_at or datetime.now(UTC)).astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "facets": bluesky_facets(payload.text),
        }
        if payload.media:
            images = [{"image": self.upload_media(m), "alt": m.alt_text} for m in payload.media[:4]]
            record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
        elif payload.link:
            record["embed"] = {"$type": "app.bsky.embed.external", "external": {
                "uri": payload.link, "title": "Öffentlichkeitsfahndung der Polizei", "description": ""}}
        resp = self._xrpc("publish", "POST", "com.atproto.repo.createRecord", accept=(400,),
                          json={"repo": did, "collection": POST, "rkey": rkey, "record": record})
        if resp.status_code == 400:
            body = resp.json()
            if "already exists" not in str(body.get("message", "")).lower():
                raise AdapterError(f"bluesky: {body.get('error')}: {body.get('message')}", permanent=True, http_status=400)
            # an earlier attempt created it and its answer was lost: same rkey, same post
        ref = self._ref(did, rkey)
        # The post is live; a failed reply gate must not cause a second post.
        with contextlib.suppress(AdapterError):
            self._xrpc("publish", "POST", "com.atproto.repo.createRecord", accept=(400,), json={
                "repo": did, "collection": GATE, "rkey": rkey,
                "record": {"$type": GATE, "post": ref.external_id, "allow": [],
                           "createdAt": record["createdAt"]}})
        return ref

    def _ref(self, did: str, rkey: str) -> RemoteRef:
        uri = f"at://{did}/{POST}/{rkey}"
        return RemoteRef(uri, self.config.view_url(uri, f"https://bsky.app/profile/{self.handle}/post/{rkey}"))

    @staticmethod
    def _parts(ref: RemoteRef) -> tuple[str, str, str]:
        _, _, rest = ref.external_id.partition("at://")
        repo, collection, rkey = rest.split("/", 2)
        return repo, collection, rkey

    def withdraw(self, ref: RemoteRef) -> None:
        repo, collection, rkey = self._parts(ref)
        self._xrpc("withdraw", "POST", "com.atproto.repo.deleteRecord",
                   json={"repo": repo, "collection": collection, "rkey": rkey})
        self._xrpc("withdraw", "POST", "com.atproto.repo.deleteRecord",
                   json={"repo": repo, "collection": GATE, "rkey": rkey})

    def verify(self, ref: RemoteRef) -> bool:
        repo, collection, rkey = self._parts(ref)
        resp = self._xrpc("verify", "GET", "com.atproto.repo.getRecord", accept=(400, 404),
                          params={"repo": repo, "collection": collection, "rkey": rkey})
        if resp.status_code < 400:
            return True
        if "RecordNotFound" in resp.text or resp.status_code == 404:
            return False
        raise AdapterError(f"bluesky: {resp.text[:200]}", permanent=False, http_status=resp.status_code)

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        did = self._did()
        rkey = self._rkey(payload)
        ref = self._ref(did, rkey)
        return ref if self.verify(ref) else None


def build(account: AccountConfig) -> BlueskyAdapter:
    return BlueskyAdapter(account)
