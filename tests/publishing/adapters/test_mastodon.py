"""Mastodon adapter against the realistic fake (fakeplatform/mastodon.py): the ISO-8601
X-RateLimit-Reset is read, asynchronous media is waited for and never attached before it
is ready, the 30-deletes-per-30-minutes throttle is a transient error (issue 11, finding 5)."""

from __future__ import annotations

import pytest

from fahndung.publishing.adapters import mastodon
from fahndung.publishing.adapters.base import AdapterError, MediaItem
from fahndung.publishing.adapters.registry import adapter_for
from tests.publishing.adapters.test_adapters import JPEG, payload

IMAGE = MediaItem(JPEG, "image/jpeg", "Bild: Person mit roter Jacke")


def test_429_iso_reset_becomes_retry_after(fake_platform):
    fake_platform.add_fault("mastodon", status=429, reset_in=120)
    with pytest.raises(AdapterError) as exc:
        adapter_for("mastodon:bund").publish(payload())
    assert exc.value.permanent is False and exc.value.http_status == 429
    assert exc.value.retry_after is not None and 110 < exc.value.retry_after <= 120


def test_async_media_is_polled_until_ready(fake_platform):
    fake_platform.store.options["mastodon_media_polls"] = 3
    adapter_for("mastodon:bund").publish(payload(media=[IMAGE]))
    status = fake_platform.posts("mastodon", live=True)[0]
    assert status["data"]["media"][0]["description"] == "Bild: Person mit roter Jacke"


def test_slow_media_is_transient_and_never_attached_unprocessed(fake_platform, monkeypatch):
    monkeypatch.setattr(mastodon, "MEDIA_POLLS", 2)
    monkeypatch.setattr(mastodon.time, "sleep", lambda s: None)
    fake_platform.store.options["mastodon_media_polls"] = 50
    with pytest.raises(AdapterError) as exc:
        adapter_for("mastodon:bund").publish(payload(media=[IMAGE]))
    assert exc.value.permanent is False and exc.value.retry_after
    assert fake_platform.posts("mastodon") == []
    assert not any(r["path"].endswith("/api/v1/statuses") for r in fake_platform.store.requests)


def test_delete_throttle_is_transient_with_the_reset(fake_platform):
    fake_platform.store.options["mastodon_delete_limit"] = 2
    adapter = adapter_for("mastodon:bund")
    refs = [adapter.publish(payload(f"k{i}", text=f"Fahndung Nummer {i}")) for i in range(3)]
    adapter.withdraw(refs[0])
    adapter.withdraw(refs[1])
    with pytest.raises(AdapterError) as exc:
        adapter.withdraw(refs[2])
    assert exc.value.permanent is False and exc.value.http_status == 429
    assert exc.value.retry_after is not None and exc.value.retry_after > 1700
    assert adapter.verify(refs[2]) is True  # still online: nothing concluded from the 429
