"""LinkedIn Posts API (/rest/posts) via core.http.

Headers LinkedIn-Version and X-Restli-Protocol-Version: 2.0.0 are required; the new post's
URN comes back in the x-restli-id header. Commentary is "little text": reserved
characters are escaped and hashtags written as {hashtag|\\#|Tag}. DELETE is idempotent
(404/204 both mean gone). LinkedIn has no API switch for comments.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fahndung.publishing.adapters._http import HttpAdapter, strip_urls
from fahndung.publishing.adapters.base import AdapterError, Capabilities, Payload, RemoteRef
from fahndung.publishing.conf import AccountConfig

CAPABILITIES = Capabilities(can_delete=True, can_edit=True, can_disable_comments=False)
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
            "LinkedIn-Version": account.get("VERSION", "202505"),
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def publish(self, payload: Payload) -> RemoteRef:
        body = {
            "author": self.author, "commentary": little_text(payload.text), "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        }
        resp = self._call("publish", "POST", f"{self.base}/rest/posts", headers=self.headers, json=body)
        urn = resp.headers.get("x-restli-id") or resp.headers.get("x-linkedin-id")
        if not urn:
            raise AdapterError("linkedin: Antwort ohne Beitrags-ID.", permanent=False)
        return RemoteRef(urn, self.config.view_url(urn, f"https://www.linkedin.com/feed/update/{urn}/"))

    def withdraw(self, ref: RemoteRef) -> None:
        self._call("withdraw", "DELETE", f"{self.base}/rest/posts/{quote(ref.external_id, safe='')}",
                   headers=self.headers, accept=(404, 410))

    def verify(self, ref: RemoteRef) -> bool:
        resp = self._call("verify", "GET", f"{self.base}/rest/posts/{quote(ref.external_id, safe='')}",
                          headers=self.headers, accept=(404, 410))
        return resp.status_code < 400

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        resp = self._call("lookup", "GET", f"{self.base}/rest/posts", headers=self.headers,
                          params={"author": self.author, "q": "author", "count": "20"})
        wanted = strip_urls(payload.text)
        for item in resp.json().get("elements", []):
            if strip_urls(plain_text(item.get("commentary", ""))) == wanted:
                return RemoteRef(item["id"], self.config.view_url(item["id"], f"https://www.linkedin.com/feed/update/{item['id']}/"))
        return None


def build(account: AccountConfig) -> LinkedInAdapter:
    return LinkedInAdapter(account)
