"""The Graph fake behaves like the documented Graph API, quirk by quirk (sources in the
docstring of fakeplatform/meta.py)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from fakeplatform import meta

PAGE, IG = meta.FACEBOOK_PAGE_ID, meta.INSTAGRAM_USER_ID


@pytest.fixture
def g(fake_platform):
    base = f"{fake_platform.url}/graph/v23.0"

    def call(method: str, path: str, token: str = meta.PAGE_TOKEN, **data):
        if method == "GET" or method == "DELETE":
            return httpx.request(method, f"{base}/{path}", params={"access_token": token, **data})
        return httpx.request(method, f"{base}/{path}", data={"access_token": token, **data})

    return call


def _error(resp):
    assert resp.status_code == 400, resp.text  # Graph errors travel in HTTP 400 bodies
    return resp.json()["error"]


def test_missing_permission_answers_like_not_found(g, fake_platform):
    post_id = g("POST", f"{PAGE}/feed", message="m").json()["id"]
    meta.token_set(fake_platform.store, meta.PAGE_TOKEN, access=False)  # Page role taken away
    err = _error(g("GET", post_id, fields="id"))
    assert (err["code"], err["error_subcode"]) == (100, 33) and "missing permissions" in err["message"]
    assert _error(g("DELETE", post_id))["error_subcode"] == 33
    assert g("GET", PAGE, fields="id").status_code == 200  # the public Page node still reads
    assert _error(g("GET", f"{PAGE}/feed", fields="id"))["code"] == 10  # its content does not
    assert fake_platform.posts("facebook", live=True)  # nothing was deleted


def test_user_token_instead_of_page_token(g, fake_platform):
    post_id = g("POST", f"{PAGE}/feed", message="m").json()["id"]
    meta.token_set(fake_platform.store, meta.PAGE_TOKEN, user_token=True)
    assert g("GET", "me", fields="id").json()["id"] != PAGE
    assert _error(g("GET", post_id, fields="id"))["error_subcode"] == 33


def test_expired_and_unknown_tokens(g, fake_platform):
    assert _error(g("GET", PAGE, token="nope", fields="id"))["code"] == 190
    meta.token_set(fake_platform.store, meta.PAGE_TOKEN, expired=True)
    err = _error(g("GET", PAGE, fields="id"))
    assert (err["code"], err["error_subcode"]) == (190, 463)


def test_buc_throttle_envelope_and_header(g, fake_platform):
    meta.throttle(fake_platform.store, IG, 100)
    resp = g("POST", f"{IG}/media", token=meta.IG_TOKEN, image_url="http://127.0.0.1/x.jpg")
    err = _error(resp)
    assert err["code"] == 80002 and err["is_transient"] is True
    usage = json.loads(resp.headers["X-Business-Use-Case-Usage"])
    assert usage[IG][0]["type"] == "instagram" and usage[IG][0]["estimated_time_to_regain_access"] == 2
    assert g("POST", f"{PAGE}/feed", message="m").status_code == 200  # the Page is not throttled


def _status(g, container: str) -> str:
    return g("GET", container, token=meta.IG_TOKEN, fields="status_code").json()["status_code"]


def _wait_fetch(g, container: str) -> str:
    for _ in range(50):
        status = _status(g, container)
        if status != "IN_PROGRESS":
            return status
        time.sleep(0.05)
    return status


def test_container_state_machine_fetches_the_image(g, fake_platform):
    card = meta.public_file_put(fake_platform.store, "ok.jpg", b"\xff\xd8\xff" + b"0" * 100)
    meta.public_file_put(fake_platform.store, "not.png", b"\x89PNG....")
    meta.graph_configure(fake_platform.store, container_seconds=0.5)
    container = g("POST", f"{IG}/media", token=meta.IG_TOKEN, image_url=fake_platform.url + card,
                  caption="c").json()["id"]
    assert _status(g, container) == "IN_PROGRESS"
    err = _error(g("POST", f"{IG}/media_publish", token=meta.IG_TOKEN, creation_id=container))
    assert (err["code"], err["error_subcode"]) == (9007, 2207027)  # not ready: nothing published
    time.sleep(0.6)
    assert _wait_fetch(g, container) == "FINISHED"
    assert [r for r in fake_platform.store.requests if r["path"] == card] == []  # fetched directly, not via API
    media_id = g("POST", f"{IG}/media_publish", token=meta.IG_TOKEN, creation_id=container).json()["id"]
    assert _status(g, container) == "PUBLISHED"
    media = g("GET", media_id, token=meta.IG_TOKEN, fields="permalink,is_comment_enabled").json()
    assert media["permalink"] == f"https://www.instagram.com/p/{meta._shortcode(media_id)}/"
    assert media_id not in media["permalink"] and media["is_comment_enabled"] is True
    meta.graph_configure(fake_platform.store, container_seconds=0)
    for url in (fake_platform.url + "/_public/not.png", "https://polizei.example/a.jpg",
                fake_platform.url + "/_public/missing.jpg"):
        bad = g("POST", f"{IG}/media", token=meta.IG_TOKEN, image_url=url).json()["id"]
        assert _wait_fetch(g, bad) == "ERROR"  # not JPEG / not reachable / 404


def test_container_expires_after_a_day(g, fake_platform):
    card = meta.public_file_put(fake_platform.store, "ok.jpg", b"\xff\xd8\xff")
    container = g("POST", f"{IG}/media", token=meta.IG_TOKEN, image_url=fake_platform.url + card).json()["id"]
    assert _wait_fetch(g, container) == "FINISHED"
    fake_platform.store.media[container]["created"] -= meta.CONTAINER_TTL + 1
    assert _status(g, container) == "EXPIRED"
    err = _error(g("POST", f"{IG}/media_publish", token=meta.IG_TOKEN, creation_id=container))
    assert err["error_subcode"] == 2207020


def test_daily_publishing_quota(g, fake_platform):
    card = meta.public_file_put(fake_platform.store, "ok.jpg", b"\xff\xd8\xff")
    meta.graph_configure(fake_platform.store, ig_daily_limit=2)
    results = []
    for _ in range(3):
        container = g("POST", f"{IG}/media", token=meta.IG_TOKEN, image_url=fake_platform.url + card).json()["id"]
        _wait_fetch(g, container)
        results.append(g("POST", f"{IG}/media_publish", token=meta.IG_TOKEN, creation_id=container))
    assert [r.status_code for r in results] == [200, 200, 400]
    assert (results[2].json()["error"]["code"], results[2].json()["error"]["error_subcode"]) == (9, 2207042)
    limit = g("GET", f"{IG}/content_publishing_limit", token=meta.IG_TOKEN).json()["data"][0]
    assert limit["quota_usage"] == 2 and limit["config"]["quota_total"] == 2


def test_default_quota_is_fifty():
    assert meta.GraphState().ig_daily_limit == 50


def test_photo_story_and_photo_are_two_objects(g, fake_platform):
    body = g("POST", f"{PAGE}/photos", url="https://polizei.example/1.jpg", caption="c").json()
    assert g("DELETE", body["post_id"]).json() == {"success": True}
    assert g("GET", body["id"], fields="id").status_code == 200  # the Photo survives the story
    feed = g("GET", f"{PAGE}/feed", fields="id").json()["data"]
    assert feed == []


def test_delayed_delete_stays_readable(g, fake_platform):
    meta.graph_configure(fake_platform.store, delete_delay=0.5)
    post_id = g("POST", f"{PAGE}/feed", message="m").json()["id"]
    assert g("DELETE", post_id).json() == {"success": True}
    assert g("GET", post_id, fields="id").status_code == 200  # accepted, still visible
    assert meta.gone_at(fake_platform.store, post_id) is None
    time.sleep(0.55)
    assert _error(g("GET", post_id, fields="id"))["error_subcode"] == 33
    assert meta.gone_at(fake_platform.store, post_id) is not None


def test_control_endpoint(fake_platform):
    resp = httpx.post(f"{fake_platform.url}/_control/graph", json={"token": meta.PAGE_TOKEN, "access": False})
    assert resp.status_code == 200 and meta.state(fake_platform.store).tokens[meta.PAGE_TOKEN].nodes == set()
