"""A local fake of the social platforms Fahndung publishes to (X, Facebook Page, Instagram,
Mastodon, Bluesky, LinkedIn), for tests and the demo. No network, no credentials.

Public surface:
  FakePlatform(host, port).start() / .stop() / .add_fault(...) / .posts() / .delete_calls()
  demo_env(base_url) -> dict[str, str]   env vars configuring every adapter account
  python -m fakeplatform --port 8765     run standalone
"""

from __future__ import annotations

from fakeplatform.meta import FACEBOOK_PAGE_ID, IG_TOKEN, INSTAGRAM_USER_ID, PAGE_TOKEN
from fakeplatform.server import FakePlatform

__all__ = ["FakePlatform", "demo_env"]


def demo_env(base_url: str) -> dict[str, str]:
    """Environment variables that point every adapter account at the fake server at
    `base_url` (e.g. "http://127.0.0.1:8765"). Two X accounts show the multi-account case."""
    base = base_url.rstrip("/")
    env = {
        "FAHNDUNG_X_LKA_CONSUMER_KEY": "fake-ck", "FAHNDUNG_X_LKA_CONSUMER_SECRET": "fake-cs",
        "FAHNDUNG_X_LKA_ACCESS_TOKEN": "1000001-lka", "FAHNDUNG_X_LKA_ACCESS_SECRET": "fake-as",
        "FAHNDUNG_X_LKA_API_BASE": f"{base}/x", "FAHNDUNG_X_LKA_UPLOAD_BASE": f"{base}/x",
        "FAHNDUNG_X_LKA_LABEL": "X @LKA_BW",
        "FAHNDUNG_X_PPSTUTTGART_CONSUMER_KEY": "fake-ck", "FAHNDUNG_X_PPSTUTTGART_CONSUMER_SECRET": "fake-cs",
        "FAHNDUNG_X_PPSTUTTGART_ACCESS_TOKEN": "1000002-ppstuttgart", "FAHNDUNG_X_PPSTUTTGART_ACCESS_SECRET": "fake-as",
        "FAHNDUNG_X_PPSTUTTGART_API_BASE": f"{base}/x", "FAHNDUNG_X_PPSTUTTGART_UPLOAD_BASE": f"{base}/x",
        "FAHNDUNG_X_PPSTUTTGART_LABEL": "X @PolizeiStuttgart",
        "FAHNDUNG_FACEBOOK_PPSTUTTGART_PAGE_ID": FACEBOOK_PAGE_ID,
        "FAHNDUNG_FACEBOOK_PPSTUTTGART_TOKEN": PAGE_TOKEN,
        "FAHNDUNG_FACEBOOK_PPSTUTTGART_GRAPH_BASE": f"{base}/graph/v23.0",
        "FAHNDUNG_INSTAGRAM_PPSTUTTGART_USER_ID": INSTAGRAM_USER_ID,
        "FAHNDUNG_INSTAGRAM_PPSTUTTGART_TOKEN": IG_TOKEN,
        "FAHNDUNG_INSTAGRAM_PPSTUTTGART_GRAPH_BASE": f"{base}/graph/v23.0",
        "FAHNDUNG_INSTAGRAM_PPSTUTTGART_CAN_DELETE": "true",
        "FAHNDUNG_MASTODON_BUND_BASE_URL": f"{base}/mastodon",
        "FAHNDUNG_MASTODON_BUND_TOKEN": "fake-mastodon-token",
        "FAHNDUNG_BLUESKY_PPSTUTTGART_HANDLE": "polizei-stuttgart.bsky.social",
        "FAHNDUNG_BLUESKY_PPSTUTTGART_APP_PASSWORD": "fake-app-password",
        "FAHNDUNG_BLUESKY_PPSTUTTGART_PDS": f"{base}/bsky",
        "FAHNDUNG_LINKEDIN_PPSTUTTGART_AUTHOR": "urn:li:organization:1000001",
        "FAHNDUNG_LINKEDIN_PPSTUTTGART_TOKEN": "fake-linkedin-token",
        "FAHNDUNG_LINKEDIN_PPSTUTTGART_API_BASE": f"{base}/linkedin",
        "FAHNDUNG_WHATSAPP_PPSTUTTGART_CHANNEL": "Polizei Stuttgart (WhatsApp-Kanal)",
        "FAHNDUNG_PRESS_MEDIA_RECIPIENTS": "redaktion@zeitung.example, newsdesk@radio.example",
    }
    # Staff UI links open the fake server's HTML view of each post.
    for prefix in ("X_LKA", "X_PPSTUTTGART", "FACEBOOK_PPSTUTTGART", "INSTAGRAM_PPSTUTTGART", "MASTODON_BUND",
                   "BLUESKY_PPSTUTTGART", "LINKEDIN_PPSTUTTGART"):
        env[f"FAHNDUNG_{prefix}_VIEW_URL"] = f"{base}/_view/{{id}}"
    return env
