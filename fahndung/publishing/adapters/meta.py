"""Facebook Page and Instagram (professional account) over the Graph API, via core.http.

Facebook: POST /{page}/feed (message + link) or /{page}/photos (public image URL + caption
+ alt_text_custom; the Photo id is kept beside the story id); DELETE and GET per object.
Instagram always needs an image on a public URL (Meta fetches it): link-only posts use the
neutral police card (FAHNDUNG_INSTAGRAM_CARD_URL). Flow: /{ig}/media → wait for the
container's status_code → /{ig}/media_publish → comments off (R10) and read back, link =
`permalink`. Deleting IG media works only on a Facebook-Login connection (platforms.md §1):
CAN_DELETE=true switches it on, otherwise takedown falls back to a person.

Absence: Graph answers code 100 / subcode 33 both for "does not exist" and for "cannot be
loaded due to missing permissions" (user token instead of the Page token, Page role taken
away). So 100/33 counts as gone only when the same token still reads the account itself
(GET /{node}?fields=id and its /feed or /media edge); otherwise the error says
RECONNECT_NEEDED and a person takes over. Business-Use-Case throttles (4, 17, 32, 613,
800xx, is_transient) are transient with the regain time of X-Business-Use-Case-Usage.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache

from fahndung.core.env import env_int, env_str
from fahndung.publishing import conf
from fahndung.publishing.adapters._http import HttpAdapter, retry_after_of, strip_urls
from fahndung.publishing.adapters.base import (
    AccountProblem,
    AdapterError,
    Capabilities,
    Payload,
    RemoteRef,
)
from fahndung.publishing.conf import AccountConfig

GRAPH = "https://graph.facebook.com/v23.0"
# Throttling [developers.facebook.com/docs/graph-api/overview/rate-limiting]: 4 app, 17
# user, 32 page, 613 custom; Business-Use-Case 80000-80099 (80001 Pages, 80002 Instagram).
THROTTLE_CODES = frozenset({4, 17, 32, 613})
# Instagram: 50 published posts per rolling 24 h (code 9, subcode 2207042); Meta does not
# say when a slot frees up, so look again after a few hours [ig content-publishing].
IG_QUOTA_SUBCODE = 2207042
IG_QUOTA_RETRY_SECONDS = 3 * 3600.0
CARD_ALT = "Grafik der Polizei mit dem Hinweis auf eine Öffentlichkeitsfahndung."


def capabilities(platform: str, account: AccountConfig | None = None) -> Capabilities:
    if platform == "instagram":
        can_delete = bool(account and account.get("CAN_DELETE").lower() in ("1", "true", "yes"))
        return Capabilities(can_delete=can_delete)
    return Capabilities(can_delete=True)


def _envelope(resp: httpx.Response) -> dict[str, Any]:
    try:
        err = resp.json().get("error", {})
    except (ValueError, AttributeError):
        return {}
    return err if isinstance(err, dict) else {"message": str(err)}


def _ambiguous(resp: httpx.Response) -> bool:
    """404 or 100/33: gone – or not allowed to see it. Never proof on its own."""
    if resp.status_code == 404:
        return True
    err = _envelope(resp)
    return err.get("code") == 100 and err.get("error_subcode") == 33


def regain_seconds(headers: Any) -> float | None:
    """Longest estimated_time_to_regain_access (minutes) in X-Business-Use-Case-Usage."""
    raw = headers.get("x-business-use-case-usage") if headers else None
    if not raw:
        return None
    try:
        usage = json.loads(raw)
        minutes = [float(entry.get("estimated_time_to_regain_access") or 0)
                   for entries in usage.values() for entry in entries]
    except (ValueError, TypeError, AttributeError):
        return None
    return max(minutes) * 60 if minutes and max(minutes) > 0 else None


class GraphAdapter(HttpAdapter):
    def __init__(self, account: AccountConfig) -> None:
        super().__init__(account)
        self.platform = account.platform
        self.capabilities = capabilities(account.platform, account)
        self.base = account.get("GRAPH_BASE", GRAPH).rstrip("/")
        self.token = account.get("TOKEN")
        self.node = account.get("PAGE_ID") if self.platform == "facebook" else account.get("USER_ID")
        self._account_readable = False

    def _error(self, resp: httpx.Response) -> AdapterError:
        err = _envelope(resp)
        code, subcode = err.get("code"), err.get("error_subcode")
        message = f"{self.platform}: HTTP {resp.status_code} (#{code}) {err.get('message', resp.text[:200])}"
        status = resp.status_code
        if isinstance(code, int) and (code in THROTTLE_CODES or 80000 <= code < 80100):
            wait = regain_seconds(resp.headers) or retry_after_of(resp.headers)
            return AdapterError(message, permanent=False, retry_after=wait, http_status=status,
                                account_problem=AccountProblem.THROTTLED)
        if code == 9 and subcode == IG_QUOTA_SUBCODE:
            return AdapterError(f"{message} – Tageslimit für Instagram-Beiträge erreicht", permanent=False,
                                retry_after=IG_QUOTA_RETRY_SECONDS, http_status=status,
                                account_problem=AccountProblem.THROTTLED)
        # 190 = token invalid/expired; 10 and 200-299 = permission missing: reconnect.
        if code == 190 or status in (401, 403) or (isinstance(code, int) and (code == 10 or 200 <= code < 300)):
            return AdapterError(message, permanent=True, http_status=status,
                                account_problem=AccountProblem.RECONNECT_NEEDED)
        transient = bool(err.get("is_transient")) or status == 429 or status >= 500 or code in (1, 2)
        return AdapterError(message, permanent=not transient, retry_after=retry_after_of(resp.headers),
                            http_status=status)

    def _data(self, **fields: Any) -> dict[str, Any]:
        return {"access_token": self.token, **{k: v for k, v in fields.items() if v not in (None, "")}}

    def _get(self, operation: str, path: str, fields: str, **extra: str) -> httpx.Response:
        return self._call(operation, "GET", f"{self.base}/{path}",
                          params={"fields": fields, "access_token": self.token, **extra})

    # --- absence that cannot be a permission problem --------------------------------

    def _prove_account_readable(self, operation: str) -> None:
        """Raise unless the token still reads the Page / IG account and its content.
        Only then does a 100/33 on one of its objects mean "does not exist"."""
        if self._account_readable:
            return
        edge = "media" if self.platform == "instagram" else "feed"
        try:
            node = self._get(operation, self.node, "id")
            self._get(operation, f"{self.node}/{edge}", "id", limit="1")
        except AdapterError as err:
            if not err.permanent:
                raise  # throttled / down: ask again later
            raise AdapterError(
                f"{self.platform}: Graph meldet „existiert nicht oder keine Berechtigung“ (100/33), und dieser "
                f"Zugang kann das Konto selbst nicht mehr lesen ({err.message}). Abwesenheit ist so nicht "
                "beweisbar – bitte das Konto neu verbinden und den Beitrag manuell prüfen.",
                permanent=True, http_status=err.http_status, account_problem=AccountProblem.RECONNECT_NEEDED,
            ) from err
        if str(node.json().get("id", "")) != self.node:
            raise AdapterError(f"{self.platform}: Zugang gehört nicht zu Konto {self.node}.", permanent=True,
                               account_problem=AccountProblem.RECONNECT_NEEDED)
        self._account_readable = True

    def withdraw(self, ref: RemoteRef) -> None:
        if not self.capabilities.can_delete:
            self._disable_comments(ref.external_id, operation="withdraw")
            raise AdapterError("instagram: Löschen per API ist für dieses Konto nicht möglich – bitte manuell "
                               "in der App löschen.", permanent=True)
        for obj_id in (ref.external_id, *ref.extra_ids):
            resp = self._call("withdraw", "DELETE", f"{self.base}/{obj_id}",
                              params={"access_token": self.token}, accept=(400, 404))
            if resp.status_code < 400:
                continue
            if not _ambiguous(resp):
                raise self._error(resp)
            self._prove_account_readable("withdraw")  # then 100/33 means: already gone

    def verify(self, ref: RemoteRef) -> bool:
        """True while the post or any object it created is readable; False only when each
        answers not-found AND the token provably still reads the account."""
        for obj_id in (ref.external_id, *ref.extra_ids):
            resp = self._call("verify", "GET", f"{self.base}/{obj_id}",
                              params={"fields": "id", "access_token": self.token}, accept=(400, 404))
            if resp.status_code < 400:
                return True
            if not _ambiguous(resp):
                raise self._error(resp)
        self._prove_account_readable("verify")
        return False

    # --- publishing ------------------------------------------------------------------

    def publish(self, payload: Payload) -> RemoteRef:
        return self._publish_instagram(payload) if self.platform == "instagram" else self._publish_facebook(payload)

    def _publish_facebook(self, payload: Payload) -> RemoteRef:
        image = next((m for m in payload.media if m.public_url), None)
        if image is not None:
            body = self._call("publish", "POST", f"{self.base}/{self.node}/photos", data=self._data(
                url=image.public_url, caption=payload.text, alt_text_custom=image.alt_text)).json()
            post_id = str(body.get("post_id") or body["id"])
            extra = (str(body["id"]),) if body.get("post_id") and body.get("id") else ()
        else:
            body = self._call("publish", "POST", f"{self.base}/{self.node}/feed",
                              data=self._data(message=payload.text, link=payload.link)).json()
            post_id, extra = str(body["id"]), ()
        return RemoteRef(post_id, self.config.view_url(post_id, f"https://www.facebook.com/{post_id}"), extra)

    def _container_key(self, payload: Payload) -> str:
        return f"publishing:ig-container:{self.account}:{payload.idempotency_key}"

    def _publish_instagram(self, payload: Payload) -> RemoteRef:
        image = next((m for m in payload.media if m.public_url), None)
        image_url, alt = (image.public_url, image.alt_text) if image else (instagram_card_url(), CARD_ALT)
        key = self._container_key(payload)
        # A container from an earlier attempt (still processing then) is reused: never a
        # second container per post, and a slow fetch is waited for, not failed.
        container = cache.get(key)
        status = self._container_status(container) if container else "EXPIRED"
        if status == "EXPIRED":  # none yet, or left unpublished for 24 h
            container = str(self._call("upload", "POST", f"{self.base}/{self.node}/media", data=self._data(
                image_url=image_url, caption=payload.text, alt_text=alt)).json()["id"])
            cache.set(key, container, 23 * 3600)
            status = self._container_status(container)
        status = self._await_container(container, status)
        if status == "PUBLISHED":  # published by an attempt whose answer was lost
            found = self.find_existing(payload)
            if found is None:
                raise AdapterError("instagram: Container veröffentlicht, Beitrag noch nicht auffindbar.",
                                   permanent=False, retry_after=30)
            return found
        if status == "ERROR":
            cache.delete(key)
            raise AdapterError("instagram: Bild konnte nicht verarbeitet werden (Meta konnte die Bildadresse nicht "
                               "laden oder das Format ist ungültig).", permanent=True)
        resp = self._call("publish", "POST", f"{self.base}/{self.node}/media_publish",
                          data=self._data(creation_id=container))
        return self._finish_instagram(str(resp.json()["id"]))

    def _container_status(self, container: str) -> str:
        resp = self._call("upload", "GET", f"{self.base}/{container}",
                          params={"fields": "status_code,status", "access_token": self.token}, accept=(400,))
        if resp.status_code >= 400:
            if _ambiguous(resp):
                return "EXPIRED"  # the container is gone: start a new one
            raise self._error(resp)
        return str(resp.json().get("status_code") or "IN_PROGRESS")

    def _await_container(self, container: str, status: str) -> str:
        """Poll with backoff while IN_PROGRESS, up to FAHNDUNG_INSTAGRAM_CONTAINER_WAIT_SECONDS;
        still processing then is a transient error (the next attempt resumes this container)."""
        budget = float(env_int("FAHNDUNG_INSTAGRAM_CONTAINER_WAIT_SECONDS", 20))
        deadline = time.monotonic() + budget
        attempt = 0
        while status == "IN_PROGRESS":
            attempt += 1
            pause = conf.backoff_seconds(attempt, base=0.5, cap=5.0)
            if time.monotonic() + pause > deadline:
                raise AdapterError("instagram: Bild wird bei Meta noch verarbeitet; neuer Versuch folgt.",
                                   permanent=False, retry_after=max(10.0, budget))
            time.sleep(pause)
            status = self._container_status(container)
        return status

    def _finish_instagram(self, media_id: str, operation: str = "publish") -> RemoteRef:
        """Comments off (idempotent) and read back; the staff link is the permalink."""
        self._disable_comments(media_id, operation=operation)
        body = self._get(operation, media_id, "id,permalink,is_comment_enabled").json()
        if body.get("is_comment_enabled") is not False:
            raise AdapterError("instagram: Kommentare sind noch eingeschaltet; neuer Versuch folgt.",
                               permanent=False, retry_after=30)
        permalink = str(body.get("permalink") or "")
        return RemoteRef(media_id, self.config.view_url(media_id, permalink))

    def _disable_comments(self, media_id: str, *, operation: str) -> None:
        try:
            self._call(operation, "POST", f"{self.base}/{media_id}", data=self._data(comment_enabled="false"))
        except AdapterError as err:
            # The post is online: a retry must find it (find_existing) and try again,
            # never mark the publication failed or create a second post.
            raise AdapterError(f"instagram: Kommentare nicht abgeschaltet: {err.message}", permanent=False,
                               retry_after=err.retry_after, http_status=err.http_status,
                               account_problem=err.account_problem) from err

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        if self.platform == "instagram":
            items = self._get("lookup", f"{self.node}/media", "id,caption,permalink", limit="25").json().get("data", [])
            wanted = strip_urls(payload.text)
            for item in items:
                if strip_urls(item.get("caption", "")) == wanted:
                    # Recovered after a lost answer: comment control as on the normal path.
                    return self._finish_instagram(str(item["id"]), operation="lookup")
            return None
        items = self._get("lookup", f"{self.node}/feed", "id,message,attachments{target{id}}",
                          limit="25").json().get("data", [])
        wanted = strip_urls(payload.text)
        for item in items:
            if strip_urls(item.get("message", "")) == wanted:
                extra = tuple(str(a["target"]["id"]) for a in (item.get("attachments") or {}).get("data", [])
                              if isinstance(a.get("target"), dict) and a["target"].get("id"))
                post_id = str(item["id"])
                return RemoteRef(post_id, self.config.view_url(post_id, f"https://www.facebook.com/{post_id}"), extra)
        return None


def instagram_card_url() -> str:
    return env_str("FAHNDUNG_INSTAGRAM_CARD_URL", f"{settings.PUBLIC_BASE_URL}/static/publishing/instagram-card.jpg")


def build(account: AccountConfig) -> GraphAdapter:
    return GraphAdapter(account)
