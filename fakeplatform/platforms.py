"""Route handlers speaking the subset of each platform API that Fahndung uses.

Each handler gets a Req and returns a Resp. Paths are relative to the platform prefix
(/x, /graph/v23.0, /mastodon, /bsky, /linkedin). Shapes follow the public API docs
(see docs/publishing.md); authentication is checked for presence, not validity.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import zlib
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from fakeplatform.store import Post, Store


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    base: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def form(self) -> dict[str, Any]:
        """Fields of a urlencoded or multipart body merged with the query string;
        file parts come back as bytes."""
        out: dict[str, Any] = {k: v[-1] for k, v in self.query.items()}
        ctype = self.header("content-type")
        if ctype.startswith("application/x-www-form-urlencoded"):
            for key, values in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items():
                out[key] = values if key.endswith("[]") else values[-1]
        elif ctype.startswith("multipart/form-data"):
            msg = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {ctype}\r\n\r\n".encode() + self.body
            )
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if not name:
                    continue
                payload = part.get_payload(decode=True) or b""
                out[name] = payload if part.get_filename() else payload.decode("utf-8")
        elif ctype.startswith("application/json"):
            out.update(self.json())
        return out


@dataclass
class Resp:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def _bearer(req: Req) -> bool:
    return req.header("authorization").startswith("Bearer ")


# --- X (v2 + v1.1 upload) -------------------------------------------------------------

def x(store: Store, req: Req) -> Resp:
    if not req.header("authorization").startswith(("OAuth ", "Bearer ")):
        return Resp(401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
    author = _oauth_token(req.header("authorization")) or "x-user"
    if req.method == "POST" and req.path == "/2/tweets":
        data = req.json()
        text = str(data.get("text", ""))
        if not text.strip() and not data.get("media"):
            return Resp(400, {"errors": [{"message": "text or media required"}], "title": "Invalid Request"})
        post = store.add_post(Post("x", store.next_id(), author, text, {"media_ids": (data.get("media") or {}).get("media_ids", []),
                                                                         "reply_settings": data.get("reply_settings", "everyone")}))
        return Resp(201, {"data": {"id": post.id, "text": text, "edit_history_tweet_ids": [post.id]}})
    match = re.fullmatch(r"/2/tweets/(\w+)", req.path)
    if match and req.method == "DELETE":
        if store.delete(match.group(1)):
            return Resp(200, {"data": {"deleted": True}})
        return Resp(404, {"title": "Not Found Error", "detail": "Could not find tweet", "status": 404})
    if match and req.method == "GET":
        post = store.live(match.group(1), "x")
        if post is None:
            # X answers 200 with an errors array for a missing post.
            return Resp(200, {"errors": [{"title": "Not Found Error", "resource_id": match.group(1),
                                          "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
        return Resp(200, {"data": {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}})
    if req.method == "GET" and req.path == "/2/users/me":
        return Resp(200, {"data": {"id": author, "name": "Fake", "username": author}})
    match = re.fullmatch(r"/2/users/([\w-]+)/tweets", req.path)
    if match and req.method == "GET":
        posts = store.by_author("x", match.group(1))[:100]
        return Resp(200, {"data": [{"id": p.id, "text": p.text, "edit_history_tweet_ids": [p.id]} for p in posts], "meta": {"result_count": len(posts)}})
    if req.method == "POST" and req.path in ("/1.1/media/upload.json", "/2/media/upload"):
        form = req.form()
        media = form.get("media")
        if not isinstance(media, bytes) or not media:
            return Resp(400, {"errors": [{"message": "media missing"}]})
        media_id = store.next_id()
        store.media[media_id] = {"platform": "x", "size": len(media), "alt": ""}
        if req.path.startswith("/2/"):
            return Resp(200, {"data": {"id": media_id, "media_key": f"3_{media_id}"}})
        return Resp(200, {"media_id": int(media_id), "media_id_string": media_id, "size": len(media),
                          "image": {"image_type": "image/jpeg", "w": 1, "h": 1}})
    if req.method == "POST" and req.path in ("/1.1/media/metadata/create.json", "/2/media/metadata"):
        data = req.json()
        media_id = str(data.get("media_id") or data.get("id") or "")
        if media_id in store.media:
            alt = data.get("alt_text", {})
            store.media[media_id]["alt"] = alt.get("text", "") if isinstance(alt, dict) else str(alt)
            return Resp(200, {})
        return Resp(400, {"errors": [{"message": "unknown media"}]})
    return Resp(404, {"title": "Not Found Error", "detail": f"no route {req.method} {req.path}"})


def _oauth_token(header: str) -> str:
    """X user id from the OAuth1 access token ("<user id>-<secret part>", as on X)."""
    match = re.search(r'oauth_token="([^"]+)"', header)
    token = unquote(match.group(1)) if match else ""
    head = token.split("-", 1)[0]
    return head if head.isdigit() else str(zlib.crc32(token.encode()) or 1)


# --- Graph API (Facebook Page, Instagram) -----------------------------------------------

def _graph_error(status: int, message: str, code: int, subcode: int | None = None) -> Resp:
    err: dict[str, Any] = {"message": message, "type": "OAuthException" if code == 190 else "GraphMethodException", "code": code}
    if subcode:
        err["error_subcode"] = subcode
    return Resp(status, {"error": err})


def graph_platform(store: Store, path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "facebook"
    if len(parts) > 1 and parts[1] in ("media", "media_publish"):
        return "instagram"
    post = store.posts.get(parts[0])
    if post is not None:
        return post.platform
    return "instagram" if parts[0] in store.media and store.media[parts[0]].get("platform") == "instagram" else "facebook"


def graph(store: Store, req: Req) -> Resp:
    form = req.form()
    if not (form.get("access_token") or _bearer(req)):
        return _graph_error(400, "An access token is required to request this resource.", 190)
    parts = [p for p in req.path.split("/") if p]
    if len(parts) == 2 and req.method == "POST" and parts[1] in ("feed", "photos"):
        page = parts[0]
        text = str(form.get("message") or form.get("caption") or "")
        post_id = f"{page}_{store.next_id()}"
        data = {"link": form.get("link", ""), "kind": parts[1]}
        if parts[1] == "photos":
            if not (form.get("url") or isinstance(form.get("source"), bytes)):
                return _graph_error(400, "(#324) Requires upload file", 324)
            data["alt_text_custom"] = form.get("alt_text_custom", "")
            photo_id = store.next_id()
            store.add_post(Post("facebook", post_id, page, text, data))
            return Resp(200, {"id": photo_id, "post_id": post_id})
        store.add_post(Post("facebook", post_id, page, text, data))
        return Resp(200, {"id": post_id})
    if len(parts) == 2 and req.method == "POST" and parts[1] == "media":
        if not form.get("image_url"):
            return _graph_error(400, "The parameter image_url is required", 100)
        container = store.next_id()
        store.media[container] = {"platform": "instagram", "owner": parts[0], "caption": form.get("caption", ""),
                                  "alt_text": form.get("alt_text", ""), "image_url": form.get("image_url")}
        return Resp(200, {"id": container})
    if len(parts) == 2 and req.method == "POST" and parts[1] == "media_publish":
        container = store.media.get(str(form.get("creation_id", "")))
        if container is None or container.get("published"):
            return _graph_error(400, "Invalid creation_id", 100, 2207027)
        container["published"] = True
        post = store.add_post(Post("instagram", store.next_id(), parts[0], container["caption"],
                                   {"alt_text": container["alt_text"], "comment_enabled": True}))
        return Resp(200, {"id": post.id})
    if len(parts) == 2 and req.method == "GET" and parts[1] in ("feed", "media"):
        platform = "instagram" if parts[1] == "media" else "facebook"
        posts = store.by_author(platform, parts[0])[:100]
        key = "caption" if platform == "instagram" else "message"
        return Resp(200, {"data": [{"id": p.id, key: p.text} for p in posts]})
    if len(parts) == 1:
        obj_id = parts[0]
        if req.method == "GET" and obj_id in store.media and "caption" in store.media[obj_id]:
            return Resp(200, {"id": obj_id, "status_code": "FINISHED"})
        post = store.live(obj_id)
        if req.method == "DELETE":
            if store.delete(obj_id):
                return Resp(200, {"success": True})
            return _graph_error(400, "Unsupported delete request. Object does not exist", 100, 33)
        if post is None:
            return _graph_error(400, "Unsupported get request. Object does not exist", 100, 33)
        if req.method == "GET":
            return Resp(200, {"id": post.id, "message": post.text, "permalink_url": f"{req.base}/{post.id}"})
        if req.method == "POST":
            if "comment_enabled" in form:
                post.data["comment_enabled"] = str(form["comment_enabled"]).lower() == "true"
            if "message" in form:
                post.text = str(form["message"])
            return Resp(200, {"success": True})
    return _graph_error(400, f"Unknown path components: {req.path}", 2500)


# --- Mastodon ---------------------------------------------------------------------------

def _status(post: Post, base: str) -> dict[str, Any]:
    return {"id": post.id, "url": f"{base}/@{post.author}/{post.id}", "uri": f"{base}/statuses/{post.id}",
            "content": f"<p>{post.text}</p>", "text": post.text, "visibility": post.data.get("visibility", "public"),
            "language": post.data.get("language"), "media_attachments": post.data.get("media", []),
            "account": {"id": post.author, "acct": post.author}}


def mastodon(store: Store, req: Req) -> Resp:
    if req.method == "GET" and req.path == "/api/v2/instance":
        return Resp(200, {"domain": "fake.social", "configuration": {
            "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23}}})
    if not _bearer(req):
        return Resp(401, {"error": "The access token is invalid"})
    author = "polizei-" + req.header("authorization")[7:][:6]
    if req.method == "GET" and req.path == "/api/v1/accounts/verify_credentials":
        return Resp(200, {"id": author, "acct": author, "username": author})
    match = re.fullmatch(r"/api/v1/accounts/([\w-]+)/statuses", req.path)
    if match and req.method == "GET":
        return Resp(200, [_status(p, req.base) for p in store.by_author("mastodon", match.group(1))[:40]])
    if req.method == "POST" and req.path == "/api/v1/statuses":
        form = req.form()
        text = str(form.get("status", ""))
        if not text.strip():
            return Resp(422, {"error": "Validation failed: Text can't be blank"})
        if len(text) > 500:
            return Resp(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
        key = req.header("idempotency-key")
        if key:
            with store.lock:
                existing = store.idempotency.get(("mastodon", f"{author}:{key}"))
            if existing and existing in store.posts:
                return Resp(200, _status(store.posts[existing], req.base))
        media_ids = form.get("media_ids[]") or form.get("media_ids") or []
        media_ids = [media_ids] if isinstance(media_ids, str) else list(media_ids)
        media = [{"id": m, "description": store.media.get(m, {}).get("description")} for m in media_ids]
        post = store.add_post(Post("mastodon", store.next_id(), author, text,
                                   {"visibility": form.get("visibility", "public"), "language": form.get("language"), "media": media}))
        if key:
            with store.lock:
                store.idempotency[("mastodon", f"{author}:{key}")] = post.id
        return Resp(200, _status(post, req.base))
    match = re.fullmatch(r"/api/v1/statuses/(\w+)", req.path)
    if match:
        post = store.live(match.group(1), "mastodon")
        if req.method == "DELETE":
            store.delete(match.group(1))
            return Resp(200, _status(post, req.base)) if post else Resp(404, {"error": "Record not found"})
        if req.method == "GET":
            return Resp(200, _status(post, req.base)) if post else Resp(404, {"error": "Record not found"})
    if req.method == "POST" and req.path == "/api/v2/media":
        form = req.form()
        if not isinstance(form.get("file"), bytes):
            return Resp(422, {"error": "Validation failed: File can't be blank"})
        media_id = store.next_id()
        store.media[media_id] = {"platform": "mastodon", "description": form.get("description", "")}
        return Resp(200, {"id": media_id, "type": "image", "url": f"{req.base}/media/{media_id}",
                          "description": form.get("description", "")})
    match = re.fullmatch(r"/api/v1/media/(\w+)", req.path)
    if match and req.method == "GET" and match.group(1) in store.media:
        return Resp(200, {"id": match.group(1), "type": "image", "url": f"{req.base}/media/{match.group(1)}"})
    return Resp(404, {"error": "Record not found"})


# --- Bluesky (AT Protocol XRPC) ---------------------------------------------------------

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
    if not _bearer(req):
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


# --- LinkedIn Posts API -----------------------------------------------------------------

def linkedin(store: Store, req: Req) -> Resp:
    if not _bearer(req):
        return Resp(401, {"status": 401, "serviceErrorCode": 65600, "message": "Invalid access token"})
    if not req.header("linkedin-version") or req.header("x-restli-protocol-version") != "2.0.0":
        return Resp(400, {"status": 400, "message": "Missing LinkedIn-Version or X-Restli-Protocol-Version header"})
    if req.method == "POST" and req.path == "/rest/posts":
        data = req.json()
        if not data.get("author") or data.get("lifecycleState") != "PUBLISHED":
            return Resp(422, {"status": 422, "message": "author and lifecycleState=PUBLISHED required"})
        commentary = str(data.get("commentary", ""))
        if len(commentary) > 3000:
            return Resp(422, {"status": 422, "message": "commentary too long"})
        urn = f"urn:li:share:{store.next_id()}"
        store.add_post(Post("linkedin", urn, str(data["author"]), commentary, {"body": data}))
        return Resp(201, None, {"x-restli-id": urn})
    if req.method == "GET" and req.path == "/rest/posts":
        author = (req.query.get("author") or [""])[-1]
        posts = store.by_author("linkedin", author)[:50]
        return Resp(200, {"elements": [{"id": p.id, "commentary": p.text, "author": p.author} for p in posts]})
    match = re.fullmatch(r"/rest/posts/(.+)", req.path)
    if match:
        urn = unquote(match.group(1))
        if req.method == "DELETE":
            store.delete(urn)
            return Resp(204)  # idempotent: deleting a deleted post is not an error
        if req.method == "GET":
            post = store.live(urn, "linkedin")
            if post is None:
                return Resp(404, {"status": 404, "message": f"Not found: {quote(urn)}"})
            return Resp(200, {"id": urn, "commentary": post.text, "author": post.author,
                              "lifecycleState": "PUBLISHED", "createdAt": int(post.created_at * 1000)})
    return Resp(404, {"status": 404, "message": "Not found"})


ROUTES = {"/x": ("x", x), "/graph": ("graph", graph), "/mastodon": ("mastodon", mastodon),
          "/bsky": ("bluesky", bluesky), "/linkedin": ("linkedin", linkedin)}


def now_epoch() -> int:
    return int(time.time())
