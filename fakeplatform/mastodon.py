"""Fake Mastodon REST API (statuses, media, accounts, instance).

Quirks reproduced, each with where it is documented:
- Error envelope `{"error": "..."}` [docs.joinmastodon.org/entities/Error].
- 429 answers carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` as
  an ISO-8601 timestamp, no Retry-After [mastodon config/initializers/rack_attack.rb
  `throttled_responder`; docs api/rate-limits.md; Mastodon.py internals.py parses a date].
- Deleting statuses is throttled to 30 per 30 minutes per account [rack_attack.rb
  `throttle_authenticated_api`/api/rate-limits.md "DELETE /api/v1/statuses/:id 30 per 30 min"];
  option `mastodon_delete_limit` changes the 30 (tests, benchmark).
- `POST /api/v2/media` answers 202 with `url: null` while the file is processed; `GET
  /api/v1/media/:id` answers 206 until it is ready, then 200 with the url [methods/media.md];
  option `mastodon_media_polls` (default 2) is how many GETs stay 206. A status that
  attaches unprocessed media is a 422 "Cannot attach files that have not finished
  processing. Try again in a moment!" [mastodon PostStatusService / en.yml
  media_attachments.validations.not_ready].
- `Idempotency-Key` returns the same status for 1 h [methods/statuses.md].
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store

DELETE_WINDOW = 30 * 60


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def throttled(limit: int, reset_in: float) -> Resp:
    return Resp(429, {"error": "Too many requests"}, {
        "X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": _iso(time.time() + reset_in)})


def fault_response(status: int, reset_in: int) -> Resp:
    if status == 429:
        return throttled(300, reset_in)
    message = {401: "The access token is invalid", 404: "Record not found",
               422: "Validation failed"}.get(status, "Internal Server Error" if status >= 500 else f"HTTP {status}")
    return Resp(status, {"error": message})


def _status(post: Post, base: str) -> dict[str, Any]:
    return {"id": post.id, "url": f"{base}/@{post.author}/{post.id}", "uri": f"{base}/statuses/{post.id}",
            "content": f"<p>{post.text}</p>", "text": post.text, "visibility": post.data.get("visibility", "public"),
            "language": post.data.get("language"), "media_attachments": post.data.get("media", []),
            "account": {"id": post.author, "acct": post.author}}


def _media(store: Store, media_id: str, base: str, ready: bool) -> dict[str, Any]:
    item = store.media[media_id]
    return {"id": media_id, "type": "image", "url": f"{base}/media/{media_id}" if ready else None,
            "preview_url": f"{base}/media/{media_id}/small" if ready else None,
            "description": item.get("description", "")}


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
        return _create(store, req, author)
    match = re.fullmatch(r"/api/v1/statuses/(\w+)", req.path)
    if match:
        post = store.live(match.group(1), "mastodon")
        if req.method == "DELETE":
            limit = int(store.option("mastodon_delete_limit", 30))
            wait = store.hit(f"mastodon:delete:{author}", limit, DELETE_WINDOW)
            if wait:
                return throttled(limit, wait)
            store.delete(match.group(1))
            return Resp(200, _status(post, req.base)) if post else Resp(404, {"error": "Record not found"})
        if req.method == "GET":
            return Resp(200, _status(post, req.base)) if post else Resp(404, {"error": "Record not found"})
    if req.method == "POST" and req.path == "/api/v2/media":
        form = req.form()
        if not isinstance(form.get("file"), bytes):
            return Resp(422, {"error": "Validation failed: File can't be blank"})
        media_id = store.next_id()
        polls = int(store.option("mastodon_media_polls", 2))
        store.media[media_id] = {"platform": "mastodon", "description": form.get("description", ""),
                                 "polls_left": polls, "owner": author}
        return Resp(202 if polls > 0 else 200, _media(store, media_id, req.base, polls <= 0))
    match = re.fullmatch(r"/api/v1/media/(\w+)", req.path)
    if match and req.method == "GET" and match.group(1) in store.media:
        with store.lock:
            item = store.media[match.group(1)]
            ready = item["polls_left"] <= 0
            item["polls_left"] -= 1  # processing advances; this answer still says 206
        return Resp(200 if ready else 206, _media(store, match.group(1), req.base, ready))
    return Resp(404, {"error": "Record not found"})


def _create(store: Store, req: Req, author: str) -> Resp:
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
    for m in media_ids:
        if m not in store.media:
            return Resp(422, {"error": "Validation failed: Media attachments are invalid"})
        if store.media[m]["polls_left"] > 0:
            return Resp(422, {"error": "Cannot attach files that have not finished processing. Try again in a moment!"})
    media = [{"id": m, "description": store.media[m].get("description")} for m in media_ids]
    post = store.add_post(Post("mastodon", store.next_id(), author, text,
                               {"visibility": form.get("visibility", "public"), "language": form.get("language"),
                                "media": media}))
    if key:
        with store.lock:
            store.idempotency[("mastodon", f"{author}:{key}")] = post.id
    return Resp(200, _status(post, req.base))
