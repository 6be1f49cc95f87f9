"""Bluesky adapter against the realistic fake (fakeplatform/bluesky.py): one session shared
by all processes and refreshed instead of re-created, the PDS from the DID document, the
duplicate rkey (HTTP 500 on a real PDS) detected by getRecord, and the reply gate ensured
on every path (issue 11, findings 4 and 6)."""

from __future__ import annotations

import time

import pytest

from fahndung.publishing.adapters import bluesky
from fahndung.publishing.adapters.base import AdapterError, MediaItem
from fahndung.publishing.adapters.registry import adapter_for
from fahndung.publishing.models import PlatformSession
from tests.publishing.adapters.test_adapters import JPEG, LINK, payload

ACCOUNT = "bluesky:ppstuttgart"


def _logins(fake_platform) -> int:
    return sum(1 for r in fake_platform.store.requests if r["path"].endswith("createSession"))


def _refreshes(fake_platform) -> int:
    return sum(1 for r in fake_platform.store.requests if r["path"].endswith("refreshSession"))


def _gates(fake_platform) -> list[dict]:
    return [p for p in fake_platform.posts("bluesky", live=True) if "threadgate" in p["id"]]


def test_session_is_shared_across_processes_and_encrypted(fake_platform):
    adapter_for(ACCOUNT).publish(payload("a", text="Erste Fahndung"))
    bluesky._sessions.clear()  # another worker process: empty in-process cache
    adapter_for(ACCOUNT).publish(payload("b", text="Zweite Fahndung"))
    assert _logins(fake_platform) == 1
    row = PlatformSession.objects.get(account=ACCOUNT)
    assert row.data and "accessJwt" not in row.data and "did:plc" not in row.data  # encrypted at rest


def test_expired_access_token_is_refreshed_not_a_new_login(fake_platform):
    fake_platform.store.options["bsky_access_ttl"] = 60  # shorter than the renewal margin
    adapter = adapter_for(ACCOUNT)
    for i in range(4):
        bluesky._sessions.clear()
        adapter.publish(payload(f"k{i}", text=f"Fahndung {i}"))
    assert _logins(fake_platform) == 1
    assert _refreshes(fake_platform) >= 3


def test_login_limit_is_not_exhausted_by_many_processes(fake_platform):
    fake_platform.store.options["bsky_logins_per_day"] = 2
    for i in range(10):  # ten worker processes, each with a fresh cache
        bluesky._sessions.clear()
        adapter_for(ACCOUNT).verify(adapter_for(ACCOUNT)._ref(adapter_for(ACCOUNT)._did(), f"3kabc{i}aaaaaa"))
    assert _logins(fake_platform) == 1


def test_dead_refresh_token_falls_back_to_one_login(fake_platform):
    adapter = adapter_for(ACCOUNT)
    adapter._did()
    fake_platform.store.sessions.clear()  # the PDS revoked every refresh token
    fake_platform.store.options["bsky_access_ttl"] = -1
    bluesky._sessions.clear()
    PlatformSession.objects.all().delete()
    adapter._did()
    assert _logins(fake_platform) == 2


def test_repo_calls_go_to_the_pds_from_the_did_document(fake_platform):
    adapter_for(ACCOUNT).publish(payload())
    repo_calls = [r["path"] for r in fake_platform.store.requests if "com.atproto.repo" in r["path"]]
    assert repo_calls and all(p.startswith("/bsky-pds/") for p in repo_calls)


def test_repeated_create_500_is_detected_by_get_record(fake_platform):
    adapter = adapter_for(ACCOUNT)
    first = adapter.publish(payload("same-key"))
    second = adapter.publish(payload("same-key"))  # PDS answers 500 for the existing rkey
    assert first == second
    assert len([p for p in fake_platform.posts("bluesky", live=True) if "feed.post" in p["id"]]) == 1
    assert any(r["status"] == 500 for r in fake_platform.store.requests)


def test_recovered_post_gets_its_reply_gate(fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "1")
    adapter = adapter_for(ACCOUNT)
    adapter._did()  # log in before the fault hits
    # The create reaches the PDS but its answer is lost: the gate is never written.
    fake_platform.add_fault("bluesky", delay=1.6, after=True, path_contains="createRecord", count=1)
    with pytest.raises(AdapterError):
        adapter.publish(payload())
    time.sleep(0.8)
    assert _gates(fake_platform) == []  # post live, replies open
    found = adapter_for(ACCOUNT).find_existing(payload())
    assert found is not None
    gates = _gates(fake_platform)
    assert len(gates) == 1 and gates[0]["data"]["record"]["allow"] == []
    assert gates[0]["data"]["record"]["post"] == found.external_id
    adapter_for(ACCOUNT).find_existing(payload())  # idempotent: still one gate
    assert len(_gates(fake_platform)) == 1


def test_gate_that_cannot_be_written_is_transient_and_the_retry_adds_it(fake_platform, monkeypatch):
    original = bluesky.BlueskyAdapter._create

    def failing_gate(self, operation, did, collection, rkey, record):
        if collection == bluesky.GATE:
            raise AdapterError("bluesky: HTTP 502", permanent=False, http_status=502)
        return original(self, operation, did, collection, rkey, record)

    monkeypatch.setattr(bluesky.BlueskyAdapter, "_create", failing_gate)
    with pytest.raises(AdapterError) as exc:
        adapter_for(ACCOUNT).publish(payload())
    assert exc.value.permanent is False
    assert _gates(fake_platform) == []
    monkeypatch.setattr(bluesky.BlueskyAdapter, "_create", original)
    assert adapter_for(ACCOUNT).find_existing(payload()) is not None  # the engine's retry path
    assert len(_gates(fake_platform)) == 1


def test_records_pass_the_lexicon_with_images(fake_platform):
    ref = adapter_for(ACCOUNT).publish(payload(media=[MediaItem(JPEG, "image/jpeg", "Bild der Person")]))
    post = next(p for p in fake_platform.posts("bluesky", live=True) if p["id"] == ref.external_id)
    assert post["data"]["record"]["embed"]["images"][0]["alt"] == "Bild der Person"
    assert LINK in post["text"]
