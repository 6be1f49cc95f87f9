"""Graph API part of the fake platform (Facebook Page, Instagram professional account).

Paths are relative to /graph/v23.0. Shapes follow the Graph API docs (docs/publishing.md).
"""

from __future__ import annotations

from typing import Any

from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store


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
    if not (form.get("access_token") or bearer(req)):
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
