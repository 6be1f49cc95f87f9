"""Mastodon (e.g. social.bund.de) over its REST API via core.http.

Create with the `Idempotency-Key` header (the server keeps it 1 h, so a retried create
returns the same status instead of a second one); media via /api/v2/media with a
description (alt text), polled until processed; delete/GET by id (404 = gone).
Mastodon has no per-post comment switch; posts say where tips go (R10 footer).
"""

from __future__ import annotations

import html
import re
import time

from fahndung.publishing.adapters._http import HttpAdapter, strip_urls
from fahndung.publishing.adapters.base import (
    AdapterError,
    Capabilities,
    MediaItem,
    Payload,
    RemoteRef,
)
from fahndung.publishing.conf import AccountConfig, backoff_seconds

CAPABILITIES = Capabilities(can_delete=True)
MEDIA_POLLS = 8  # 0.25 + 0.5 + 1 + 2 × 5 s ≈ 12 s, then the task retries later


class MastodonAdapter(HttpAdapter):
    platform = "mastodon"
    capabilities = CAPABILITIES

    def __init__(self, account: AccountConfig) -> None:
        super().__init__(account)
        self.base = account.get("BASE_URL").rstrip("/")
        self.headers = {"Authorization": f"Bearer {account.get('TOKEN')}"}

    def upload_media(self, item: MediaItem) -> str:
        resp = self._call("upload", "POST", f"{self.base}/api/v2/media", headers=self.headers,
                          files={"file": ("image", item.data, item.mime_type)},
                          data={"description": item.alt_text[:1500]})
        media = resp.json()
        # 202 + url null = still processing (methods/media.md); GET answers 206 until ready.
        # A status that attaches unprocessed media is a 422, so never create before "ready".
        for attempt in range(1, MEDIA_POLLS + 1):
            if resp.status_code == 200 and media.get("url"):
                return str(media["id"])
            time.sleep(backoff_seconds(attempt, base=0.25, cap=2.0))
            resp = self._call("upload", "GET", f"{self.base}/api/v1/media/{media['id']}", headers=self.headers,
                              accept=(206,))
            media = resp.json()
        if resp.status_code == 200 and media.get("url"):
            return str(media["id"])
        raise AdapterError("mastodon: Bild wird noch verarbeitet; neuer Versuch folgt.", permanent=False,
                           retry_after=30.0, http_status=resp.status_code)

    def publish(self, payload: Payload) -> RemoteRef:
        media_ids = [self.upload_media(m) for m in payload.media[:4]]
        data: dict[str, object] = {"status": payload.text, "visibility": "public", "language": "de"}
        if media_ids:
            data["media_ids[]"] = media_ids
        resp = self._call("publish", "POST", f"{self.base}/api/v1/statuses",
                          headers={**self.headers, "Idempotency-Key": payload.idempotency_key}, data=data)
        status = resp.json()
        return RemoteRef(str(status["id"]), self.config.view_url(str(status["id"]), status.get("url") or ""))

    def withdraw(self, ref: RemoteRef) -> None:
        self._call("withdraw", "DELETE", f"{self.base}/api/v1/statuses/{ref.external_id}",
                   headers=self.headers, accept=(404,))

    def verify(self, ref: RemoteRef) -> bool:
        resp = self._call("verify", "GET", f"{self.base}/api/v1/statuses/{ref.external_id}",
                          headers=self.headers, accept=(404,))
        return resp.status_code < 400

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        me = self._call("lookup", "GET", f"{self.base}/api/v1/accounts/verify_credentials", headers=self.headers).json()
        resp = self._call("lookup", "GET", f"{self.base}/api/v1/accounts/{me['id']}/statuses",
                          headers=self.headers, params={"limit": "40"})
        wanted = strip_urls(payload.text)
        for status in resp.json():
            text = status.get("text") or re.sub(r"<br\s*/?>|</p><p>", "\n", status.get("content", ""))
            if strip_urls(html.unescape(re.sub(r"<[^>]+>", "", text))) == wanted:
                return RemoteRef(str(status["id"]), self.config.view_url(str(status["id"]), status.get("url") or ""))
        return None


def build(account: AccountConfig) -> MastodonAdapter:
    return MastodonAdapter(account)
