"""Fake Bluesky PDS (AT Protocol XRPC: sessions, blobs, records)."""

from __future__ import annotations

import re
import secrets

from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store


def _xrpc_error(status: int, error: str, message: str) -> Resp:
    return Resp(status, {"error": error, "message": message})


def bluesky(store: Store, req: Req) -> Resp:
    method = req.path.removeprefix("/xrpc/")
    if method == "com.atproto.server.createSession" and req.method == "POST":
        data = req.json()
        if not data.get("identifier") or not data.get("password"):
            return _xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        handle = str(data["identifier"])
        did = "did:plc:" + re.sub(r"[^a-z0-9]", "", handle.lower())[:24]
        token = f"{did}|{secrets.token_hex(8)}"
        return Resp(200, {"accessJwt": token, "refreshJwt": token + "r", "handle": handle, "did": did})
    if not bearer(req):
        return _xrpc_error(401, "AuthenticationRequired", "Authentication Required")
    did = req.header("authorization")[7:].split("|", 1)[0]
    if method == "com.atproto.repo.uploadBlob" and req.method == "POST":
        if len(req.body) > 1_000_000:
            return _xrpc_error(400, "BlobTooLarge", "This file is too large. It is 1 MB maximum.")
        cid = "bafkrei" + secrets.token_hex(20)
        store.media[cid] = {"platform": "bluesky", "size": len(req.body)}
        return Resp(200, {"blob": {"$type": "blob", "ref": {"$link": cid},
                                   "mimeType": req.header("content-type") or "application/octet-stream", "size": len(req.body)}})
    if method == "com.atproto.repo.createRecord" and req.method == "POST":
        data = req.json()
        if data.get("repo") not in (did, None) and not str(data.get("repo", "")).startswith(did):
            return _xrpc_error(400, "InvalidRequest", "repo does not match session")
        record = data.get("record") or {}
        text = str(record.get("text", ""))
        if len(text.encode("utf-8")) > 3000:
            return _xrpc_error(400, "InvalidRecord", "Record/text must not be longer than 3000 bytes")
        import regex

        if len(regex.findall(r"\X", text)) > 300:
            return _xrpc_error(400, "InvalidRecord", "Record/text must not be longer than 300 graphemes")
        rkey = str(data.get("rkey") or store.next_id())
        post_id = f"at://{did}/{data.get('collection')}/{rkey}"
        if store.live(post_id):
            return _xrpc_error(400, "InvalidRequest", "Record already exists")
        store.add_post(Post("bluesky", post_id, did, text, {"record": record}))
        return Resp(200, {"uri": post_id, "cid": "bafyrei" + secrets.token_hex(20)})
    if method == "com.atproto.repo.deleteRecord" and req.method == "POST":
        data = req.json()
        store.delete(f"at://{did}/{data.get('collection')}/{data.get('rkey')}")
        return Resp(200, {})  # deleting a missing record succeeds, as on a PDS
    if method == "com.atproto.repo.getRecord" and req.method == "GET":
        q = {k: v[-1] for k, v in req.query.items()}
        uri = f"at://{q.get('repo')}/{q.get('collection')}/{q.get('rkey')}"
        post = store.live(uri, "bluesky")
        if post is None:
            return _xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return Resp(200, {"uri": uri, "cid": "bafyrei0", "value": post.data.get("record", {})})
    return _xrpc_error(404, "MethodNotImplemented", f"Method Not Implemented: {method}")
