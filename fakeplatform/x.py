"""Fake X API v2 (posts, users, media upload and metadata) and the v1.1 upload."""

from __future__ import annotations

import re
import zlib
from urllib.parse import unquote

from fakeplatform.common import Req, Resp
from fakeplatform.store import Post, Store


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
