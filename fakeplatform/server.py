"""HTTP plumbing of the fake platform server (stdlib only, no Django).

Platform prefixes: /x, /graph/v23.0, /mastodon, /bsky, /linkedin (see platforms.py).
Control API (JSON):
  GET  /_control/health                -> {"ok": true}
  GET  /_control/posts[?platform=x&live=1]  -> {"posts": [...]}
  GET  /_control/deletes               -> {"<post id>": <number of delete calls>}
  GET  /_control/requests              -> recent requests (method, path, platform, status)
  POST /_control/faults  {platform, status?, delay?, after?, count?, seconds?, method?,
                          path_contains?, reset_in?}   (platform "*" matches all)
  GET  /_control/faults, DELETE /_control/faults
  POST /_control/reset                 -> forget everything
  POST /_control/graph  {token, access?, expired?, user_token?} | {throttle: node, seconds} |
                        {container_seconds?, delete_delay?, ig_daily_limit?}   (fakeplatform.meta)
  GET  /_view/<url-encoded post id>    -> HTML view of one post (demo links), 410 when deleted
  GET  /_public/<name>                 -> a file registered with meta.public_file_put (image_url)
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from fakeplatform import bluesky, linkedin, mastodon, meta, x
from fakeplatform.platforms import ROUTES, Req, Resp, graph_platform
from fakeplatform.store import Fault, Store

_FAULT_FIELDS = {"platform", "status", "delay", "after", "count", "seconds", "method", "path_contains", "reset_in"}


# Platforms whose module answers injected faults in its own documented error envelope.
_PLATFORM_FAULTS = {"x": x.fault_response, "mastodon": mastodon.fault_response,
                    "bluesky": bluesky.fault_response, "linkedin": linkedin.fault_response,
                    "facebook": lambda status, reset_in: meta.injected_fault(status, reset_in, "facebook"),
                    "instagram": lambda status, reset_in: meta.injected_fault(status, reset_in, "instagram")}


def _fault_response(fault: Fault, platform: str) -> Resp:
    status = int(fault.status or 500)
    if platform in _PLATFORM_FAULTS:
        return _PLATFORM_FAULTS[platform](status, fault.reset_in)
    headers: dict[str, str] = {}
    if status == 429:
        reset = int(time.time()) + fault.reset_in
        headers = {"x-rate-limit-limit": "200", "x-rate-limit-remaining": "0",
                   "x-rate-limit-reset": str(reset), "Retry-After": str(fault.reset_in)}
    message = {401: "Invalid or expired token", 429: "Too Many Requests"}.get(status, f"Injected HTTP {status}")
    body: dict[str, Any]
    if platform == "bluesky":
        body = {"error": {401: "AuthenticationRequired", 429: "RateLimitExceeded"}.get(status, "InternalServerError"),
                "message": message}
    else:
        body = {"error": message, "title": message, "status": status}
    return Resp(status, body, headers)


def _view(store: Store, post_id: str) -> tuple[int, str]:
    """A minimal HTML page per post, so demo links from the staff UI lead somewhere."""
    post = store.posts.get(post_id)
    if post is None:
        return 404, "<!doctype html><meta charset=utf-8><title>Nicht gefunden</title><p>Diesen Beitrag gibt es nicht."
    state = "gelöscht" if post.deleted else "online"
    text = html.escape(post.text).replace("\n", "<br>")
    return (410 if post.deleted else 200), (
        "<!doctype html><html lang=de><meta charset=utf-8><title>Fake-Plattform</title>"
        "<body style='font-family:system-ui;max-width:40rem;margin:2rem auto'>"
        f"<p><strong>{html.escape(post.platform)}</strong> · {html.escape(post.author)} · {state}</p>"
        f"<article style='border:1px solid #ccc;border-radius:12px;padding:1rem'>{text if not post.deleted else '<em>Dieser Beitrag wurde gelöscht.</em>'}</article>"
        "<p><small>Lokaler Fake-Server – keine echte Plattform.</small></p></body></html>"
    )


class Handler(BaseHTTPRequestHandler):
    server: FakePlatformHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one small response must not wait 40 ms for a delayed ACK

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        store = self.server.store
        if url.path.startswith("/_view/"):
            self._send_html(*_view(store, unquote(url.path.removeprefix("/_view/"))))
            return
        if url.path.startswith("/_public/"):
            # The "public web server" Meta fetches image_url from (fakeplatform.meta).
            self._send_bytes(meta.public_file(store, url.path.removeprefix("/_public/")))
            return
        if url.path.startswith("/_control/"):
            self._send(self._control(url.path, parse_qs(url.query), body))
            return
        for prefix, (platform, handler) in ROUTES.items():
            if url.path == prefix or url.path.startswith(prefix + "/"):
                rel = url.path[len(prefix):] or "/"
                base = f"http://{self.headers.get('Host', 'localhost')}{prefix}"
                if platform == "graph":
                    version = re.match(r"^/v\d+\.\d+", rel)
                    if version:
                        base += version.group(0)
                        rel = rel[version.end():] or "/"
                    platform = graph_platform(store, rel)
                req = Req(self.command, rel, parse_qs(url.query, keep_blank_values=True), headers, body, base)
                fault = store.take_fault(platform, self.command, rel)
                if fault and fault.delay and not fault.after:
                    time.sleep(fault.delay)
                resp = _fault_response(fault, platform) if fault and fault.status else handler(store, req)
                if fault and fault.delay and fault.after:
                    time.sleep(fault.delay)  # the platform acted, but the answer arrives late
                with store.lock:
                    store.requests.append({"method": self.command, "path": url.path, "platform": platform,
                                           "status": resp.status, "at": time.time()})
                    del store.requests[:-500]
                    store.bodies.append({"platform": platform, "method": self.command, "path": rel,
                                         "query": req.query, "headers": headers,
                                         "content_type": headers.get("content-type", ""), "body": body[:200_000]})
                    del store.bodies[:-500]
                self._send(resp)
                return
        self._send(Resp(404, {"error": "unknown platform prefix"}))

    def _control(self, path: str, query: dict[str, list[str]], body: bytes) -> Resp:
        store = self.server.store
        name = path.removeprefix("/_control/").strip("/")
        if name == "health":
            return Resp(200, {"ok": True})
        if name == "reset" and self.command == "POST":
            store.reset()
            return Resp(200, {"ok": True})
        if name == "posts":
            platform = (query.get("platform") or [""])[-1]
            live = (query.get("live") or ["0"])[-1] in ("1", "true")
            return Resp(200, {"posts": store.snapshot(platform, include_deleted=not live)})
        if name == "deletes":
            with store.lock:
                return Resp(200, dict(store.delete_calls))
        if name == "requests":
            with store.lock:
                return Resp(200, {"requests": list(store.requests)})
        if name == "graph" and self.command == "POST":
            try:
                return meta.control(store, json.loads(body or b"{}"))
            except (ValueError, TypeError, KeyError) as exc:
                return Resp(400, {"error": str(exc)})
        if name == "faults":
            if self.command == "POST":
                try:
                    data = json.loads(body or b"{}")
                    fault = Fault(**{k: v for k, v in data.items() if k in _FAULT_FIELDS})
                except (ValueError, TypeError) as exc:
                    return Resp(400, {"error": str(exc)})
                with store.lock:
                    store.faults.append(fault)
                return Resp(201, fault.as_dict())
            if self.command == "DELETE":
                with store.lock:
                    store.faults.clear()
                return Resp(200, {"ok": True})
            with store.lock:
                return Resp(200, {"faults": [f.as_dict() for f in store.faults if f.active()]})
        return Resp(404, {"error": "unknown control endpoint"})

    def _send_html(self, status: int, page: str) -> None:
        payload = page.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send_bytes(self, data: bytes | None) -> None:
        try:
            self.send_response(200 if data is not None else 404)
            self.send_header("Content-Type", "image/jpeg" if data is not None else "text/plain")
            self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            self.wfile.write(data or b"")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, resp: Resp) -> None:
        payload = b"" if resp.body is None else json.dumps(resp.body).encode("utf-8")
        try:
            self.send_response(resp.status)
            for key, value in resp.headers.items():
                self.send_header(key, value)
            if resp.body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test); the operation itself already happened

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _dispatch


class FakePlatformHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], store: Store | None = None) -> None:
        super().__init__(address, Handler)
        self.store = store or Store()


class FakePlatform:
    """A running fake server in a background thread (tests); `.url`, `.store`, `.stop()`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.httpd = FakePlatformHTTPServer((host, port))
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.store = self.httpd.store
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="fakeplatform", daemon=True)

    def start(self) -> FakePlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_fault(self, platform: str, **kwargs: Any) -> Fault:
        fault = Fault(platform=platform, **kwargs)
        with self.store.lock:
            self.store.faults.append(fault)
        return fault

    def posts(self, platform: str = "", live: bool = False) -> list[dict[str, Any]]:
        return self.store.snapshot(platform, include_deleted=not live)

    def delete_calls(self) -> dict[str, int]:
        with self.store.lock:
            return dict(self.store.delete_calls)

    def reset(self) -> None:
        self.store.reset()
