"""Fake Mastodon REST API (statuses, media, accounts, instance)."""

from __future__ import annotations

import re
from typing import Any

from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store


def _status(post: Post, base: str) -> dict[str, Any]:
    return {"id": post.id, "url": f"{base}/@{post.author}/{post.id}", "uri": f"{base}/statuses/{post.id}",
            "content": f"<p>{post.text}</p>", "text": post.text, "visibility": post.data.get("visibility", "public"),
            "language": post.data.get("language"), "media_attachments": post.data.get("media", []),
            "account": {"id": post.author, "acct": post.author}}


def mastodon(store: Store, req: Req) -> Resp:
    if req.method == "GET" and req.path == "/api/v2/instance":
        return Resp(200, {"domain": "fake.social", "configuration": {
            "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23}}})
    if not bearer(req):
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
