"""Facebook Page and Instagram (professional account) over the Graph API, via core.http.

Facebook: POST /{page}/feed (message + link) or /{page}/photos (public image URL + caption
+ alt_text_custom); DELETE /{post}; GET /{post}. Instagram always needs an image on a
public URL (Meta fetches it): link-only posts use the neutral police card
(FAHNDUNG_INSTAGRAM_CARD_URL). Flow: /{ig}/media -> poll status_code -> /{ig}/media_publish,
then comments off via POST /{media} comment_enabled=false (R10). Deleting IG media works
only on a Facebook-Login connection (platforms.md §1): CAN_DELETE=true switches it on,
otherwise withdraw raises a permanent error and takedown falls back to a person.
Graph "object does not exist" (code 100, subcode 33) counts as already gone.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import httpx
from django.conf import settings

from fahndung.core.env import env_str
from fahndung.publishing.adapters._http import HttpAdapter, retry_after_of, strip_urls
from fahndung.publishing.adapters.base import AdapterError, Capabilities, Payload, RemoteRef
from fahndung.publishing.conf import AccountConfig

GRAPH = "https://graph.facebook.com/v23.0"


def capabilities(platform: str, account: AccountConfig | None = None) -> Capabilities:
    if platform == "instagram":
        can_delete = bool(account and account.get("CAN_DELETE").lower() in ("1", "true", "yes"))
        return Capabilities(can_delete=can_delete, can_edit=False, can_disable_comments=True,
                            needs_public_image_url=True)
    return Capabilities(can_delete=True, can_edit=True, can_disable_comments=False, needs_public_image_url=True)


def _gone(resp: httpx.Response) -> bool:
    if resp.status_code == 404:
        return True
    try:
        err = resp.json().get("error", {})
    except ValueError:
        return False
    return err.get("code") == 100 and err.get("error_subcode") == 33


class GraphAdapter(HttpAdapter):
    def __init__(self, account: AccountConfig) -> None:
        super().__init__(account)
        self.platform = account.platform
        self.capabilities = capabilities(account.platform, account)
        self.base = account.get("GRAPH_BASE", GRAPH).rstrip("/")
        self.token = account.get("TOKEN")
        self.node = account.get("PAGE_ID") if self.platform == "facebook" else account.get("USER_ID")

    def _error(self, resp: httpx.Response) -> AdapterError:
        try:
            err = resp.json().get("error", {})
        except (ValueError, AttributeError):
            err = {}
        if not isinstance(err, dict):
            err = {"message": str(err)}
        code = err.get("code")
        message = f"{self.platform}: HTTP {resp.status_code} {err.get('message', resp.text[:200])}"
        # 190 = invalid/expired token, 10/200-299 = permissions: a person must reconnect.
        if code == 190 or resp.status_code in (401, 403) or (isinstance(code, int) and (code == 10 or 200 <= code < 300)):
            return AdapterError(message, permanent=True, http_status=resp.status_code)
        # 4/17/32/613 = rate limits; 1/2 = temporary Graph errors.
        transient = resp.status_code == 429 or resp.status_code >= 500 or code in (1, 2, 4, 17, 32, 613)
        return AdapterError(message, permanent=not transient, retry_after=retry_after_of(resp.headers),
                            http_status=resp.status_code)

    def _data(self, **fields: Any) -> dict[str, Any]:
        return {"access_token": self.token, **{k: v for k, v in fields.items() if v not in (None, "")}}

    def publish(self, payload: Payload) -> RemoteRef:
        return self._publish_instagram(payload) if self.platform == "instagram" else self._publish_facebook(payload)

    def _publish_facebook(self, payload: Payload) -> RemoteRef:
        image = next((m for m in payload.media if m.public_url), None)
        if image is not None:
            resp = self._call("publish", "POST", f"{self.base}/{self.node}/photos", data=self._data(
                url=image.public_url, caption=payload.text, alt_text_custom=image.alt_text))
            post_id = str(resp.json().get("post_id") or resp.json()["id"])
        else:
            resp = self._call("publish", "POST", f"{self.base}/{self.node}/feed",
                              data=self._data(message=payload.text, link=payload.link))
            post_id = str(resp.json()["id"])
        return RemoteRef(post_id, self.config.view_url(post_id, f"https://www.facebook.com/{post_id}"))

    def _publish_instagram(self, payload: Payload) -> RemoteRef:
        image = next((m for m in payload.media if m.public_url), None)
        image_url = image.public_url if image else instagram_card_url()
        alt = image.alt_text if image else "Grafik der Polizei mit dem Hinweis auf eine Öffentlichkeitsfahndung."
        resp = self._call("upload", "POST", f"{self.base}/{self.node}/media",
                          data=self._data(image_url=image_url, caption=payload.text, alt_text=alt))
        container = str(resp.json()["id"])
        for _ in range(10):  # Meta fetches the image asynchronously
            status = self._call("upload", "GET", f"{self.base}/{container}",
                                params={"fields": "status_code", "access_token": self.token}).json()
            if status.get("status_code") in ("FINISHED", None):
                break
            if status.get("status_code") == "ERROR":
                raise AdapterError("instagram: Bild konnte nicht verarbeitet werden.", permanent=True)
            time.sleep(1)
        resp = self._call("publish", "POST", f"{self.base}/{self.node}/media_publish",
                          data=self._data(creation_id=container))
        media_id = str(resp.json()["id"])
        self._disable_comments(media_id)
        return RemoteRef(media_id, self.config.view_url(media_id, f"https://www.instagram.com/p/{media_id}/"))

    def _disable_comments(self, media_id: str) -> None:
        # The post is online; a failed comment switch must not trigger a second post.
        # The attempt row records it for the press office.
        with contextlib.suppress(AdapterError):
            self._call("publish", "POST", f"{self.base}/{media_id}", data=self._data(comment_enabled="false"))

    def withdraw(self, ref: RemoteRef) -> None:
        if not self.capabilities.can_delete:
            self._disable_comments(ref.external_id)
            raise AdapterError("instagram: Löschen per API ist für dieses Konto nicht möglich – bitte manuell "
                               "in der App löschen.", permanent=True)
        resp = self._call("withdraw", "DELETE", f"{self.base}/{ref.external_id}",
                          params={"access_token": self.token}, accept=(400, 404))
        if resp.status_code >= 400 and not _gone(resp):
            raise self._error(resp)

    def verify(self, ref: RemoteRef) -> bool:
        resp = self._call("verify", "GET", f"{self.base}/{ref.external_id}",
                          params={"fields": "id", "access_token": self.token}, accept=(400, 404))
        if resp.status_code < 400:
            return True
        if _gone(resp):
            return False
        raise self._error(resp)

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        edge, key = ("media", "caption") if self.platform == "instagram" else ("feed", "message")
        resp = self._call("lookup", "GET", f"{self.base}/{self.node}/{edge}",
                          params={"fields": f"id,{key}", "limit": "25", "access_token": self.token})
        wanted = strip_urls(payload.text)
        for item in resp.json().get("data", []):
            if strip_urls(item.get(key, "")) == wanted:
                url = (f"https://www.instagram.com/p/{item['id']}/" if self.platform == "instagram"
                       else f"https://www.facebook.com/{item['id']}")
                return RemoteRef(str(item["id"]), self.config.view_url(str(item["id"]), url))
        return None


def instagram_card_url() -> str:
    return env_str("FAHNDUNG_INSTAGRAM_CARD_URL", f"{settings.PUBLIC_BASE_URL}/static/publishing/instagram-card.jpg")


def build(account: AccountConfig) -> GraphAdapter:
    return GraphAdapter(account)
