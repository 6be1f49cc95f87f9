"""Fixtures starting the local fake platform server (owned by the publishing area).

- `fake_platform_server` (session): one FakePlatform on 127.0.0.1 and a free port.
- `fake_platform`: resets it, points every adapter account at it (fakeplatform.demo_env)
  and shortens the HTTP timeout; returns the FakePlatform, whose `.add_fault(platform,
  status=429|500|401, delay=…, after=True, count=N, seconds=T)` injects failures and
  `.posts(platform, live=True)` / `.delete_calls()` show what happened.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fakeplatform import FakePlatform, demo_env, meta


@pytest.fixture(scope="session")
def fake_platform_server():
    server = FakePlatform(host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.fixture
def fake_platform(fake_platform_server, monkeypatch, db):
    # db: Bluesky sessions are shared between processes through the database.
    fake_platform_server.reset()
    for key, value in demo_env(fake_platform_server.url).items():
        monkeypatch.setenv(key, value)
    # Meta fetches image_url itself (fakeplatform.meta): the neutral card is served by the
    # fake's "public web server" on 127.0.0.1.
    card = Path(__file__).resolve().parents[2] / "fahndung/publishing/static/publishing/instagram-card.jpg"
    path = meta.public_file_put(fake_platform_server.store, "instagram-card.jpg", card.read_bytes())
    monkeypatch.setenv("FAHNDUNG_INSTAGRAM_CARD_URL", fake_platform_server.url + path)
    monkeypatch.setenv("FAHNDUNG_HTTP_TIMEOUT", "2")
    monkeypatch.setenv("FAHNDUNG_HTTP_CONNECT_TIMEOUT", "2")
    from fahndung.publishing.adapters import bluesky

    bluesky._sessions.clear()
    yield fake_platform_server
    fake_platform_server.reset()
