"""Fake X API v2 (posts, users, media upload and metadata) and the retired v1.1 upload.

Quirks reproduced, each with where it is documented:
- Error envelope of v2: RFC 7807-style problem `{"title", "detail", "type", "status"}`, or
  `{"errors": [...]}` for invalid requests [docs.x.com/x-api/fundamentals/response-codes-and-errors].
- 429 carries `x-rate-limit-limit/-remaining/-reset` (unix seconds), no Retry-After
  [docs.x.com/x-api/fundamentals/rate-limits]; tweepy reads `x-rate-limit-reset`.
- GET of a missing post: HTTP 200 with only `errors`, type `.../problems/resource-not-found`;
  a post of a protected/suspended account: 200 with `.../problems/not-authorized-for-resource`
  [docs.x.com response-codes: "partial errors" are returned with 200].
- Creating a post with the same text as a live post of the same author: 403
  `{"detail": "You are not allowed to create a Tweet with duplicate content.", "type":
  "about:blank", "title": "Forbidden", "status": 403}` (body as logged in
  akrherz/iembot#163, sferik/x-ruby#24).
- v1.1 `media/upload.json` is retired for self-serve tiers (2025; tweepy#2217,
  sns-sdks/python-twitter#175): answers 404 with the v1.1 envelope `{"errors":[{"code":34,
  "message":"Sorry, that page does not exist"}]}` unless option `x_v1_media` is True.
- `/2/media/upload`: multipart `media` + `media_category` (one of the xdk
  `MediaUploadRequest` literals); answer `{"data": {"id", "media_key", ...}}`.
- `/2/media/metadata` is strict: `{"id", "metadata": {"alt_text": {"text"}}}` only
  [docs.x.com/x-api/media/create-media-metadata; xdk CreateMediaMetadataRequest]; a
  top-level `alt_text` or `media_id` is a 400 invalid-request, alt text over 1,000 chars too.
"""

from __future__ import annotations

import re
import time
import zlib
from typing import Any
from urllib.parse import unquote

from fakeplatform.common import Req, Resp
from fakeplatform.store import Post, Store

PROBLEMS = "https://api.twitter.com/2/problems/"
MEDIA_CATEGORIES = {"tweet_image", "tweet_video", "tweet_gif", "dm_image", "dm_video", "dm_gif", "subtitles"}
ALT_TEXT_MAX = 1000


def fault_response(status: int, reset_in: int) -> Resp:
    if status == 429:
        return Resp(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                          "status": 429},
                    {"x-rate-limit-limit": "200", "x-rate-limit-remaining": "0",
                     "x-rate-limit-reset": str(int(time.time()) + reset_in)})
    titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found Error"}
    title = titles.get(status, "Service Unavailable" if status >= 500 else "Invalid Request")
    return Resp(status, {"title": title, "detail": title, "type": "about:blank", "status": status})


def _invalid(message: str) -> Resp:
    return Resp(400, {"errors": [{"message": message}], "title": "Invalid Request",
                      "detail": "One or more parameters to your request was invalid.",
                      "type": f"{PROBLEMS}invalid-request"})


def x(store: Store, req: Req) -> Resp:
    if not req.header("authorization").startswith(("OAuth ", "Bearer ")):
        return Resp(401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized", "type": "about:blank"})
    author = _oauth_token(req.header("authorization")) or "x-user"
    if req.method == "POST" and req.path == "/2/tweets":
        return _create(store, req, author)
    match = re.fullmatch(r"/2/tweets/(\w+)", req.path)
    if match and req.method == "DELETE":
        if store.delete(match.group(1)):
            return Resp(200, {"data": {"deleted": True}})
        return Resp(404, {"title": "Not Found Error", "detail": "Could not find tweet", "status": 404,
                          "type": f"{PROBLEMS}resource-not-found"})
    if match and req.method == "GET":
        return _get(store, match.group(1))
    if req.method == "GET" and req.path == "/2/users/me":
        return Resp(200, {"data": {"id": author, "name": "Fake", "username": author}})
    match = re.fullmatch(r"/2/users/([\w-]+)/tweets", req.path)
    if match and req.method == "GET":
        posts = store.by_author("x", match.group(1))[:100]
        return Resp(200, {"data": [{"id": p.id, "text": p.text, "edit_history_tweet_ids": [p.id]} for p in posts],
                          "meta": {"result_count": len(posts)}})
    if req.method == "POST" and req.path == "/1.1/media/upload.json":
        if not store.option("x_v1_media", False):
            return Resp(404, {"errors": [{"code": 34, "message": "Sorry, that page does not exist."}]})
        return _upload(store, req, v2=False)
    if req.method == "POST" and req.path == "/2/media/upload":
        return _upload(store, req, v2=True)
    if req.method == "POST" and req.path == "/1.1/media/metadata/create.json":
        data = req.json()
        media_id = str(data.get("media_id") or "")
        if media_id not in store.media:
            return Resp(400, {"errors": [{"code": 324, "message": "unknown media"}]})
        store.media[media_id]["alt"] = str((data.get("alt_text") or {}).get("text", ""))
        return Resp(200, None)
    if req.method == "POST" and req.path == "/2/media/metadata":
        return _metadata(store, req)
    return Resp(404, {"title": "Not Found Error", "detail": f"no route {req.method} {req.path}", "status": 404,
                      "type": "about:blank"})


def _create(store: Store, req: Req, author: str) -> Resp:
    data = req.json()
    text = str(data.get("text", ""))
    if not text.strip() and not data.get("media"):
        return _invalid("text or media required")
    media_ids = [str(m) for m in (data.get("media") or {}).get("media_ids", [])]
    unknown = [m for m in media_ids if m not in store.media]
    if unknown:
        return _invalid(f"Your media IDs are invalid: {unknown}")
    if any(p.text == text for p in store.by_author("x", author)):
        return Resp(403, {"detail": "You are not allowed to create a Tweet with duplicate content.",
                          "type": "about:blank", "title": "Forbidden", "status": 403})
    post = store.add_post(Post("x", store.next_id(), author, text, {
        "media_ids": media_ids, "reply_settings": data.get("reply_settings", "everyone")}))
    return Resp(201, {"data": {"id": post.id, "text": text, "edit_history_tweet_ids": [post.id]}})


def _get(store: Store, post_id: str) -> Resp:
    post = store.live(post_id, "x")
    if post is None:
        return Resp(200, {"errors": [{"value": post_id, "detail": f"Could not find tweet with id: [{post_id}].",
                                      "title": "Not Found Error", "resource_type": "tweet", "parameter": "id",
                                      "resource_id": post_id, "type": f"{PROBLEMS}resource-not-found"}]})
    if post.author in store.option("x_protected_authors", set()):
        return Resp(200, {"errors": [{"value": post_id, "detail": "Sorry, you are not authorized to see the Tweet "
                                      f"with id: [{post_id}].", "title": "Authorization Error",
                                      "resource_type": "tweet", "parameter": "id", "resource_id": post_id,
                                      "type": f"{PROBLEMS}not-authorized-for-resource"}]})
    return Resp(200, {"data": {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}})


def _upload(store: Store, req: Req, *, v2: bool) -> Resp:
    form = req.form()
    media = form.get("media")
    if not isinstance(media, bytes) or not media:
        return _invalid("media missing") if v2 else Resp(400, {"errors": [{"code": 38, "message": "media missing"}]})
    if v2 and form.get("media_category") not in MEDIA_CATEGORIES:
        return _invalid(f"media_category must be one of {sorted(MEDIA_CATEGORIES)}")
    media_id = store.next_id()
    store.media[media_id] = {"platform": "x", "size": len(media), "alt": ""}
    if v2:
        return Resp(200, {"data": {"id": media_id, "media_key": f"3_{media_id}", "size": len(media),
                                   "expires_after_secs": 86400, "image": {"image_type": "image/jpeg", "w": 1, "h": 1}}})
    return Resp(200, {"media_id": int(media_id), "media_id_string": media_id, "size": len(media),
                      "image": {"image_type": "image/jpeg", "w": 1, "h": 1}})


def _metadata(store: Store, req: Req) -> Resp:
    data: Any = req.json()
    extra = set(data) - {"id", "metadata"}
    if extra:
        return _invalid(f"Unknown field(s) {sorted(extra)}; expected {{id, metadata}}")
    media_id = str(data.get("id") or "")
    alt = ((data.get("metadata") or {}).get("alt_text") or {}) if isinstance(data.get("metadata"), dict) else {}
    if not media_id or media_id not in store.media:
        return _invalid(f"The media id {media_id!r} is invalid")
    if not isinstance(alt, dict) or not isinstance(alt.get("text"), str):
        return _invalid("metadata.alt_text.text is required")
    if len(alt["text"]) > ALT_TEXT_MAX:
        return _invalid(f"metadata.alt_text.text must be at most {ALT_TEXT_MAX} characters")
    store.media[media_id]["alt"] = alt["text"]
    return Resp(200, {"data": {"id": media_id, "associated_metadata": {"alt_text": {"text": alt["text"]}}}})


def _oauth_token(header: str) -> str:
    """X user id from the OAuth1 access token ("<user id>-<secret part>", as on X)."""
    match = re.search(r'oauth_token="([^"]+)"', header)
    token = unquote(match.group(1)) if match else ""
    head = token.split("-", 1)[0]
    return head if head.isdigit() else str(zlib.crc32(token.encode()) or 1)
