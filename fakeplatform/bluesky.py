"""Fake Bluesky entryway + PDS (AT Protocol XRPC: sessions, blobs, records).

Quirks reproduced, each with where it is documented:
- Error envelope `{"error": "<Name>", "message": "..."}` [atproto xrpc spec, docs.bsky.app].
- 429 with `Retry-After` and `RateLimit-Limit/-Remaining/-Reset/-Policy` headers [atproto
  packages/xrpc-server/src/rate-limiter-http.ts].
- `createSession` is limited per account: 30 per 5 minutes and (entryway) about 100 per day
  [docs.bsky.app/docs/advanced-guides/rate-limits; bsky-docs#183] — options
  `bsky_logins_per_day` (100), `bsky_logins_per_5min` (30).
- Access tokens are JWTs that expire (PDS: 2 h); an expired one is a 400 `ExpiredToken`;
  `refreshSession` takes the refresh JWT and rotates both [lexicon
  com.atproto.server.refreshSession; atproto SDK session refresh]. Option
  `bsky_access_ttl` (seconds) shortens it for tests.
- The session answer carries `didDoc`; its `#atproto_pds` service is the PDS the client must
  talk to [atproto SDK client/methods_mixin/session.py; docs.bsky.app entryway]. Here the
  entryway is `/bsky`, the PDS `/bsky-pds`; repo calls to the entryway are refused
  unless option `bsky_entryway_proxies` is True.
- `createRecord` with an rkey that exists: HTTP 500 `InternalServerError` (the MST throws
  "There is already a value at key", xrpc-server hides 500 details) [atproto
  packages/repo/src/mst/mst.ts, packages/xrpc-server/src/errors.ts].
- Records are validated against their lexicon (app.bsky.feed.post, threadgate, embeds),
  blob size limits included (`embed.images` maxSize 1,000,000) at createRecord, not at
  uploadBlob [lexicons/app/bsky/feed/post.json, embed/images.json, feed/threadgate.json].
- `deleteRecord` of a missing record is a no-op 200; `getRecord` of one is 400
  `RecordNotFound` [atproto pds api/com/atproto/repo/deleteRecord.ts, getRecord.ts].
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from typing import Any

from fakeplatform import lexicon
from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store

DAY = 86400


def _error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> Resp:
    return Resp(status, {"error": error, "message": message}, headers or {})


def throttled(limit: int, window: int, wait: float) -> Resp:
    reset = int(time.time() + wait) + 1
    return _error(429, "RateLimitExceeded", "Rate Limit Exceeded", {
        "Retry-After": str(int(wait) + 1), "RateLimit-Limit": str(limit), "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(reset), "RateLimit-Policy": f"{limit};w={window}"})


def fault_response(status: int, reset_in: int) -> Resp:
    if status == 429:
        return throttled(3000, 300, reset_in - 1)
    names = {400: "InvalidRequest", 401: "AuthenticationRequired", 403: "Forbidden"}
    name = names.get(status, "InternalServerError" if status >= 500 else "InvalidRequest")
    return _error(status, name, "Internal Server Error" if status >= 500 else name)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _jwt(did: str, scope: str, ttl: float) -> str:
    head = _b64({"typ": "at+jwt" if scope == "com.atproto.access" else "refresh+jwt", "alg": "HS256"})
    now = int(time.time())
    body = _b64({"scope": scope, "sub": did, "iat": now, "exp": now + int(ttl), "jti": secrets.token_hex(8)})
    return f"{head}.{body}.{secrets.token_hex(16)}"


def _claims(token: str) -> dict[str, Any]:
    try:
        part = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        return {}


def _session(store: Store, did: str, handle: str, base: str) -> Resp:
    access = _jwt(did, "com.atproto.access", float(store.option("bsky_access_ttl", 7200)))
    refresh = _jwt(did, "com.atproto.refresh", 90 * DAY)
    with store.lock:
        store.sessions[refresh] = did
    pds = base.removesuffix("-pds") + "-pds"
    return Resp(200, {"accessJwt": access, "refreshJwt": refresh, "handle": handle, "did": did, "active": True,
                      "didDoc": {"@context": ["https://www.w3.org/ns/did/v1"], "id": did,
                                 "alsoKnownAs": [f"at://{handle}"],
                                 "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                                              "serviceEndpoint": pds}]}})


def bluesky(store: Store, req: Req) -> Resp:
    method = req.path.removeprefix("/xrpc/")
    entryway = not req.base.endswith("-pds")
    if method == "com.atproto.server.createSession" and req.method == "POST":
        data = req.json()
        if not data.get("identifier") or not data.get("password"):
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        handle = str(data["identifier"])
        for limit, window in ((int(store.option("bsky_logins_per_5min", 30)), 300),
                              (int(store.option("bsky_logins_per_day", 100)), DAY)):
            wait = store.hit(f"bsky:login:{window}:{handle}", limit, window)
            if wait:
                return throttled(limit, window, wait)
        did = "did:plc:" + re.sub(r"[^a-z0-9]", "", handle.lower())[:24]
        return _session(store, did, handle, req.base)
    if method == "com.atproto.server.refreshSession" and req.method == "POST":
        token = req.header("authorization")[7:]
        with store.lock:
            did = store.sessions.pop(token, None)  # rotated: a refresh token works once
        if did is None or _claims(token).get("exp", 0) < time.time():
            return _error(400, "ExpiredToken", "Token has been revoked")
        return _session(store, did, _claims(token).get("handle", did), req.base)
    if not bearer(req):
        return _error(401, "AuthenticationRequired", "Authentication Required")
    claims = _claims(req.header("authorization")[7:])
    if claims.get("scope") != "com.atproto.access":
        return _error(400, "InvalidToken", "Bad token scope")
    if claims.get("exp", 0) < time.time():
        return _error(400, "ExpiredToken", "Token has expired")
    did = str(claims.get("sub", ""))
    if entryway and method.startswith("com.atproto.repo.") and not store.option("bsky_entryway_proxies", False):
        return _error(400, "InvalidRequest", "Use the PDS from the DID document (#atproto_pds)")
    if method == "com.atproto.repo.uploadBlob" and req.method == "POST":
        cid = "bafkrei" + secrets.token_hex(26)
        store.media[cid] = {"platform": "bluesky", "size": len(req.body)}
        return Resp(200, {"blob": {"$type": "blob", "ref": {"$link": cid},
                                   "mimeType": req.header("content-type") or "application/octet-stream",
                                   "size": len(req.body)}})
    if method == "com.atproto.repo.createRecord" and req.method == "POST":
        return _create(store, req, did)
    if method == "com.atproto.repo.deleteRecord" and req.method == "POST":
        data = req.json()
        store.delete(f"at://{did}/{data.get('collection')}/{data.get('rkey')}")
        return Resp(200, {})  # deleting a missing record succeeds, as on a PDS
    if method == "com.atproto.repo.getRecord" and req.method == "GET":
        q = {k: v[-1] for k, v in req.query.items()}
        uri = f"at://{q.get('repo')}/{q.get('collection')}/{q.get('rkey')}"
        post = store.live(uri, "bluesky")
        if post is None:
            return _error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return Resp(200, {"uri": uri, "cid": post.data["cid"], "value": post.data.get("record", {})})
    return _error(404, "MethodNotImplemented", f"Method Not Implemented: {method}")


def _create(store: Store, req: Req, did: str) -> Resp:
    data = req.json()
    if data.get("repo") != did:
        return _error(400, "InvalidRequest", "repo does not match session")
    collection = str(data.get("collection") or "")
    record = data.get("record") or {}
    problem = lexicon.validate_record(collection, record, store.media)
    if problem:
        return _error(400, "InvalidRecord", f"Invalid {collection} record: {problem}")
    rkey = str(data.get("rkey") or store.next_id())
    if not re.fullmatch(r"[A-Za-z0-9._:~-]{1,512}", rkey) or rkey in (".", ".."):
        return _error(400, "InvalidRequest", "Invalid record key")
    uri = f"at://{did}/{collection}/{rkey}"
    with store.lock:
        if uri in store.posts and not store.posts[uri].deleted:
            # MST.add: "There is already a value at key" -> plain Error -> HTTP 500
            return _error(500, "InternalServerError", "Internal Server Error")
        cid = "bafyrei" + secrets.token_hex(26)
        store.add_post(Post("bluesky", uri, did, str(record.get("text", "")), {"record": record, "cid": cid}))
    return Resp(200, {"uri": uri, "cid": cid, "validationStatus": "valid"})
