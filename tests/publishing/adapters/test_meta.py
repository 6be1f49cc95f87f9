"""Graph adapter (Facebook Page, Instagram) against the realistic Graph fake (issue 11:
findings 1, 4, 5 and 7)."""

from __future__ import annotations

import time

import pytest

from fahndung.publishing.adapters.base import (
    AccountProblem,
    AdapterError,
    MediaItem,
    Payload,
    RemoteRef,
)
from fahndung.publishing.adapters.registry import adapter_for
from fakeplatform import meta as fake_meta

FB, IG = "facebook:ppstuttgart", "instagram:ppstuttgart"
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


def payload(key: str = "idem-meta", text: str = "Zeugenaufruf: Wer hat etwas gesehen? Hinweise an 0711 8990-0",
            media=()) -> Payload:
    return Payload(text=text, link="https://polizei.example/fahndung/1", idempotency_key=key, media=tuple(media))


def live_ids(fake_platform, platform: str) -> set[str]:
    fake_meta.settle(fake_platform.store)
    return {p["id"] for p in fake_platform.posts(platform, live=True)}


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


# --- Finding 1: 100/33 is not proof of absence ---------------------------------------

@pytest.mark.parametrize("account,token,mode", [
    (FB, fake_meta.PAGE_TOKEN, {"access": False}),  # the Page role was taken away
    (FB, fake_meta.PAGE_TOKEN, {"user_token": True}),  # a user token instead of the Page token
    (IG, fake_meta.IG_TOKEN, {"access": False}),
])
def test_missing_permission_is_never_read_as_absent(account, token, mode, fake_platform):
    adapter = adapter_for(account)
    ref = adapter.publish(payload())
    fake_meta.token_set(fake_platform.store, token, **mode)
    with pytest.raises(AdapterError) as withdraw_err:
        adapter.withdraw(ref)
    assert withdraw_err.value.account_problem == AccountProblem.RECONNECT_NEEDED
    assert withdraw_err.value.permanent is True
    with pytest.raises(AdapterError) as verify_err:
        adapter.verify(ref)
    assert verify_err.value.account_problem == AccountProblem.RECONNECT_NEEDED
    assert ref.external_id in live_ids(fake_platform, account.split(":")[0])  # it is still online


@pytest.mark.parametrize("account", [FB, IG])
def test_post_deleted_elsewhere_is_absent_when_the_token_still_reads_the_account(account, fake_platform):
    adapter = adapter_for(account)
    ref = adapter.publish(payload())
    fake_platform.store.delete(ref.external_id)  # removed by hand in the app
    adapter.withdraw(ref)  # 100/33 + the token still reads the Page/IG account: gone
    assert adapter.verify(ref) is False


def test_expired_token_is_reconnect_needed(fake_platform):
    adapter = adapter_for(FB)
    ref = adapter.publish(payload())
    fake_meta.token_set(fake_platform.store, fake_meta.PAGE_TOKEN, expired=True)
    with pytest.raises(AdapterError) as exc:
        adapter.verify(ref)
    assert exc.value.permanent and exc.value.account_problem == AccountProblem.RECONNECT_NEEDED


# --- Finding 5: Business-Use-Case throttling, container states ------------------------

@pytest.mark.parametrize("account,node", [(FB, fake_meta.FACEBOOK_PAGE_ID), (IG, fake_meta.INSTAGRAM_USER_ID)])
def test_buc_throttle_is_transient_with_the_regain_time(account, node, fake_platform):
    fake_meta.throttle(fake_platform.store, node, 150)  # estimated_time_to_regain_access = 3 min
    with pytest.raises(AdapterError) as exc:
        adapter_for(account).publish(payload())
    assert exc.value.permanent is False and exc.value.http_status == 400
    assert exc.value.account_problem == AccountProblem.THROTTLED
    assert exc.value.retry_after == 180


def test_slow_container_is_not_published_unfinished_nor_failed(fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_INSTAGRAM_CONTAINER_WAIT_SECONDS", "1")
    fake_meta.graph_configure(fake_platform.store, container_seconds=2.5)
    adapter = adapter_for(IG)
    with pytest.raises(AdapterError) as exc:
        adapter.publish(payload())
    assert exc.value.permanent is False and exc.value.retry_after
    assert not any(r["path"].endswith("/media_publish") for r in fake_platform.store.requests)
    time.sleep(2.6)
    ref = adapter.publish(payload())  # the same container, now FINISHED
    assert len(fake_platform.store.media) == 1
    assert ref.external_id in live_ids(fake_platform, "instagram")


def test_container_error_is_permanent_and_nothing_is_published(fake_platform):
    item = MediaItem(JPEG, "image/jpeg", "Alt", public_url="https://polizei.example/nicht-erreichbar.jpg")
    with pytest.raises(AdapterError) as exc:
        adapter_for(IG).publish(payload(media=[item]))
    assert exc.value.permanent is True and "Bild" in exc.value.message
    assert not any(r["path"].endswith("/media_publish") for r in fake_platform.store.requests)


def test_expired_container_is_replaced(fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_INSTAGRAM_CONTAINER_WAIT_SECONDS", "0")
    fake_meta.graph_configure(fake_platform.store, container_seconds=60)
    adapter = adapter_for(IG)
    with pytest.raises(AdapterError):
        adapter.publish(payload())
    (container,) = fake_platform.store.media.values()
    container["created"] -= fake_meta.CONTAINER_TTL + 1  # left unpublished for a day
    fake_meta.graph_configure(fake_platform.store, container_seconds=0)
    monkeypatch.setenv("FAHNDUNG_INSTAGRAM_CONTAINER_WAIT_SECONDS", "5")
    ref = adapter.publish(payload())
    assert len(fake_platform.store.media) == 2 and ref.external_id in live_ids(fake_platform, "instagram")


def test_daily_publishing_quota_is_a_throttle_not_a_failure(fake_platform):
    fake_meta.graph_configure(fake_platform.store, ig_daily_limit=1)
    adapter = adapter_for(IG)
    adapter.publish(payload("one", text="Erster Aufruf"))
    with pytest.raises(AdapterError) as exc:
        adapter.publish(payload("two", text="Zweiter Aufruf"))
    assert exc.value.permanent is False and exc.value.account_problem == AccountProblem.THROTTLED
    assert exc.value.retry_after and exc.value.retry_after > 3600


# --- Finding 4: comment control after a lost create answer ----------------------------

def test_comments_are_switched_off_on_a_recovered_post(fake_platform):
    adapter = adapter_for(IG)
    fake_platform.add_fault("instagram", delay=2.5, after=True, path_contains="media_publish", count=1)
    with pytest.raises(AdapterError):
        adapter.publish(payload())  # the answer to media_publish is lost (timeout)
    (post,) = fake_platform.posts("instagram", live=True)
    assert post["data"]["comment_enabled"] is True  # online, comments still open
    ref = adapter.find_existing(payload())
    assert ref is not None and ref.external_id == post["id"]
    assert fake_platform.store.posts[post["id"]].data["comment_enabled"] is False


# --- Finding 7: permalink and every object id ----------------------------------------

def test_instagram_link_is_the_permalink(fake_platform, monkeypatch):
    monkeypatch.delenv("FAHNDUNG_INSTAGRAM_PPSTUTTGART_VIEW_URL")
    ref = adapter_for(IG).publish(payload())
    assert ref.url == f"https://www.instagram.com/p/{fake_meta._shortcode(ref.external_id)}/"
    assert f"/p/{ref.external_id}/" not in ref.url
    found = adapter_for(IG).find_existing(payload())
    assert found is not None and found.url == ref.url


def test_facebook_photo_post_deletes_and_verifies_every_object(fake_platform):
    item = MediaItem(JPEG, "image/jpeg", "Alt", public_url="https://polizei.example/media/r/1.jpg")
    adapter = adapter_for(FB)
    ref = adapter.publish(payload(media=[item]))
    photo_ids = {p["id"] for p in fake_platform.posts("facebook", live=True) if p["data"].get("kind") == "photo"}
    assert photo_ids and set(ref.extra_ids) == photo_ids
    adapter.withdraw(ref)
    assert live_ids(fake_platform, "facebook") == set()  # the story AND the photo are gone
    assert adapter.verify(ref) is False
    # Only the story id known (e.g. a row from before this fix): the photo still counts.
    ref2 = adapter.publish(payload("idem-2", text="Zweites Foto", media=[item]))
    fake_platform.store.delete(ref2.external_id)
    assert adapter.verify(ref2) is True  # its photo is still online


def test_delayed_delete_is_not_absent_until_it_shows(fake_platform):
    fake_meta.graph_configure(fake_platform.store, delete_delay=1.5)
    adapter = adapter_for(FB)
    ref = adapter.publish(payload())
    adapter.withdraw(ref)
    assert adapter.verify(ref) is True  # accepted, but still readable
    time.sleep(1.6)
    assert adapter.verify(ref) is False
    assert RemoteRef(ref.external_id).extra_ids == ()
