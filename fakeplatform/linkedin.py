"""Fake LinkedIn Posts API (/rest/posts)."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store


def linkedin(store: Store, req: Req) -> Resp:
    if not bearer(req):
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
