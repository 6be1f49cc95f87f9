"""Graph API part of the fake platform (Facebook Page, Instagram professional account).

Paths are relative to /graph/v23.0. Behaviour follows the Graph API documentation, quirk
by quirk (each with a test in tests/fakeplatform/test_meta.py):

- Errors are JSON envelopes in HTTP 400 bodies, {"error": {message, type, code,
  error_subcode, is_transient, fbtrace_id}} [developers.facebook.com/docs/graph-api/
  guides/error-handling].
- Tokens are checked: unknown → 190; expired → 190/463 "Session has expired"
  [same page, "Access token" subcodes].
- Missing permission on an object (a user token instead of the Page token, a Page role
  taken away) answers code 100, subcode 33 – the same answer as for an object that does
  not exist: "Object with ID … does not exist, cannot be loaded due to missing
  permissions, or does not support this operation" [quoted verbatim in
  roughike/flutter_facebook_login#44, facebook/php-graph-sdk#999]. Edges of the Page
  answer (#10) pages_read_engagement; the Page node itself stays readable (public Page).
- Business-Use-Case throttling: HTTP 400, code 80001 (Pages) / 80002 (Instagram),
  is_transient true, header X-Business-Use-Case-Usage {"<id>": [{type, call_count,
  total_cputime, total_time, estimated_time_to_regain_access (minutes)}]}
  [developers.facebook.com/docs/graph-api/overview/rate-limiting, BUC section].
- Instagram containers: POST /{ig}/media fetches `image_url` (really, in a thread; only
  127.0.0.1/localhost – nothing leaves the machine) and must get a JPEG; status_code is
  IN_PROGRESS for `container_seconds`, then FINISHED, ERROR (fetch failed / not JPEG),
  EXPIRED (not published within 24 h), PUBLISHED [docs/instagram-platform/
  instagram-graph-api/reference/ig-container]. media_publish of an unfinished container →
  9007/2207027 "Media ID is not available"; expired → -2/2207020 [docs/instagram-platform/
  instagram-graph-api/reference/error-codes].
- Publishing quota: 50 published posts per IG user in a rolling 24 h, then code 9 /
  subcode 2207042; GET /{ig}/content_publishing_limit reports usage [docs/
  instagram-platform/content-publishing, "Rate Limit"; ig-user/content_publishing_limit].
- IG media have a `permalink` with the shortcode (…/p/<shortcode>/) and
  `is_comment_enabled` [reference/ig-media].
- A Page photo (/{page}/photos) creates two objects: the Photo (`id`) and the feed story
  (`post_id`) [reference/page/photos]. Whether deleting the story removes the Photo is not
  documented; the fake keeps the Photo (the pessimistic case), so both must be deleted.
- `delete_delay`: a DELETE is answered success at once but the object stays readable for
  that many seconds (eventual consistency of caches/replicas) [I].

Test/benchmark controls (Python, or POST /_control/graph with the same names):
graph_configure(store, container_seconds=…, delete_delay=…, ig_daily_limit=…),
token_set(store, token, access=False | expired=True), throttle(store, node, seconds).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fakeplatform.common import Req, Resp, bearer
from fakeplatform.store import Post, Store

FACEBOOK_PAGE_ID = "100000000000001"
INSTAGRAM_USER_ID = "178400000000001"
PAGE_TOKEN = "fake-page-token"
IG_TOKEN = "fake-ig-token"
CONTAINER_TTL = 24 * 3600
QUOTA_WINDOW = 24 * 3600
_SHORTCODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass
class Token:
    subject: str  # the Page id for a Page token, "user:…" for a user token
    nodes: set[str]  # Pages / IG users whose content the token may read and manage
    expires_at: float | None = None


@dataclass
class GraphState:
    tokens: dict[str, Token] = field(default_factory=dict)
    container_seconds: float = 0.0
    delete_delay: float = 0.0
    ig_daily_limit: int = 50
    throttled: dict[str, float] = field(default_factory=dict)  # node id -> until (epoch)
    pending_deletes: dict[str, float] = field(default_factory=dict)  # object id -> visible gone at
    published_at: dict[str, list[float]] = field(default_factory=dict)  # ig user -> publish times


def state(store: Store) -> GraphState:
    with store.lock:
        graph_state = store.platform_state.get("graph")
        if graph_state is None:
            graph_state = GraphState(tokens={
                PAGE_TOKEN: Token(FACEBOOK_PAGE_ID, {FACEBOOK_PAGE_ID}),
                IG_TOKEN: Token("user:1", {INSTAGRAM_USER_ID, FACEBOOK_PAGE_ID}),
            })
            store.platform_state["graph"] = graph_state
        return graph_state


def graph_configure(store: Store, **values: Any) -> None:
    st = state(store)
    with store.lock:
        for key in ("container_seconds", "delete_delay", "ig_daily_limit"):
            if key in values:
                setattr(st, key, type(getattr(st, key))(values[key]))


def token_set(store: Store, token: str, *, access: bool | None = None, expired: bool | None = None,
              user_token: bool | None = None) -> None:
    """access=False: the token's role on its Page/IG account is gone (reads of its objects
    answer 100/33); user_token=True: a user token without Page role is configured instead
    of the Page token (same effect); expired=True: the token has expired (190/463)."""
    st = state(store)
    with store.lock:
        info = st.tokens[token]
        if access is not None or user_token:
            info.nodes = set() if (access is False or user_token) else {FACEBOOK_PAGE_ID, INSTAGRAM_USER_ID}
        if user_token:
            info.subject = "user:2"
        if expired is not None:
            info.expires_at = time.time() - 1 if expired else None


def throttle(store: Store, node: str, seconds: float) -> None:
    with store.lock:
        state(store).throttled[node] = time.time() + seconds


def control(store: Store, data: dict[str, Any]) -> Resp:
    if "token" in data:
        token_set(store, data["token"], access=data.get("access"), expired=data.get("expired"),
                  user_token=data.get("user_token"))
    if "throttle" in data:
        throttle(store, str(data["throttle"]), float(data.get("seconds", 60)))
    graph_configure(store, **{k: v for k, v in data.items() if k in ("container_seconds", "delete_delay",
                                                                      "ig_daily_limit")})
    return Resp(200, {"ok": True})


def public_file_put(store: Store, name: str, data: bytes) -> str:
    """Serve `data` at /_public/<name> (the public web server Meta fetches images from)."""
    with store.lock:
        store.platform_state.setdefault("public", {})[name] = data
    return f"/_public/{name}"


def public_file(store: Store, name: str) -> bytes | None:
    with store.lock:
        return store.platform_state.get("public", {}).get(name)


def injected_fault(status: int, reset_in: int, platform: str) -> Resp:
    """Fault injection in Graph's shapes: errors travel in HTTP 400 bodies, a 429 becomes
    the Business-Use-Case throttle (80001 Page / 80002 Instagram), 401 an invalid token."""
    if status == 429:
        node = INSTAGRAM_USER_ID if platform == "instagram" else FACEBOOK_PAGE_ID
        minutes = max(1, -(-reset_in // 60))
        code = 80002 if platform == "instagram" else 80001
        usage = {node: [{"type": "instagram" if code == 80002 else "pages", "call_count": 100, "total_cputime": 30,
                         "total_time": 40, "estimated_time_to_regain_access": minutes}]}
        return _graph_error(400, f"(#{code}) There have been too many calls. Wait a bit and try again.", code,
                            transient=True, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})
    if status == 401:
        return _graph_error(400, "Error validating access token: Session has expired.", 190, 463)
    if status >= 500:
        return _graph_error(status, "An unexpected error has occurred. Please retry your request later.", 2,
                            transient=True)
    return _graph_error(status, f"Injected HTTP {status}", 100)


def settle(store: Store) -> None:
    """Make due delayed deletes visible (called before every request and by checkers)."""
    st = state(store)
    now = time.time()
    with store.lock:
        for obj_id, at in list(st.pending_deletes.items()):
            if at <= now:
                post = store.posts.get(obj_id)
                if post is not None and not post.deleted:
                    post.deleted = True
                    post.data["gone_at"] = at
                del st.pending_deletes[obj_id]


def gone_at(store: Store, obj_id: str) -> float | None:
    """When the object stopped being visible (epoch), None while it is still online."""
    settle(store)
    post = store.posts.get(obj_id)
    if post is None or not post.deleted:
        return None
    return float(post.data.get("gone_at", 0.0))


def _graph_error(status: int, message: str, code: int, subcode: int | None = None, *,
                 transient: bool = False, headers: dict[str, str] | None = None) -> Resp:
    err: dict[str, Any] = {"message": message, "type": "OAuthException" if code in (190, 10, 100) else
                           "GraphMethodException", "code": code, "is_transient": transient,
                           "fbtrace_id": "AfakeTrace"}
    if subcode:
        err["error_subcode"] = subcode
    return Resp(status, {"error": err}, headers or {})


def _not_found(obj_id: str, verb: str) -> Resp:
    return _graph_error(400, f"Unsupported {verb} request. Object with ID '{obj_id}' does not exist, cannot be "
                             "loaded due to missing permissions, or does not support this operation. Please read "
                             "the Graph API documentation at https://developers.facebook.com/docs/graph-api", 100, 33)


def graph_platform(store: Store, path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "facebook"
    if parts[0] == INSTAGRAM_USER_ID or (len(parts) > 1 and parts[1] in ("media", "media_publish")):
        return "instagram"
    post = store.posts.get(parts[0])
    if post is not None:
        return post.platform
    return "instagram" if parts[0] in store.media and store.media[parts[0]].get("platform") == "instagram" else "facebook"


def _owner(store: Store, obj_id: str) -> str:
    post = store.posts.get(obj_id)
    if post is not None:
        return post.author
    container = store.media.get(obj_id)
    return str(container.get("owner", "")) if container else obj_id


def _throttled(store: Store, node: str) -> Resp | None:
    until = state(store).throttled.get(node, 0.0)
    remaining = until - time.time()
    if remaining <= 0:
        return None
    instagram = node == INSTAGRAM_USER_ID
    usage = {node: [{"type": "instagram" if instagram else "pages", "call_count": 100, "total_cputime": 40,
                     "total_time": 60, "estimated_time_to_regain_access": max(1, int(remaining // 60) + 1)}]}
    code = 80002 if instagram else 80001
    kind = "Instagram account" if instagram else "Page"
    return _graph_error(400, f"(#{code}) There have been too many calls to this {kind}. Wait a bit and try again. "
                             "For more info, please refer to https://developers.facebook.com/docs/graph-api/"
                             "overview/rate-limiting.", code, transient=True,
                        headers={"X-Business-Use-Case-Usage": json.dumps(usage)})


def _shortcode(media_id: str) -> str:
    number, out = int(media_id), ""
    while number:
        number, rest = divmod(number, 64)
        out = _SHORTCODE[rest] + out
    return out or "A"


def _fetch(container: dict[str, Any], url: str) -> None:
    """Meta fetches image_url itself; here only from loopback (no traffic leaves the host)."""
    try:
        if (urlsplit(url).hostname or "") not in ("127.0.0.1", "localhost"):
            raise OSError("not reachable from the fake platform")
        with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 – loopback only, checked above
            data = resp.read(8 * 1024 * 1024 + 1)
        ok = data[:2] == b"\xff\xd8" and len(data) <= 8 * 1024 * 1024  # JPEG only, ≤ 8 MB
        container["fetch"] = "ok" if ok else "bad"
    except OSError:
        container["fetch"] = "failed"


def _container_status(st: GraphState, container: dict[str, Any]) -> str:
    if container.get("published"):
        return "PUBLISHED"
    age = time.time() - container["created"]
    if age > CONTAINER_TTL:
        return "EXPIRED"
    if container.get("fetch") in ("failed", "bad"):
        return "ERROR"
    if container.get("fetch") is None or age < st.container_seconds:
        return "IN_PROGRESS"
    return "FINISHED"


def graph(store: Store, req: Req) -> Resp:
    form = req.form()
    token_value = str(form.get("access_token") or (req.header("authorization")[7:] if bearer(req) else ""))
    if not token_value:
        return _graph_error(400, "An active access token must be used to query information about the current user.",
                            2500)
    st = state(store)
    token = st.tokens.get(token_value)
    if token is None:
        return _graph_error(400, "Invalid OAuth access token - Cannot parse access token", 190)
    if token.expires_at is not None and token.expires_at <= time.time():
        return _graph_error(400, "Error validating access token: Session has expired.", 190, 463)
    settle(store)
    parts = [p for p in req.path.split("/") if p]
    if not parts:
        return _graph_error(400, "Unsupported request", 100)
    if parts == ["me"]:
        return Resp(200, {"id": token.subject.removeprefix("user:")})
    node = _owner(store, parts[0])
    throttled = _throttled(store, node)
    if throttled is not None:
        return throttled
    if len(parts) == 2:
        if node not in token.nodes:
            return _graph_error(400, "(#10) This endpoint requires the 'pages_read_engagement' permission or the "
                                     "'Page Public Content Access' feature.", 10)
        return _edge(store, st, req, form, parts)
    if len(parts) == 1:
        return _object(store, st, req, form, parts[0], node in token.nodes)
    return _graph_error(400, f"Unknown path components: {req.path}", 2500)


def _edge(store: Store, st: GraphState, req: Req, form: dict[str, Any], parts: list[str]) -> Resp:
    owner, edge = parts
    if req.method == "POST" and edge in ("feed", "photos"):
        text = str(form.get("message") or form.get("caption") or "")
        post_id = f"{owner}_{store.next_id()}"
        data: dict[str, Any] = {"link": form.get("link", ""), "kind": edge}
        if edge == "photos":
            if not (form.get("url") or isinstance(form.get("source"), bytes)):
                return _graph_error(400, "(#324) Requires upload file", 324)
            photo_id = store.next_id()
            data.update(alt_text_custom=form.get("alt_text_custom", ""), photo_id=photo_id)
            store.add_post(Post("facebook", photo_id, owner, text, {"kind": "photo", "post_id": post_id}))
            store.add_post(Post("facebook", post_id, owner, text, data))
            return Resp(200, {"id": photo_id, "post_id": post_id})
        store.add_post(Post("facebook", post_id, owner, text, data))
        return Resp(200, {"id": post_id})
    if req.method == "POST" and edge == "media":
        if not form.get("image_url"):
            return _graph_error(400, "The parameter image_url is required", 100)
        container_id = store.next_id()
        container = {"platform": "instagram", "owner": owner, "caption": form.get("caption", ""),
                     "alt_text": form.get("alt_text", ""), "image_url": form.get("image_url"), "created": time.time()}
        store.media[container_id] = container
        threading.Thread(target=_fetch, args=(container, str(form["image_url"])), daemon=True).start()
        return Resp(200, {"id": container_id})
    if req.method == "POST" and edge == "media_publish":
        return _media_publish(store, st, owner, str(form.get("creation_id", "")))
    if req.method == "GET" and edge == "content_publishing_limit":
        used = len([t for t in st.published_at.get(owner, []) if t > time.time() - QUOTA_WINDOW])
        return Resp(200, {"data": [{"quota_usage": used, "config": {"quota_total": st.ig_daily_limit,
                                                                     "quota_duration": QUOTA_WINDOW}}]})
    if req.method == "GET" and edge in ("feed", "media"):
        platform = "instagram" if edge == "media" else "facebook"
        posts = [p for p in store.by_author(platform, owner) if p.data.get("kind") != "photo"][:100]
        if platform == "instagram":
            return Resp(200, {"data": [{"id": p.id, "caption": p.text,
                                        "permalink": f"https://www.instagram.com/p/{_shortcode(p.id)}/"}
                                       for p in posts]})
        items = []
        for p in posts:
            item: dict[str, Any] = {"id": p.id, "message": p.text}
            if p.data.get("photo_id"):
                item["attachments"] = {"data": [{"target": {"id": p.data["photo_id"]}}]}
            items.append(item)
        return Resp(200, {"data": items})
    return _graph_error(400, f"Unknown path components: {req.path}", 2500)


def _media_publish(store: Store, st: GraphState, owner: str, creation_id: str) -> Resp:
    container = store.media.get(creation_id)
    if container is None:
        return _not_found(creation_id, "post")
    status = _container_status(st, container)
    if status == "EXPIRED":
        return _graph_error(400, "The media you are trying to access has expired. Please try to upload again.",
                            -2, 2207020)
    if status != "FINISHED":
        return _graph_error(400, "Media ID is not available", 9007, 2207027)
    recent = [t for t in st.published_at.get(owner, []) if t > time.time() - QUOTA_WINDOW]
    if len(recent) >= st.ig_daily_limit:
        return _graph_error(400, "Application request limit reached: you have reached the maximum number of posts "
                                 "that is allowed in 24 hours.", 9, 2207042)
    container["published"] = True
    st.published_at[owner] = [*recent, time.time()]
    post = store.add_post(Post("instagram", store.next_id(), owner, container["caption"],
                               {"alt_text": container["alt_text"], "comment_enabled": True}))
    container["media_id"] = post.id
    return Resp(200, {"id": post.id})


def _object(store: Store, st: GraphState, req: Req, form: dict[str, Any], obj_id: str, allowed: bool) -> Resp:
    container = store.media.get(obj_id)
    if req.method == "GET" and container is not None and "caption" in container:
        if not allowed:
            return _not_found(obj_id, "get")
        status = _container_status(st, container)
        body: dict[str, Any] = {"id": obj_id, "status_code": status}
        if status == "ERROR":
            body["status"] = "Error: Media download has failed. (2207052)"
        return Resp(200, body)
    if obj_id in (FACEBOOK_PAGE_ID, INSTAGRAM_USER_ID):
        # The Page node is public; the IG user node needs the account's permission.
        if req.method == "GET" and (allowed or obj_id == FACEBOOK_PAGE_ID):
            return Resp(200, {"id": obj_id})
        return _not_found(obj_id, req.method.lower())
    post = store.live(obj_id)
    if obj_id in st.pending_deletes and req.method == "DELETE":
        post = None  # already deleted, just not visible yet
    if not allowed or post is None:
        if req.method == "DELETE":
            with store.lock:
                store.delete_calls[obj_id] = store.delete_calls.get(obj_id, 0) + 1
        return _not_found(obj_id, {"GET": "get", "DELETE": "delete"}.get(req.method, "post"))
    if req.method == "DELETE":
        with store.lock:
            store.delete_calls[obj_id] = store.delete_calls.get(obj_id, 0) + 1
            st.pending_deletes[obj_id] = time.time() + st.delete_delay
        if st.delete_delay <= 0:
            settle(store)
        return Resp(200, {"success": True})
    if req.method == "GET":
        body = {"id": post.id, "message": post.text, "permalink_url": f"{req.base}/{post.id}"}
        if post.platform == "instagram":
            body = {"id": post.id, "caption": post.text, "is_comment_enabled": post.data.get("comment_enabled", True),
                    "permalink": f"https://www.instagram.com/p/{_shortcode(post.id)}/"}
        return Resp(200, body)
    if req.method == "POST":
        if "comment_enabled" in form:
            post.data["comment_enabled"] = str(form["comment_enabled"]).lower() == "true"
        if "message" in form:
            post.text = str(form["message"])
        return Resp(200, {"success": True})
    return _graph_error(400, f"Unsupported {req.method} request", 100)
