"""LinkedIn Posts API (/rest/posts) via core.http.

Headers LinkedIn-Version and X-Restli-Protocol-Version: 2.0.0 are required; the new post's
URN comes back in the x-restli-id header. Commentary is "little text": reserved
characters are escaped and hashtags written as {hashtag|\\#|Tag}. DELETE is idempotent
(404/204 both mean gone). LinkedIn has no API switch for comments.

Version: conf.LINKEDIN_VERSION (one place; `manage.py check` warns before the sunset). A
426 NONEXISTENT_VERSION is a configuration alarm, not a content problem: logged as an
error, permanent for the call (retrying cannot help), and marked AccountProblem.VERSION_OUTDATED (account health).
Images: Images API – initializeUpload, PUT the bytes, then `content.media{id, altText}`
(several images: `content.multiImage.images[]`) [learn.microsoft.com … images-api, posts-api].
Member tokens expire after 60 days (EXPIRED_ACCESS_TOKEN): permanent, "reconnect".
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import httpx

from fahndung.publishing import conf
from fahndung.publishing.adapters._http import HttpAdapter, strip_urls
from fahndung.publishing.adapters.base import (
    AccountProblem,
    AdapterError,
    Capabilities,
    MediaItem,
    Payload,
    RemoteRef,
)
from fahndung.publishing.conf import AccountConfig

log = logging.getLogger(__name__)
ALT_TEXT_MAX = 4086  # Images API altText limit

CAPABILITIES = Capabilities(can_delete=True)
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"(?<!\w)#(\w+)")


def little_text(text: str) -> str:
    """Escape LinkedIn's reserved characters but keep URLs and hashtags working."""
    out, pos = [], 0
    for match in _URL.finditer(text):
        out.append(_escape_plain(text[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    parts, pos = [], 0
    for match in _TAG.finditer(text):
        parts.append(_RESERVED.sub(r"\\\1", text[pos:match.start()]))
        parts.append("{hashtag|\\#|" + match.group(1) + "}")
        pos = match.end()
    parts.append(_RESERVED.sub(r"\\\1", text[pos:]))
    return "".join(parts)


def plain_text(commentary: str) -> str:
    text = re.sub(r"\{hashtag\|\\#\|(\w+)\}", r"#\1", commentary)
    return re.sub(r"\\([\\|{}@\[\]()<>#*_~])", r"\1", text)


class LinkedInAdapter(HttpAdapter):
    platform = "linkedin"
    capabilities = CAPABILITIES

    def __init__(self, account: AccountConfig) -> None:
        super().__init__(account)
        self.base = account.get("API_BASE", "https://api.linkedin.com").rstrip("/")
        self.author = account.get("AUTHOR")
        self.headers = {
            "Authorization": f"Bearer {account.get('TOKEN')}",
            "LinkedIn-Version": conf.linkedin_version(account),
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _error(self, resp: httpx.Response) -> AdapterError:
        try:
            body = resp.json()
        except ValueError:
            body = {}
        code = str(body.get("code", "")) if isinstance(body, dict) else ""
        if resp.status_code == 426 or code == "NONEXISTENT_VERSION":
            version = self.headers["LinkedIn-Version"]
            log.error("LinkedIn rejects API version %s (HTTP 426) for %s: raise conf.LINKEDIN_VERSION", version,
                      self.account)
            return AdapterError(
                f"linkedin: API-Version {version} wird von LinkedIn nicht mehr unterstützt (HTTP 426). "
                "Die Konfiguration muss aktualisiert werden (LinkedIn-Version).", permanent=True, http_status=426,
                account_problem=AccountProblem.VERSION_OUTDATED)
        if resp.status_code == 401 and (code in ("EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN")
                                        or body.get("serviceErrorCode") in (65601, 65602)):
            return AdapterError("linkedin: Zugriffstoken abgelaufen oder widerrufen (HTTP 401); das Konto muss neu "
                                "verbunden werden.", permanent=True, http_status=401,
                                account_problem=AccountProblem.RECONNECT_NEEDED)
        return super()._error(resp)

    def _h(self, restli_method: str) -> dict[str, str]:
        # X-RestLi-Method as the official linkedin-api-client sends it (restli/utils/api.py).
        return {**self.headers, "X-RestLi-Method": restli_method}

    def upload_image(self, item: MediaItem) -> str:
        """Images API: initializeUpload → PUT bytes → image URN (used in content.media.id)."""
        resp = self._call("upload", "POST", f"{self.base}/rest/images", headers=self._h("ACTION"),
                          params={"action": "initializeUpload"},
                          json={"initializeUploadRequest": {"owner": self.author}})
        value = resp.json().get("value") or {}
        if not value.get("uploadUrl") or not value.get("image"):
            raise AdapterError("linkedin: initializeUpload ohne uploadUrl/image.", permanent=False)
        self._call("upload", "PUT", value["uploadUrl"], content=item.data,
                   headers={"Authorization": self.headers["Authorization"], "Content-Type": item.mime_type})
        return str(value["image"])

    def publish(self, payload: Payload) -> RemoteRef:
        body: dict = {
            "author": self.author, "commentary": little_text(payload.text), "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        }
        images = [{"id": self.upload_image(m), "altText": m.alt_text[:ALT_TEXT_MAX]} for m in payload.media[:4]]
        if len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        resp = self._call("publish", "POST", f"{self.base}/rest/posts", headers=self._h("CREATE"), json=body)
        urn = resp.headers.get("x-restli-id") or resp.headers.get("x-linkedin-id")
        if not urn:
            raise AdapterError("linkedin: Antwort ohne Beitrags-ID.", permanent=False)
        return RemoteRef(urn, self.config.view_url(urn, f"https://www.linkedin.com/feed/update/{urn}/"))

    def withdraw(self, ref: RemoteRef) -> None:
        self._call("withdraw", "DELETE", f"{self.base}/rest/posts/{quote(ref.external_id, safe='')}",
                   headers=self._h("DELETE"), accept=(404, 410))

    def verify(self, ref: RemoteRef) -> bool:
        resp = self._call("verify", "GET", f"{self.base}/rest/posts/{quote(ref.external_id, safe='')}",
                          headers=self._h("GET"), accept=(404, 410))
        return resp.status_code < 400

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        resp = self._call("lookup", "GET", f"{self.base}/rest/posts", headers=self._h("FINDER"),
                          params={"author": self.author, "q": "author", "count": "20"})
        wanted = strip_urls(payload.text)
        for item in resp.json().get("elements", []):
            if strip_urls(plain_text(item.get("commentary", ""))) == wanted:
                return RemoteRef(item["id"], self.config.view_url(item["id"], f"https://www.linkedin.com/feed/update/{item['id']}/"))
        return None


def build(account: AccountConfig) -> LinkedInAdapter:
    return LinkedInAdapter(account)
