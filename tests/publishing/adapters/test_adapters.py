"""Every API adapter against the fake platform server, with the real clients (tweepy for X,
httpx via core.http for the others): publish, verify, withdraw (twice), find a lost post,
and faults (429 with reset headers, 500, timeout, 401)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fahndung.publishing.adapters.base import AdapterError, MediaItem, Payload
from fahndung.publishing.adapters.registry import adapter_for, capabilities_for, configured_accounts

# account key -> fake-server platform name used for fault injection
API_ACCOUNTS = {
    "x:lka": "x",
    "facebook:ppstuttgart": "facebook",
    "instagram:ppstuttgart": "instagram",
    "mastodon:bund": "mastodon",
    "bluesky:ppstuttgart": "bluesky",
    "linkedin:ppstuttgart": "linkedin",
}
LINK = "https://polizei.example/fahndung/abc123/"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def live(fake_platform, platform: str) -> list[dict]:
    """Live posts of a platform; Bluesky reply gates are records, not posts."""
    return [p for p in fake_platform.posts(platform, live=True) if "threadgate" not in p["id"]]


def payload(key: str = "idem-1", text: str | None = None, media=()) -> Payload:
    return Payload(
        text=text or f"FAHNDUNG #Stuttgart: Wer erkennt die Person? Hinweise bitte nicht in die Kommentare: {LINK}",
        link=LINK, idempotency_key=key, media=tuple(media), created_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    )


def test_demo_env_configures_every_account(fake_platform):
    keys = {a.key for a in configured_accounts()}
    assert set(API_ACCOUNTS) <= keys
    assert {"x:ppstuttgart", "whatsapp:ppstuttgart", "press:media"} <= keys


@pytest.mark.parametrize("account", list(API_ACCOUNTS))
def test_publish_verify_withdraw(account, fake_platform):
    adapter = adapter_for(account)
    calls = []
    adapter.recorder = lambda *args: calls.append(args)
    ref = adapter.publish(payload())
    assert ref.external_id and ref.url.startswith("http")
    posts_now = live(fake_platform, API_ACCOUNTS[account])
    assert len(posts_now) == 1 and LINK in posts_now[0]["text"].replace("\\", "")
    assert adapter.verify(ref) is True
    assert adapter.find_existing(payload()) == ref
    adapter.withdraw(ref)
    assert adapter.verify(ref) is False
    adapter.withdraw(ref)  # already gone is success, not an error
    assert live(fake_platform, API_ACCOUNTS[account]) == []
    assert calls and all(c[3] == "ok" for c in calls)  # every call recorded
    assert {c[0] for c in calls} >= {"publish", "verify", "withdraw"}


@pytest.mark.parametrize("account", list(API_ACCOUNTS))
def test_rate_limit_is_transient_with_retry_after(account, fake_platform):
    fake_platform.add_fault(API_ACCOUNTS[account], status=429, reset_in=42, count=5)
    with pytest.raises(AdapterError) as exc:
        adapter_for(account).publish(payload())
    assert exc.value.permanent is False
    if API_ACCOUNTS[account] in ("facebook", "instagram"):
        # Graph: HTTP 400 + BUC code, regain time in whole minutes (fakeplatform.meta).
        assert exc.value.http_status == 400 and exc.value.retry_after == 60
        return
    assert exc.value.http_status == 429
    if account == "linkedin:ppstuttgart":
        # LinkedIn documents no rate-limit headers: the engine's backoff decides.
        assert exc.value.retry_after is None
    else:
        assert exc.value.retry_after is not None and 30 < exc.value.retry_after <= 43


@pytest.mark.parametrize("account", list(API_ACCOUNTS))
def test_server_error_is_transient(account, fake_platform):
    fake_platform.add_fault(API_ACCOUNTS[account], status=500, count=5)
    with pytest.raises(AdapterError) as exc:
        adapter_for(account).publish(payload())
    assert exc.value.permanent is False and exc.value.http_status == 500


@pytest.mark.parametrize("account", list(API_ACCOUNTS))
def test_auth_failure_is_permanent(account, fake_platform):
    fake_platform.add_fault(API_ACCOUNTS[account], status=401, count=5)
    with pytest.raises(AdapterError) as exc:
        adapter_for(account).publish(payload())
    assert exc.value.permanent is True
    assert live(fake_platform, API_ACCOUNTS[account]) == []


@pytest.mark.parametrize("account", list(API_ACCOUNTS))
def test_timeout_is_transient_and_lost_post_is_found(account, fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "1")
    # The platform creates the post but answers too late: our side sees a timeout.
    create_path = {"bluesky:ppstuttgart": "createRecord", "instagram:ppstuttgart": "media_publish"}
    fake_platform.add_fault(API_ACCOUNTS[account], delay=1.6, after=True, method="POST", count=1,
                            path_contains=create_path.get(account, ""))
    adapter = adapter_for(account)
    if account == "bluesky:ppstuttgart":
        adapter._session()  # log in before the fault hits
    with pytest.raises(AdapterError) as exc:
        adapter.publish(payload())
    assert exc.value.permanent is False
    assert "Zeitüberschreitung" in exc.value.message
    import time

    time.sleep(0.8)  # let the fake finish the slow request
    assert len(live(fake_platform, API_ACCOUNTS[account])) == 1
    found = adapter_for(account).find_existing(payload())
    assert found is not None
    assert found.external_id in {p["id"] for p in live(fake_platform, API_ACCOUNTS[account])}


def test_mastodon_idempotency_key_prevents_duplicates(fake_platform):
    adapter = adapter_for("mastodon:bund")
    first = adapter.publish(payload("same-key"))
    second = adapter.publish(payload("same-key"))
    assert first == second
    assert len(fake_platform.posts("mastodon", live=True)) == 1
    adapter.publish(payload("other-key"))
    assert len(fake_platform.posts("mastodon", live=True)) == 2


def test_bluesky_deterministic_rkey_prevents_duplicates(fake_platform):
    adapter = adapter_for("bluesky:ppstuttgart")
    first = adapter.publish(payload("same-key"))
    second = adapter.publish(payload("same-key"))
    assert first == second
    posts = [p for p in fake_platform.posts("bluesky", live=True) if "feed.post" in p["id"]]
    assert len(posts) == 1
    record = posts[0]["data"]["record"]
    assert record["langs"] == ["de"]
    link = next(f for f in record["facets"] if f["features"][0]["$type"].endswith("#link"))
    assert record["text"].encode()[link["index"]["byteStart"]:link["index"]["byteEnd"]].decode() == LINK
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    gates = [p for p in fake_platform.posts("bluesky", live=True) if "threadgate" in p["id"]]
    assert gates and gates[0]["data"]["record"]["allow"] == []  # replies off (R10)


@pytest.mark.parametrize("media_api", ["v1", "v2"])
def test_x_media_upload_with_alt_text(media_api, fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_X_LKA_MEDIA_API", media_api)
    fake_platform.store.options["x_v1_media"] = True  # tiers that still have v1.1 (enterprise)
    adapter = adapter_for("x:lka")
    ref = adapter.publish(payload(media=[MediaItem(JPEG, "image/jpeg", "Foto der gesuchten Person")]))
    post = fake_platform.posts("x", live=True)[0]
    assert post["id"] == ref.external_id
    media_id = post["data"]["media_ids"][0]
    assert fake_platform.store.media[media_id]["alt"] == "Foto der gesuchten Person"


def test_mastodon_and_bluesky_media_carry_alt_text(fake_platform):
    item = MediaItem(JPEG, "image/jpeg", "Bild: Person mit roter Jacke")
    adapter_for("mastodon:bund").publish(payload(media=[item]))
    status = fake_platform.posts("mastodon", live=True)[0]
    assert status["data"]["media"][0]["description"] == "Bild: Person mit roter Jacke"
    adapter_for("bluesky:ppstuttgart").publish(payload("k2", media=[item]))
    post = next(p for p in fake_platform.posts("bluesky", live=True) if "feed.post" in p["id"])
    assert post["data"]["record"]["embed"]["images"][0]["alt"] == "Bild: Person mit roter Jacke"


def test_x_replies_are_switched_off(fake_platform):
    adapter_for("x:lka").publish(payload())
    assert fake_platform.posts("x", live=True)[0]["data"]["reply_settings"] == "mentionedUsers"  # R10


def test_instagram_uses_neutral_card_and_switches_comments_off(fake_platform):
    adapter_for("instagram:ppstuttgart").publish(payload())
    post = fake_platform.posts("instagram", live=True)[0]
    assert post["data"]["comment_enabled"] is False
    assert any(m.get("image_url", "").endswith("instagram-card.jpg") for m in fake_platform.store.media.values())


def test_instagram_without_delete_permission_is_manual(fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_INSTAGRAM_PPSTUTTGART_CAN_DELETE", "false")
    adapter = adapter_for("instagram:ppstuttgart")
    assert adapter.capabilities.can_delete is False
    ref = adapter.publish(payload())
    with pytest.raises(AdapterError) as exc:
        adapter.withdraw(ref)
    assert exc.value.permanent is True
    assert fake_platform.delete_calls() == {}


def test_facebook_photo_post_with_public_image(fake_platform):
    item = MediaItem(JPEG, "image/jpeg", "Alt", public_url="https://polizei.example/media/r/1.jpg")
    adapter_for("facebook:ppstuttgart").publish(payload(media=[item]))
    post = next(p for p in fake_platform.posts("facebook", live=True) if p["data"]["kind"] == "photos")
    assert post["data"]["kind"] == "photos" and post["data"]["alt_text_custom"] == "Alt"


def test_linkedin_little_text_escaping(fake_platform):
    from fahndung.publishing.adapters.linkedin import little_text, plain_text

    text = "Hinweise (bitte) an 0711 #Fahndung https://a.example/x_(1)"
    escaped = little_text(text)
    assert "\\(bitte\\)" in escaped and "{hashtag|\\#|Fahndung}" in escaped
    assert "https://a.example/x_(1)" in escaped  # URLs stay intact
    assert plain_text(escaped) == text


def test_capabilities():
    assert capabilities_for("x").can_delete and not capabilities_for("x").manual
    assert capabilities_for("whatsapp").manual and not capabilities_for("whatsapp").can_delete


def test_every_capability_flag_is_read_by_the_code():
    """No flag that does nothing (issue 12: can_edit, can_disable_comments and
    needs_public_image_url were read only by tests)."""
    import dataclasses
    import re
    from pathlib import Path

    from fahndung.publishing.adapters.base import Capabilities

    root = Path(__file__).resolve().parents[3] / "fahndung"
    code = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    for flag in dataclasses.fields(Capabilities):
        # read as an attribute or via getattr (keyword arguments in definitions do not count)
        pattern = rf"\.{flag.name}\b|getattr\([^)]*\"{flag.name}\""
        assert re.search(pattern, code), f"Capabilities.{flag.name} is never read"


def test_unconfigured_account_is_a_permanent_error(fake_platform):
    with pytest.raises(AdapterError) as exc:
        adapter_for("x:unbekannt")
    assert exc.value.permanent


@pytest.mark.parametrize("account", list(API_ACCOUNTS))
def test_view_url_points_at_fake_html_view(account, fake_platform):
    import httpx

    ref = adapter_for(account).publish(payload())
    assert ref.url.startswith(f"{fake_platform.url}/_view/")
    page = httpx.get(ref.url)
    assert page.status_code == 200 and "online" in page.text
