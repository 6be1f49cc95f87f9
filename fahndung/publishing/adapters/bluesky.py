"""Bluesky over AT Protocol XRPC (createSession/refreshSession, uploadBlob, createRecord,
deleteRecord, getRecord) via core.http.

Sessions: one per account for all worker processes, encrypted in the database
(publishing.sessions). The access JWT is used until shortly before its `exp`, then renewed
with `refreshSession`; `createSession` only when there is no session or the refresh token
is dead – the entryway allows about 100 logins a day per account (docs.bsky.app
rate-limits; bsky-docs#183). Renewal is single-flight under the session row lock.
PDS: the `#atproto_pds` service of the DID document in the session answer (as the atproto
SDK does, client/methods_mixin/session.py); the configured PDS (default bsky.social, the
entryway) is only used to log in.

Idempotency: the record key (rkey) is a TID derived from the publication's creation time
and idempotency key. A repeated create with the same rkey answers HTTP 500 on the real PDS
(MST "already a value at key"); a 500 is therefore followed by getRecord – if the record is
there, it was ours. Links are not auto-detected: link (and tag) facets carry UTF-8 byte
offsets. Link-only posts add an external link card. A threadgate with an empty allow list
switches replies off (R10); it is ensured (created if missing, then read back) on every
path that returns a post – fresh, duplicate-detected, or recovered by find_existing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from fahndung.publishing import sessions
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

CAPABILITIES = Capabilities(can_delete=True)
POST = "app.bsky.feed.post"
GATE = "app.bsky.feed.threadgate"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
RENEW_MARGIN = 120  # seconds before `exp` an access token is renewed
# In-process copy of the shared session (account -> session dict), to spare a DB read per call.
_sessions: dict[str, dict[str, Any]] = {}
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


def jwt_exp(token: str) -> float:
    """`exp` claim of a JWT (not verified – the server does that); 0 if unreadable."""
    try:
        part = token.split(".")[1]
        return float(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))).get("exp", 0))
    except (IndexError, ValueError, TypeError, AttributeError):
        return 0.0


def pds_of(did_doc: Any) -> str:
    for service in (did_doc or {}).get("service", []) if isinstance(did_doc, dict) else []:
        if str(service.get("id", "")).endswith("#atproto_pds") and service.get("serviceEndpoint"):
            return str(service["serviceEndpoint"]).rstrip("/")
    return ""


class BlueskyAdapter(HttpAdapter):
    platform = "bluesky"
    capabilities = CAPABILITIES

    def __init__(self, account: AccountConfig) -> None:
        super().__init__(account)
        self.entryway = account.get("PDS", "https://bsky.social").rstrip("/")
        self.handle = account.get("HANDLE")

    # --- session --------------------------------------------------------------------------
    def _from_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"access": data["accessJwt"], "refresh": data["refreshJwt"], "did": data["did"],
                "pds": pds_of(data.get("didDoc")) or self.entryway}

    def _login(self) -> dict[str, Any]:
        resp = self._call("lookup", "POST", f"{self.entryway}/xrpc/com.atproto.server.createSession",
                          json={"identifier": self.handle, "password": self.config.get("APP_PASSWORD")})
        return self._from_answer(resp.json())

    def _refresh(self, current: dict[str, Any]) -> dict[str, Any]:
        resp = self._call("lookup", "POST", f"{self.entryway}/xrpc/com.atproto.server.refreshSession",
                          headers={"Authorization": f"Bearer {current['refresh']}"}, accept=(400, 401))
        if resp.status_code >= 400:  # refresh token expired/revoked: the one case for a new login
            return self._login()
        return self._from_answer(resp.json())

    def _renewed(self, stale_access: str = "") -> dict[str, Any]:
        def renew(current: dict[str, Any] | None) -> dict[str, Any]:
            if current and current.get("access") != stale_access and jwt_exp(current["access"]) > time.time() + RENEW_MARGIN:
                return current  # another process renewed it meanwhile
            if current and current.get("refresh") and jwt_exp(current["refresh"]) > time.time():
                return self._refresh(current)
            return self._login()

        session = sessions.session_renew(self.account, renew)
        with _lock:
            _sessions[self.account] = session
        return session

    def _session(self, *, stale_access: str = "") -> dict[str, Any]:
        with _lock:
            session = _sessions.get(self.account)
        if not session or session["access"] == stale_access:
            session = sessions.session_load(self.account)
        usable = session and session["access"] != stale_access and jwt_exp(session["access"]) > time.time() + RENEW_MARGIN
        if not usable:
            return self._renewed(stale_access)
        with _lock:
            _sessions[self.account] = session
        return session

    def _xrpc(self, operation: str, method: str, name: str, **kwargs: Any) -> Any:
        session = self._session()
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {session['access']}"}
        try:
            return self._call(operation, method, f"{session['pds']}/xrpc/{name}", headers=headers, **kwargs)
        except AdapterError as exc:
            if exc.http_status in (400, 401) and "expired" in exc.message.lower():
                session = self._session(stale_access=session["access"])
                headers["Authorization"] = f"Bearer {session['access']}"
                return self._call(operation, method, f"{session['pds']}/xrpc/{name}", headers=headers, **kwargs)
            raise

    def _did(self) -> str:
        return self._session()["did"]

    # --- records --------------------------------------------------------------------------
    def upload_media(self, item: MediaItem) -> dict:
        resp = self._xrpc("upload", "POST", "com.atproto.repo.uploadBlob", content=item.data,
                          headers={"Content-Type": item.mime_type})
        return resp.json()["blob"]

    def _rkey(self, payload: Payload) -> str:
        created = payload.created_at or datetime.now(UTC)
        return tid_for(created, payload.idempotency_key)

    def _get(self, operation: str, did: str, collection: str, rkey: str) -> dict | None:
        """The record's value, or None if the PDS says RecordNotFound."""
        resp = self._xrpc(operation, "GET", "com.atproto.repo.getRecord", accept=(400, 404),
                          params={"repo": did, "collection": collection, "rkey": rkey})
        if resp.status_code < 400:
            return resp.json().get("value") or {}
        if "RecordNotFound" in resp.text or resp.status_code == 404:
            return None
        raise AdapterError(f"bluesky: {resp.text[:200]}", permanent=False, http_status=resp.status_code)

    def _create(self, operation: str, did: str, collection: str, rkey: str, record: dict) -> None:
        """createRecord with a fixed rkey; an existing record with that key counts as ours
        (the real PDS answers a bare 500 for it, so a 500 is checked by getRecord)."""
        try:
            self._xrpc(operation, "POST", "com.atproto.repo.createRecord",
                       json={"repo": did, "collection": collection, "rkey": rkey, "record": record})
        except AdapterError as exc:
            if exc.http_status != 500 or self._get(operation, did, collection, rkey) is None:
                raise

    def _ensure_gate(self, did: str, rkey: str, created_at: str) -> None:
        """Replies off (R10), idempotent, and read back: a post whose gate cannot be
        confirmed is reported as a transient error (the retry finds the post and tries again)."""
        gate = self._get("publish", did, GATE, rkey)
        if gate is None:
            self._create("publish", did, GATE, rkey, {"$type": GATE, "post": f"at://{did}/{POST}/{rkey}",
                                                      "allow": [], "createdAt": created_at})
            gate = self._get("publish", did, GATE, rkey)
        if gate is None or gate.get("allow") != []:
            raise AdapterError("bluesky: Antwortsperre (threadgate) nicht bestätigt; neuer Versuch folgt.",
                               permanent=False)

    def publish(self, payload: Payload) -> RemoteRef:
        did = self._did()
        rkey = self._rkey(payload)
        created_at = _created_at(payload)
        record: dict = {"$type": POST, "text": payload.text, "langs": ["de"], "createdAt": created_at,
                        "facets": bluesky_facets(payload.text)}
        if payload.media:
            images = [{"image": self.upload_media(m), "alt": m.alt_text} for m in payload.media[:4]]
            record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
        elif payload.link:
            record["embed"] = {"$type": "app.bsky.embed.external", "external": {
                "uri": payload.link, "title": "Öffentlichkeitsfahndung der Polizei", "description": ""}}
        self._create("publish", did, POST, rkey, record)
        self._ensure_gate(did, rkey, created_at)
        return self._ref(did, rkey)

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
        return self._get("verify", repo, collection, rkey) is not None

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        did = self._did()
        rkey = self._rkey(payload)
        if self._get("lookup", did, POST, rkey) is None:
            return None
        self._ensure_gate(did, rkey, _created_at(payload))  # a recovered post gets its gate too
        return self._ref(did, rkey)


def _created_at(payload: Payload) -> str:
    return (payload.created_at or datetime.now(UTC)).astimezone(UTC).isoformat().replace("+00:00", "Z")


def build(account: AccountConfig) -> BlueskyAdapter:
    return BlueskyAdapter(account)
