"""The realistic quirks of the fake X, Mastodon, Bluesky and LinkedIn servers, one test each.

Where each behaviour is documented is cited in the fake's module docstring
(fakeplatform/x.py, mastodon.py, bluesky.py, linkedin.py, lexicon.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from fakeplatform import FakePlatform

OAUTH = {"Authorization": 'OAuth oauth_token="1000001-x"'}
NOW = time.strftime("%Y%m")


@pytest.fixture
def server():
    fp = FakePlatform().start()
    yield fp
    fp.stop()


# --- X ---------------------------------------------------------------------------------

def test_x_429_has_unix_reset_and_no_retry_after(server):
    server.add_fault("x", status=429, reset_in=20)
    r = httpx.post(f"{server.url}/x/2/tweets", json={"text": "a"}, headers=OAUTH)
    assert r.status_code == 429 and "retry-after" not in r.headers
    assert 0 < int(r.headers["x-rate-limit-reset"]) - time.time() <= 21


def test_x_v1_media_upload_is_retired(server):
    r = httpx.post(f"{server.url}/x/1.1/media/upload.json", files={"media": ("a", b"x")}, headers=OAUTH)
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == 34


def test_x_metadata_shape_is_strict(server):
    up = httpx.post(f"{server.url}/x/2/media/upload", files={"media": ("a", b"jpeg")},
                    data={"media_category": "tweet_image"}, headers=OAUTH)
    media_id = up.json()["data"]["id"]
    wrong = httpx.post(f"{server.url}/x/2/media/metadata", json={"id": media_id, "alt_text": {"text": "Alt"}},
                       headers=OAUTH)
    assert wrong.status_code == 400 and wrong.json()["type"].endswith("invalid-request")
    right = httpx.post(f"{server.url}/x/2/media/metadata",
                       json={"id": media_id, "metadata": {"alt_text": {"text": "Alt"}}}, headers=OAUTH)
    assert right.status_code == 200 and server.store.media[media_id]["alt"] == "Alt"
    too_long = httpx.post(f"{server.url}/x/2/media/metadata",
                          json={"id": media_id, "metadata": {"alt_text": {"text": "a" * 1001}}}, headers=OAUTH)
    assert too_long.status_code == 400


def test_x_upload_needs_media_category(server):
    r = httpx.post(f"{server.url}/x/2/media/upload", files={"media": ("a", b"jpeg")}, headers=OAUTH)
    assert r.status_code == 400


def test_x_duplicate_content_is_403(server):
    assert httpx.post(f"{server.url}/x/2/tweets", json={"text": "Fahndung"}, headers=OAUTH).status_code == 201
    dup = httpx.post(f"{server.url}/x/2/tweets", json={"text": "Fahndung"}, headers=OAUTH)
    assert dup.status_code == 403 and "duplicate content" in dup.json()["detail"]


def test_x_get_missing_vs_not_authorized(server):
    created = httpx.post(f"{server.url}/x/2/tweets", json={"text": "geschützt"}, headers=OAUTH).json()["data"]
    missing = httpx.get(f"{server.url}/x/2/tweets/42", headers=OAUTH)
    assert missing.status_code == 200 and missing.json()["errors"][0]["type"].endswith("resource-not-found")
    server.store.options["x_protected_authors"] = {"1000001"}
    locked = httpx.get(f"{server.url}/x/2/tweets/{created['id']}", headers=OAUTH)
    assert locked.status_code == 200 and "data" not in locked.json()
    assert locked.json()["errors"][0]["type"].endswith("not-authorized-for-resource")


# --- Mastodon --------------------------------------------------------------------------

MASTO = {"Authorization": "Bearer tok"}


def test_mastodon_429_reset_is_iso8601(server):
    server.add_fault("mastodon", status=429, reset_in=60)
    r = httpx.post(f"{server.url}/mastodon/api/v1/statuses", data={"status": "a"}, headers=MASTO)
    assert r.status_code == 429 and "retry-after" not in r.headers
    reset = datetime.fromisoformat(r.headers["x-ratelimit-reset"].replace("Z", "+00:00"))
    assert 50 < (reset - datetime.now(UTC)).total_seconds() <= 61


def test_mastodon_30_deletes_per_30_minutes(server):
    ids = [httpx.post(f"{server.url}/mastodon/api/v1/statuses", data={"status": f"s{i}"}, headers=MASTO).json()["id"]
           for i in range(31)]
    codes = [httpx.delete(f"{server.url}/mastodon/api/v1/statuses/{i}", headers=MASTO).status_code for i in ids]
    assert codes[:30] == [200] * 30 and codes[30] == 429


def test_mastodon_media_is_processed_asynchronously(server):
    up = httpx.post(f"{server.url}/mastodon/api/v2/media", files={"file": ("a", b"jpeg")},
                    data={"description": "Alt"}, headers=MASTO)
    assert up.status_code == 202 and up.json()["url"] is None
    media_id = up.json()["id"]
    early = httpx.post(f"{server.url}/mastodon/api/v1/statuses", data={"status": "a", "media_ids[]": media_id},
                       headers=MASTO)
    assert early.status_code == 422 and "not finished processing" in early.json()["error"]
    polls = [httpx.get(f"{server.url}/mastodon/api/v1/media/{media_id}", headers=MASTO) for _ in range(3)]
    assert [p.status_code for p in polls] == [206, 206, 200] and polls[-1].json()["url"]
    ok = httpx.post(f"{server.url}/mastodon/api/v1/statuses", data={"status": "a", "media_ids[]": media_id},
                    headers=MASTO)
    assert ok.status_code == 200


# --- Bluesky ---------------------------------------------------------------------------

def _login(server, handle="a.bsky.social", host="bsky"):
    return httpx.post(f"{server.url}/{host}/xrpc/com.atproto.server.createSession",
                      json={"identifier": handle, "password": "p"})


def test_bluesky_login_limit_per_day_with_retry_after(server):
    server.store.options["bsky_logins_per_day"] = 3
    assert [_login(server).status_code for _ in range(3)] == [200, 200, 200]
    r = _login(server)
    assert r.status_code == 429 and r.json()["error"] == "RateLimitExceeded"
    assert int(r.headers["retry-after"]) > 80000 and r.headers["ratelimit-remaining"] == "0"


def test_bluesky_pds_from_did_doc_and_entryway_refuses_repo_calls(server):
    session = _login(server).json()
    pds = session["didDoc"]["service"][0]["serviceEndpoint"]
    assert pds.endswith("/bsky-pds")
    headers = {"Authorization": f"Bearer {session['accessJwt']}"}
    params = {"repo": session["did"], "collection": "app.bsky.feed.post", "rkey": "3kabc"}
    assert httpx.get(f"{server.url}/bsky/xrpc/com.atproto.repo.getRecord", params=params,
                     headers=headers).status_code == 400
    assert httpx.get(f"{pds}/xrpc/com.atproto.repo.getRecord", params=params,
                     headers=headers).json()["error"] == "RecordNotFound"


def test_bluesky_access_token_expires_and_refresh_rotates(server):
    server.store.options["bsky_access_ttl"] = -1
    session = _login(server).json()
    r = httpx.get(f"{server.url}/bsky-pds/xrpc/com.atproto.repo.getRecord",
                  params={"repo": session["did"], "collection": "x", "rkey": "y"},
                  headers={"Authorization": f"Bearer {session['accessJwt']}"})
    assert r.status_code == 400 and r.json()["error"] == "ExpiredToken"
    refresh = {"Authorization": f"Bearer {session['refreshJwt']}"}
    first = httpx.post(f"{server.url}/bsky/xrpc/com.atproto.server.refreshSession", headers=refresh)
    assert first.status_code == 200 and first.json()["refreshJwt"] != session["refreshJwt"]
    again = httpx.post(f"{server.url}/bsky/xrpc/com.atproto.server.refreshSession", headers=refresh)
    assert again.status_code == 400 and again.json()["error"] == "ExpiredToken"


@pytest.mark.parametrize(("record", "message"), [
    ({"text": "a"}, "createdAt"),
    ({"text": "a", "createdAt": "gestern"}, "createdAt"),
    ({"text": "a", "createdAt": "2026-12-01T10:00:00Z", "langs": ["de", "en", "fr", "it"]}, "langs"),
    ({"text": "a", "createdAt": "2026-12-01T10:00:00Z",
      "embed": {"$type": "app.bsky.embed.images", "images": [{"image": None}]}}, "alt"),
    ({"text": "a", "createdAt": "2026-12-01T10:00:00Z", "embed": {"$type": "app.bsky.embed.unknown"}}, "embed"),
    ({"text": "a", "createdAt": "2026-12-01T10:00:00Z",
      "facets": [{"index": {"byteStart": 0, "byteEnd": 99}, "features": []}]}, "facets"),
])
def test_bluesky_lexicon_validation(server, record, message):
    session = _login(server).json()
    r = httpx.post(f"{server.url}/bsky-pds/xrpc/com.atproto.repo.createRecord", json={
        "repo": session["did"], "collection": "app.bsky.feed.post",
        "record": {"$type": "app.bsky.feed.post", **record}}, headers={"Authorization": f"Bearer {session['accessJwt']}"})
    assert r.status_code == 400 and r.json()["error"] == "InvalidRecord" and message in r.json()["message"]


def test_bluesky_blob_size_checked_at_create_record(server):
    session = _login(server).json()
    headers = {"Authorization": f"Bearer {session['accessJwt']}"}
    blob = httpx.post(f"{server.url}/bsky-pds/xrpc/com.atproto.repo.uploadBlob", content=b"x" * 1_000_001,
                      headers={**headers, "Content-Type": "image/jpeg"})
    assert blob.status_code == 200  # accepted by uploadBlob …
    record = {"$type": "app.bsky.feed.post", "text": "a", "createdAt": "2026-12-01T10:00:00Z",
              "embed": {"$type": "app.bsky.embed.images", "images": [{"image": blob.json()["blob"], "alt": "A"}]}}
    r = httpx.post(f"{server.url}/bsky-pds/xrpc/com.atproto.repo.createRecord", json={
        "repo": session["did"], "collection": "app.bsky.feed.post", "record": record}, headers=headers)
    assert r.status_code == 400 and "too large" in r.json()["message"]  # … rejected by the lexicon


# --- LinkedIn --------------------------------------------------------------------------

def _li(version: str, token: str = "tok") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0"}


def test_linkedin_sunset_version_is_426(server):
    r = httpx.get(f"{server.url}/linkedin/rest/posts", params={"q": "author", "author": "urn:li:organization:1"},
                  headers=_li("202505"))
    assert r.status_code == 426 and r.json()["code"] == "NONEXISTENT_VERSION"
    ok = httpx.get(f"{server.url}/linkedin/rest/posts", params={"q": "author", "author": "urn:li:organization:1"},
                   headers=_li(NOW))
    assert ok.status_code == 200


def test_linkedin_expired_member_token(server):
    server.store.options["linkedin_expired_tokens"] = {"old"}
    r = httpx.get(f"{server.url}/linkedin/rest/posts", headers=_li(NOW, "old"))
    assert r.status_code == 401 and r.json()["code"] == "EXPIRED_ACCESS_TOKEN"


def test_linkedin_429_has_no_rate_headers(server):
    server.add_fault("linkedin", status=429)
    r = httpx.get(f"{server.url}/linkedin/rest/posts", headers=_li(NOW))
    assert r.status_code == 429 and not any(h.lower().startswith(("retry-after", "x-rate")) for h in r.headers)


def test_linkedin_images_api_flow(server):
    init = httpx.post(f"{server.url}/linkedin/rest/images", params={"action": "initializeUpload"},
                      json={"initializeUploadRequest": {"owner": "urn:li:organization:1"}}, headers=_li(NOW)).json()
    image = init["value"]["image"]
    body = {"author": "urn:li:organization:1", "commentary": "c", "lifecycleState": "PUBLISHED",
            "visibility": "PUBLIC", "content": {"media": {"id": image, "altText": "Alt"}}}
    early = httpx.post(f"{server.url}/linkedin/rest/posts", json=body, headers=_li(NOW))
    assert early.status_code == 422  # not uploaded yet
    assert httpx.put(init["value"]["uploadUrl"], content=b"jpeg", headers=_li(NOW)).status_code == 201
    assert httpx.post(f"{server.url}/linkedin/rest/posts", json=body, headers=_li(NOW)).status_code == 201
