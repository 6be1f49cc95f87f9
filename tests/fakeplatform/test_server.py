"""The fake platform server itself: control API, fault semantics, delete counting, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest

from fahndung.core.net import free_port, wait_for_port
from fakeplatform import FakePlatform, demo_env

ROOT = Path(__file__).resolve().parents[2]
CURRENT_LI = time.strftime("%Y%m")


@pytest.fixture
def server():
    fp = FakePlatform().start()
    yield fp
    fp.stop()


def post_status(url: str, token: str = "t", key: str = "") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(f"{url}/mastodon/api/v1/statuses", data={"status": "Hallo"}, headers=headers)


def test_control_posts_faults_reset(server):
    assert httpx.get(f"{server.url}/_control/health").json() == {"ok": True}
    assert post_status(server.url).status_code == 200
    posts = httpx.get(f"{server.url}/_control/posts", params={"platform": "mastodon"}).json()["posts"]
    assert len(posts) == 1 and posts[0]["text"] == "Hallo"
    r = httpx.post(f"{server.url}/_control/faults", json={"platform": "mastodon", "status": 500, "count": 2})
    assert r.status_code == 201
    assert [post_status(server.url).status_code for _ in range(3)] == [500, 500, 200]
    assert httpx.get(f"{server.url}/_control/faults").json()["faults"] == []
    httpx.post(f"{server.url}/_control/reset")
    assert httpx.get(f"{server.url}/_control/posts").json()["posts"] == []


def test_rate_limit_fault_sends_reset_headers(server):
    server.add_fault("x", status=429, reset_in=30)
    r = httpx.post(f"{server.url}/x/2/tweets", json={"text": "a"}, headers={"Authorization": "OAuth x"})
    assert r.status_code == 429
    assert r.headers["x-rate-limit-remaining"] == "0"
    assert 0 < int(r.headers["x-rate-limit-reset"]) - time.time() <= 31
    assert "retry-after" not in r.headers  # X sends only x-rate-limit-* (docs.x.com rate-limits)


def test_time_window_fault_and_platform_isolation(server):
    server.add_fault("mastodon", status=401, count=None, seconds=0.5)
    assert post_status(server.url).status_code == 401
    # other platforms are unaffected
    r = httpx.post(f"{server.url}/linkedin/rest/posts", json={"author": "urn:li:organization:1", "commentary": "x",
                   "lifecycleState": "PUBLISHED"}, headers={"Authorization": "Bearer t", "LinkedIn-Version": CURRENT_LI,
                                                            "X-Restli-Protocol-Version": "2.0.0"})
    assert r.status_code == 201 and r.headers["x-restli-id"].startswith("urn:li:share:")
    time.sleep(0.6)
    assert post_status(server.url).status_code == 200


def test_slow_response_applies_before_answering(server):
    server.add_fault("mastodon", delay=1.0, after=True)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{server.url}/mastodon/api/v1/statuses", data={"status": "spät"},
                   headers={"Authorization": "Bearer t"}, timeout=0.3)
    time.sleep(0.9)
    assert [p["text"] for p in server.posts("mastodon")] == ["spät"]


def test_idempotency_key_and_delete_counting(server):
    a = post_status(server.url, key="k1").json()
    b = post_status(server.url, key="k1").json()
    assert a["id"] == b["id"]
    headers = {"Authorization": "Bearer t"}
    assert httpx.delete(f"{server.url}/mastodon/api/v1/statuses/{a['id']}", headers=headers).status_code == 200
    assert httpx.delete(f"{server.url}/mastodon/api/v1/statuses/{a['id']}", headers=headers).status_code == 404
    assert httpx.get(f"{server.url}/mastodon/api/v1/statuses/{a['id']}", headers=headers).status_code == 404
    assert httpx.get(f"{server.url}/_control/deletes").json() == {a["id"]: 2}


def test_graph_object_lifecycle(server):
    from fakeplatform.meta import FACEBOOK_PAGE_ID, PAGE_TOKEN

    base, t = f"{server.url}/graph/v23.0", PAGE_TOKEN
    r = httpx.post(f"{base}/{FACEBOOK_PAGE_ID}/feed", data={"message": "m", "link": "https://a.example",
                                                            "access_token": t})
    post_id = r.json()["id"]
    assert httpx.get(f"{base}/{post_id}", params={"access_token": t}).status_code == 200
    assert httpx.delete(f"{base}/{post_id}", params={"access_token": t}).json() == {"success": True}
    gone = httpx.get(f"{base}/{post_id}", params={"access_token": t})
    assert gone.status_code == 400 and gone.json()["error"]["error_subcode"] == 33
    assert httpx.post(f"{base}/{FACEBOOK_PAGE_ID}/feed", data={"message": "m"}).json()["error"]["code"] == 2500
    unknown = httpx.post(f"{base}/{FACEBOOK_PAGE_ID}/feed", data={"message": "m", "access_token": "forged"})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 190


def test_bluesky_rejects_too_long_and_duplicate_rkey(server):
    xrpc = f"{server.url}/bsky-pds/xrpc"
    session = httpx.post(f"{xrpc}/com.atproto.server.createSession", json={"identifier": "a.bsky.social",
                                                                           "password": "p"}).json()
    headers = {"Authorization": f"Bearer {session['accessJwt']}"}
    body = {"repo": session["did"], "collection": "app.bsky.feed.post", "rkey": "3kabc",
            "record": {"$type": "app.bsky.feed.post", "text": "ä" * 301, "createdAt": "2026-12-01T10:00:00Z"}}
    assert httpx.post(f"{xrpc}/com.atproto.repo.createRecord", json=body, headers=headers).status_code == 400
    body["record"]["text"] = "ok"
    assert httpx.post(f"{xrpc}/com.atproto.repo.createRecord", json=body, headers=headers).status_code == 200
    # The real PDS: MST.add throws, xrpc-server answers a bare 500 (not "already exists").
    dup = httpx.post(f"{xrpc}/com.atproto.repo.createRecord", json=body, headers=headers)
    assert dup.status_code == 500 and dup.json() == {"error": "InternalServerError", "message": "Internal Server Error"}


def test_demo_env_points_at_base_url():
    env = demo_env("http://127.0.0.1:9999/")
    assert env["FAHNDUNG_MASTODON_BUND_BASE_URL"] == "http://127.0.0.1:9999/mastodon"
    assert env["FAHNDUNG_X_LKA_API_BASE"] == "http://127.0.0.1:9999/x"
    assert all(v for v in env.values())
    urls = [v for v in env.values() if v.startswith("http")]
    assert urls and all(u.startswith("http://127.0.0.1:9999/") for u in urls)


def test_cli_runs_standalone():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "fakeplatform", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_for_port(port, timeout=10)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_control/health", timeout=5) as resp:
            assert json.loads(resp.read()) == {"ok": True}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_html_view_of_a_post(server):
    from urllib.parse import quote

    status = post_status(server.url).json()
    page = httpx.get(f"{server.url}/_view/{quote(status['id'], safe='')}")
    assert page.status_code == 200 and "Hallo" in page.text and "online" in page.text
    httpx.delete(f"{server.url}/mastodon/api/v1/statuses/{status['id']}", headers={"Authorization": "Bearer t"})
    gone = httpx.get(f"{server.url}/_view/{status['id']}")
    assert gone.status_code == 410 and "gelöscht" in gone.text
    assert httpx.get(f"{server.url}/_view/nope").status_code == 404
