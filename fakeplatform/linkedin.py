"""Fake LinkedIn Posts API (/rest/posts) and Images API (/rest/images).

Quirks reproduced, each with where it is documented:
- Every call needs `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`;
  a version is supported for about one year, after its sunset every call answers HTTP 426
  `{"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version
  20250401 is not active"}` [learn.microsoft.com/linkedin/marketing/versioning; body as
  reported in n8n-io/n8n#14737, ComposioHQ/composio#3231]. Here a version older than
  12 months (option `linkedin_sunset_months`) or in the future is not active.
- Error envelope `{"status", "serviceErrorCode", "code", "message"}`; an expired member
  token is a 401 with code `EXPIRED_ACCESS_TOKEN` / serviceErrorCode 65601 (member tokens
  live 60 days, refresh only for approved partners) [learn.microsoft.com/linkedin/shared/
  authentication/authorization-code-flow, …/error-handling]; option `linkedin_expired_tokens`.
- 429 without any rate-limit header [learn.microsoft.com/linkedin/shared/api-guide/concepts/rate-limits].
- Images: `POST /rest/images?action=initializeUpload` `{"initializeUploadRequest":
  {"owner"}}` → `{"value": {"uploadUrl", "image", "uploadUrlExpiresAt"}}`, PUT the bytes to
  the upload URL, then the post carries `content.media{id, altText}` (altText ≤ 4,086
  characters) [learn.microsoft.com/linkedin/marketing/community-management/shares/images-api,
  …/posts-api]. An image id that was never uploaded is a 422.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store

ALT_TEXT_MAX = 4086


def _error(status: int, message: str, code: str = "", service: int | None = None) -> Resp:
    body: dict[str, Any] = {"status": status, "message": message}
    if code:
        body["code"] = code
    if service is not None:
        body["serviceErrorCode"] = service
    return Resp(status, body)


def fault_response(status: int, reset_in: int) -> Resp:
    if status == 401:
        return _error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
    if status == 429:
        return _error(429, "Resource level throttle limit for calls to this resource is reached.", "TOO_MANY_REQUESTS")
    return _error(status, "Internal Server Error" if status >= 500 else f"HTTP {status}")


def version_active(version: str, *, sunset_months: int = 12, today: datetime | None = None) -> bool:
    match = re.fullmatch(r"(\d{4})(\d{2})", version or "")
    if not match:
        return False
    today = today or datetime.now(UTC)
    age = (today.year - int(match.group(1))) * 12 + today.month - int(match.group(2))
    return 0 <= age < sunset_months


def linkedin(store: Store, req: Req) -> Resp:
    if req.method == "PUT" and req.path.startswith("/_upload/"):
        return _upload(store, req)
    if not bearer(req):
        return _error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
    if req.header("authorization")[7:] in store.option("linkedin_expired_tokens", set()):
        return _error(401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65601)
    version = req.header("linkedin-version")
    if not version or req.header("x-restli-protocol-version") != "2.0.0":
        return _error(400, "Missing LinkedIn-Version or X-Restli-Protocol-Version header")
    if not version_active(version, sunset_months=int(store.option("linkedin_sunset_months", 12))):
        return _error(426, f"Requested version {version}01 is not active", "NONEXISTENT_VERSION")
    if req.method == "POST" and req.path == "/rest/images" and (req.query.get("action") or [""])[-1] == "initializeUpload":
        owner = (req.json().get("initializeUploadRequest") or {}).get("owner")
        if not owner:
            return _error(422, "initializeUploadRequest.owner is required")
        image = f"urn:li:image:C4E{store.next_id()}"
        store.media[image] = {"platform": "linkedin", "owner": owner, "status": "WAITING_UPLOAD", "size": 0}
        return Resp(200, {"value": {"uploadUrlExpiresAt": int((time.time() + 3600) * 1000),
                                    "uploadUrl": f"{req.base}/_upload/{quote(image, safe='')}", "image": image}})
    if req.method == "POST" and req.path == "/rest/posts":
        return _create(store, req)
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
                return _error(404, f"Not found: {quote(urn)}")
            return Resp(200, {"id": urn, "commentary": post.text, "author": post.author,
                              "lifecycleState": "PUBLISHED", "createdAt": int(post.created_at * 1000)})
    return _error(404, "Not found")


def _upload(store: Store, req: Req) -> Resp:
    image = unquote(req.path.removeprefix("/_upload/"))
    if image not in store.media or not bearer(req):
        return _error(400 if image in store.media else 404, "Invalid upload")
    if not req.body:
        return _error(400, "Empty upload")
    store.media[image].update(status="AVAILABLE", size=len(req.body))
    return Resp(201)


def _create(store: Store, req: Req) -> Resp:
    data = req.json()
    if not data.get("author") or data.get("lifecycleState") != "PUBLISHED":
        return _error(422, "author and lifecycleState=PUBLISHED required")
    commentary = str(data.get("commentary", ""))
    if len(commentary) > 3000:
        return _error(422, "commentary too long")
    content = data.get("content") or {}
    images = ([content["media"]] if "media" in content else
              list((content.get("multiImage") or {}).get("images", [])))
    for image in images:
        stored = store.media.get(str(image.get("id")))
        if stored is None or stored.get("status") != "AVAILABLE":
            return _error(422, f"/content/media/id: image {image.get('id')} is not uploaded")
        if len(str(image.get("altText", ""))) > ALT_TEXT_MAX:
            return _error(422, f"/content/media/altText must be at most {ALT_TEXT_MAX} characters")
    urn = f"urn:li:share:{store.next_id()}"
    store.add_post(Post("linkedin", urn, str(data["author"]), commentary, {"body": data}))
    return Resp(201, None, {"x-restli-id": urn})
