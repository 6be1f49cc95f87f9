"""X adapter on the real tweepy client (v2 create/delete/get; v1.1 or v2 media upload).

tweepy hard-codes https://api.twitter.com (and https://upload.twitter.com for v1.1
uploads); we keep its code path and mount a transport on its requests sessions that
enforces our timeout and rewrites those hosts to the configured base URL (fake server
in tests/demo) – platforms.md §7. Media goes through the v2 endpoints by default
(`POST /2/media/upload`, `POST /2/media/metadata` with {"id", "metadata": {"alt_text":
{"text"}}} – shapes of the official xdk SDK, checked in tests/publishing/contract/); the
v1.1 upload, retired for self-serve tiers in 2025, only with FAHNDUNG_X_<ACC>_MEDIA_API=v1.
Every error – tweepy's, the v2 upload's, a 404 – comes out as an AdapterError.
X has no edit call and no way to switch replies off for an existing post via v2 create,
so we send reply_settings="mentionedUsers" (nobody is mentioned -> nobody can reply, R10).
"""

from __future__ import annotations

import time
from typing import Any

import tweepy

from fahndung.core import http
from fahndung.publishing.adapters._http import strip_urls
from fahndung.publishing.adapters.base import (
    AccountProblem,
    AdapterError,
    Capabilities,
    MediaItem,
    Payload,
    RemoteRef,
)
from fahndung.publishing.conf import AccountConfig

CAPABILITIES = Capabilities(can_delete=True)
API_HOST = "https://api.twitter.com"
UPLOAD_HOST = "https://upload.twitter.com"


def _cause(exc: BaseException) -> BaseException | None:
    seen = exc
    while seen is not None:
        if isinstance(seen, http.OutboundError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def raise_for_status(resp: Any) -> None:
    """The v2 media calls bypass tweepy.Client.request; raise the same exception classes it
    would (tweepy/client.py `request`), so one map_error classifies both paths."""
    status = resp.status_code
    if status < 400:
        return
    if status == 429:
        reset = resp.headers.get("x-rate-limit-reset")
        raise tweepy.TooManyRequests(resp, reset_time=int(reset) if reset and reset.isdigit() else None)
    if status >= 500:
        raise tweepy.TwitterServerError(resp)
    cls = {400: tweepy.BadRequest, 401: tweepy.Unauthorized, 403: tweepy.Forbidden, 404: tweepy.NotFound}
    raise cls.get(status, tweepy.HTTPException)(resp)


def _problem_types(errors: Any) -> set[str]:
    return {str(e.get("type", "")).rsplit("/", 1)[-1] for e in errors or [] if isinstance(e, dict)}


def map_error(exc: Exception) -> AdapterError:
    if isinstance(exc, AdapterError):
        return exc
    if isinstance(exc, tweepy.TooManyRequests):
        reset = getattr(exc, "reset_time", None)
        retry = max(0.0, reset - time.time()) if reset else None
        return AdapterError("X: Ratenlimit erreicht (HTTP 429).", permanent=False, retry_after=retry, http_status=429,
                            account_problem=AccountProblem.THROTTLED)
    if isinstance(exc, tweepy.TwitterServerError):
        return AdapterError(f"X: Serverfehler ({exc.response.status_code}).", permanent=False,
                            http_status=exc.response.status_code)
    if isinstance(exc, tweepy.Unauthorized):
        return AdapterError("X: Zugangsdaten ungültig oder abgelaufen (HTTP 401).", permanent=True, http_status=401,
                            account_problem=AccountProblem.RECONNECT_NEEDED)
    if isinstance(exc, tweepy.NotFound):
        return AdapterError(f"X: nicht gefunden (HTTP 404): {exc}", permanent=True, http_status=404)
    if isinstance(exc, tweepy.HTTPException):
        return AdapterError(f"X: Anfrage abgelehnt (HTTP {exc.response.status_code}): {exc}", permanent=True,
                            http_status=exc.response.status_code)
    outbound = _cause(exc)
    if outbound is not None:
        return AdapterError(f"X: {outbound}", permanent=False)
    return AdapterError(f"X: {exc}", permanent=False)


class XAdapter:
    platform = "x"
    capabilities = CAPABILITIES

    def __init__(self, account: AccountConfig) -> None:
        self.config = account
        self.account = account.key
        self.label = account.label
        self.recorder = None
        api_base = account.get("API_BASE", API_HOST)
        upload_base = account.get("UPLOAD_BASE", UPLOAD_HOST)
        rewrite = {}
        if api_base.rstrip("/") != API_HOST:
            rewrite[API_HOST] = api_base
        if upload_base.rstrip("/") != UPLOAD_HOST:
            rewrite[UPLOAD_HOST] = upload_base
        creds = (account.get("CONSUMER_KEY"), account.get("CONSUMER_SECRET"),
                 account.get("ACCESS_TOKEN"), account.get("ACCESS_SECRET"))
        self.client = tweepy.Client(consumer_key=creds[0], consumer_secret=creds[1],
                                    access_token=creds[2], access_token_secret=creds[3])
        http.requests_session(rewrite=rewrite, session=self.client.session)
        self.auth = tweepy.OAuth1UserHandler(*creds)
        # retry_count=0: retries are the task's job (with backoff and attempt rows).
        self.api = tweepy.API(self.auth, retry_count=0)
        http.requests_session(rewrite=rewrite, session=self.api.session)
        self.media_api = account.get("MEDIA_API", "v2").lower()

    def _timed(self, operation: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            err = map_error(exc)
            gone = err.http_status == 404 and operation in ("withdraw", "verify")
            self._record(operation, err.http_status, started,
                         "ok" if gone else "permanent" if err.permanent else "transient", err.message)
            raise err from exc
        self._record(operation, 200, started, "ok")
        return result

    def _record(self, operation: str, status: int | None, started: float, outcome: str, error: str = "") -> None:
        if self.recorder is not None:
            self.recorder(operation, status, int((time.monotonic() - started) * 1000), outcome, error[:2000])

    # --- media ------------------------------------------------------------------------
    def upload_media(self, item: MediaItem) -> str:
        """Upload one image with alt text; returns the media id. v1.1 via tweepy.API, or
        the v2 endpoint with the same OAuth1 signature when MEDIA_API=v2."""
        import io

        if self.media_api == "v2":
            def v2() -> str:
                resp = self.client.session.post(
                    f"{API_HOST}/2/media/upload", auth=self.auth.apply_auth(),
                    files={"media": ("image", item.data, item.mime_type)}, data={"media_category": "tweet_image"},
                )
                raise_for_status(resp)
                return str(resp.json()["data"]["id"])

            def metadata(media_id: str) -> None:
                # docs.x.com/x-api/media/create-media-metadata; v2 allows 1,000 characters.
                resp = self.client.session.post(
                    f"{API_HOST}/2/media/metadata", auth=self.auth.apply_auth(),
                    json={"id": media_id, "metadata": {"alt_text": {"text": item.alt_text[:1000]}}})
                raise_for_status(resp)

            media_id = self._timed("upload", v2)
            if item.alt_text:
                self._timed("upload", metadata, media_id)
            return media_id
        media = self._timed("upload", self.api.media_upload, "image.jpg", file=io.BytesIO(item.data))
        # X documents 420 characters for v1.1 alt text; stay inside it (platforms.md §1).
        self._timed("upload", self.api.create_media_metadata, media.media_id_string, item.alt_text[:420])
        return str(media.media_id_string)

    # --- protocol ---------------------------------------------------------------------
    def publish(self, payload: Payload) -> RemoteRef:
        media_ids = [self.upload_media(m) for m in payload.media[:4]]
        try:
            resp = self._timed("publish", self.client.create_tweet, text=payload.text,
                               media_ids=media_ids or None, reply_settings="mentionedUsers", user_auth=True)
        except AdapterError as err:
            if not (err.http_status == 403 and "duplicate content" in err.message.lower()):
                raise
            # X refuses a text its author posted already: an earlier attempt whose answer
            # was lost. The post is live – find it instead of failing.
            found = self.find_existing(payload)
            if found is not None:
                return found
            raise AdapterError("X meldet einen gleichlautenden Beitrag, er ist aber (noch) nicht auffindbar; "
                               "erneute Suche folgt.", permanent=False, http_status=403) from err
        tweet_id = str(resp.data["id"])
        return RemoteRef(tweet_id, self._url(tweet_id))

    def _url(self, tweet_id: str) -> str:
        return self.config.view_url(tweet_id, f"https://x.com/i/web/status/{tweet_id}")

    def withdraw(self, ref: RemoteRef) -> None:
        try:
            self._timed("withdraw", self.client.delete_tweet, ref.external_id, user_auth=True)
        except AdapterError as err:
            if err.http_status != 404:
                raise
            # already gone counts as withdrawn

    def verify(self, ref: RemoteRef) -> bool:
        try:
            resp = self._timed("verify", self.client.get_tweet, ref.external_id, user_auth=True)
        except AdapterError as err:
            if err.http_status == 404:
                return False
            raise
        if resp.data is not None:
            return True
        # An errors-only 200 means absent only for resource-not-found; not-authorized-for-
        # resource (protected/suspended account, lost permission) proves nothing.
        kinds = _problem_types(resp.errors)
        if "resource-not-found" in kinds:
            return False
        raise AdapterError(f"X: Beitrag nicht abrufbar ({', '.join(sorted(kinds)) or 'ohne Angabe'}); "
                           "Abwesenheit nicht bewiesen.", permanent=True, http_status=200,
                           account_problem=AccountProblem.RECONNECT_NEEDED)

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        me = self._timed("lookup", self.client.get_me, user_auth=True)
        resp = self._timed("lookup", self.client.get_users_tweets, me.data["id"], max_results=20, user_auth=True)
        wanted = strip_urls(payload.text)
        for tweet in resp.data or []:
            if strip_urls(tweet["text"]) == wanted:
                return RemoteRef(str(tweet["id"]), self._url(str(tweet["id"])))
        return None


def build(account: AccountConfig) -> XAdapter:
    return XAdapter(account)
