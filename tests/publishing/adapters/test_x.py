"""X adapter against the realistic fake (fakeplatform/x.py): v2 media by default with the
documented metadata shape, every error an AdapterError, duplicate content recovered,
verify that only trusts resource-not-found (issue 11, finding 3)."""

from __future__ import annotations

import pytest

from fahndung.publishing.adapters.base import AdapterError, MediaItem, RemoteRef
from fahndung.publishing.adapters.registry import adapter_for
from tests.publishing.adapters.test_adapters import JPEG, payload

IMAGE = MediaItem(JPEG, "image/jpeg", "Foto der gesuchten Person")


def test_default_upload_is_v2_with_metadata_alt_text(fake_platform):
    ref = adapter_for("x:lka").publish(payload(media=[IMAGE]))
    post = fake_platform.posts("x", live=True)[0]
    assert post["id"] == ref.external_id
    assert fake_platform.store.media[post["data"]["media_ids"][0]]["alt"] == "Foto der gesuchten Person"
    paths = [r["path"] for r in fake_platform.store.requests]
    assert "/x/2/media/upload" in paths and "/x/2/media/metadata" in paths
    assert not any("1.1" in p for p in paths)


def test_retired_v1_upload_is_an_adapter_error_not_a_raw_tweepy_exception(fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_X_LKA_MEDIA_API", "v1")
    with pytest.raises(AdapterError) as exc:
        adapter_for("x:lka").publish(payload(media=[IMAGE]))
    assert exc.value.http_status == 404 and exc.value.permanent is True
    assert fake_platform.posts("x", live=True) == []


@pytest.mark.parametrize(("status", "path"), [(429, "media/upload"), (503, "media/upload"), (429, "media/metadata"),
                                              (500, "media/metadata")])
def test_v2_media_throttling_and_server_errors_are_transient(fake_platform, monkeypatch, status, path):
    monkeypatch.setenv("FAHNDUNG_X_LKA_MEDIA_API", "v2")
    fake_platform.add_fault("x", status=status, reset_in=40, path_contains=path)
    with pytest.raises(AdapterError) as exc:
        adapter_for("x:lka").publish(payload(media=[IMAGE]))
    assert exc.value.permanent is False and exc.value.http_status == status
    if status == 429:
        assert exc.value.retry_after is not None and 30 < exc.value.retry_after <= 41


def test_duplicate_content_403_finds_the_live_post(fake_platform):
    adapter = adapter_for("x:lka")
    first = adapter.publish(payload())
    # The answer of the first create was lost; the retry gets 403 duplicate content.
    second = adapter_for("x:lka").publish(payload())
    assert second.external_id == first.external_id
    assert len(fake_platform.posts("x", live=True)) == 1


def test_verify_not_authorized_is_not_absent(fake_platform):
    adapter = adapter_for("x:lka")
    ref = adapter.publish(payload())
    fake_platform.store.options["x_protected_authors"] = {"1000001"}
    with pytest.raises(AdapterError) as exc:
        adapter.verify(ref)
    assert exc.value.permanent is True and "nicht bewiesen" in exc.value.message
    fake_platform.store.options["x_protected_authors"] = set()
    assert adapter.verify(RemoteRef("999")) is False  # resource-not-found is absent


@pytest.mark.parametrize("status", [400, 403, 404, 500, 503])
def test_every_create_error_is_an_adapter_error(fake_platform, status):
    fake_platform.add_fault("x", status=status, path_contains="/2/tweets", count=3)
    with pytest.raises(AdapterError) as exc:
        adapter_for("x:lka").publish(payload())
    assert exc.value.permanent is (status < 500)
