"""Contract tests generated from the platforms' official clients, not from hand-written
shapes: every request our adapters send to the fake (captured in FakePlatform.store.bodies)
is validated against
- X: the official X SDK `xdk` (pydantic models generated from X's OpenAPI spec):
  CreatePostsRequest, MediaUploadRequest, CreateMediaMetadataRequest – strict (no unknown
  fields, which X ignores or rejects);
- Bluesky: the `atproto` SDK's lexicon models: com.atproto.repo.createRecord/deleteRecord
  input and the records app.bsky.feed.post / app.bsky.feed.threadgate (with embeds, facets);
- LinkedIn: the official `linkedin-api-client` (Rest.li): the same call built by its
  RestliClient must have our URL (Rest.li-encoded URNs and finder params) and headers.
Mastodon has no official SDK with request schemas (Mastodon.py is community-maintained
and untyped); its shapes are covered by tests/fakeplatform/test_quirks.py and the docs.
The SDKs are dev dependencies only (docs/publishing.md says why)."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from pydantic import BaseModel

from fahndung.publishing.adapters.base import MediaItem
from fahndung.publishing.adapters.registry import adapter_for
from tests.publishing.adapters.test_adapters import JPEG, payload

xdk_schemas = pytest.importorskip("xdk.schemas")
atproto_models = pytest.importorskip("atproto_client.models")
restli = pytest.importorskip("linkedin_api.clients.restli.client")

IMAGE = MediaItem(JPEG, "image/jpeg", "Foto der gesuchten Person, rote Jacke")


def strict(model: type[BaseModel], data: Any) -> BaseModel:
    """Validate and refuse unknown fields anywhere (the SDK models allow extras)."""
    instance = model.model_validate(data)

    def walk(obj: Any, path: str) -> None:
        if isinstance(obj, BaseModel):
            extra = getattr(obj, "model_extra", None) or {}
            assert not extra, f"{model.__name__}{path}: fields unknown to the SDK: {sorted(extra)}"
            for name in type(obj).model_fields:
                walk(getattr(obj, name), f"{path}.{name}")
        elif isinstance(obj, list | tuple):
            for i, item in enumerate(obj):
                walk(item, f"{path}[{i}]")

    walk(instance, "")
    return instance


def sent(fake_platform, platform: str, method: str, path_end: str) -> list[dict]:
    return [b for b in fake_platform.store.bodies
            if b["platform"] == platform and b["method"] == method and b["path"].endswith(path_end)]


def multipart(body: dict) -> dict[str, Any]:
    msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {body['content_type']}\r\n\r\n".encode() + body["body"])
    return {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in msg.iter_parts()}


# --- X -----------------------------------------------------------------------------------

def test_x_requests_match_the_official_sdk_models(fake_platform):
    adapter_for("x:lka").publish(payload(media=[IMAGE, IMAGE]))
    creates = sent(fake_platform, "x", "POST", "/2/tweets")
    uploads = sent(fake_platform, "x", "POST", "/2/media/upload")
    metadata = sent(fake_platform, "x", "POST", "/2/media/metadata")
    assert len(creates) == 1 and len(uploads) == 2 and len(metadata) == 2
    post = strict(xdk_schemas.CreatePostsRequest, json.loads(creates[0]["body"]))
    assert post.reply_settings == "mentionedUsers" and len(post.media.media_ids) == 2
    for body in uploads:
        fields = multipart(body)
        assert set(fields) <= set(xdk_schemas.MediaUploadRequest.model_fields)
        strict(xdk_schemas.MediaUploadRequest, {"media": "<bytes>", "media_category": fields["media_category"].decode()})
    for body in metadata:
        request = strict(xdk_schemas.CreateMediaMetadataRequest, json.loads(body["body"]))
        assert request.metadata.alt_text.text == IMAGE.alt_text


# --- Bluesky -------------------------------------------------------------------------------

def test_bluesky_records_match_the_atproto_lexicon_models(fake_platform):
    from atproto_client.models.utils import get_or_create

    adapter_for("bluesky:ppstuttgart").publish(payload("img", media=[IMAGE]))
    adapter_for("bluesky:ppstuttgart").publish(payload("link"))
    creates = sent(fake_platform, "bluesky", "POST", "com.atproto.repo.createRecord")
    assert len(creates) == 4  # two posts, two threadgates
    records = {"app.bsky.feed.post": atproto_models.AppBskyFeedPost.Record,
               "app.bsky.feed.threadgate": atproto_models.AppBskyFeedThreadgate.Record}
    seen = set()
    for body in creates:
        data = json.loads(body["body"])
        strict(atproto_models.ComAtprotoRepoCreateRecord.Data, data)
        model = records[data["collection"]]
        record = get_or_create(data["record"], model, strict=True, strict_string_format=True)
        assert isinstance(record, model)
        seen.add((data["collection"], type(getattr(record, "embed", None)).__name__))
    assert ("app.bsky.feed.post", "Main") in seen  # embeds validated as their lexicon types
    ref = adapter_for("bluesky:ppstuttgart").publish(payload("link"))
    adapter_for("bluesky:ppstuttgart").withdraw(ref)
    for body in sent(fake_platform, "bluesky", "POST", "com.atproto.repo.deleteRecord"):
        strict(atproto_models.ComAtprotoRepoDeleteRecord.Data, json.loads(body["body"]))
    for body in sent(fake_platform, "bluesky", "GET", "com.atproto.repo.getRecord"):
        strict(atproto_models.ComAtprotoRepoGetRecord.Params, {k: v[-1] for k, v in body["query"].items()})


# --- LinkedIn ------------------------------------------------------------------------------

class _Captured(Exception):
    pass


def official_request(call: str, **kwargs: Any):
    """The PreparedRequest the official RestliClient would send (not sent)."""
    client = restli.RestliClient()
    captured = {}

    def send(prepared, **_kw):
        captured["request"] = prepared
        raise _Captured

    client.session.send = send
    with pytest.raises(_Captured):
        getattr(client, call)(access_token="fake-linkedin-token", version_string=kwargs.pop("version"), **kwargs)
    return captured["request"]


def _same_request(ours: dict, official, *, ignore_query: set[str] = frozenset()) -> None:
    url = urlsplit(official.url)
    assert ours["path"] == url.path, (ours["path"], url.path)  # same Rest.li encoding of URN keys
    official_query = {k: v for k, v in (p.split("=", 1) for p in url.query.split("&") if p)}
    ours_query = {k: v[-1] for k, v in ours["query"].items()}
    for key, value in official_query.items():
        if key not in ignore_query:
            assert unquote(value) == ours_query.get(key), (key, value, ours_query)
    for header in ("linkedin-version", "x-restli-protocol-version", "x-restli-method"):
        assert ours["headers"].get(header, "").upper() == official.headers[header].upper(), header


def test_linkedin_requests_match_the_official_client(fake_platform):
    from fahndung.publishing import conf

    adapter = adapter_for("linkedin:ppstuttgart")
    ref = adapter.publish(payload(media=[IMAGE]))
    adapter.find_existing(payload())
    adapter.verify(ref)
    adapter.withdraw(ref)
    version = conf.LINKEDIN_VERSION
    author = "urn:li:organization:1000001"

    create = sent(fake_platform, "linkedin", "POST", "/rest/posts")[0]
    _same_request(create, official_request("create", resource_path="/posts", entity=json.loads(create["body"]),
                                           version=version))
    init = sent(fake_platform, "linkedin", "POST", "/rest/images")[0]
    _same_request(init, official_request("action", resource_path="/images", action_name="initializeUpload",
                                         action_params={"initializeUploadRequest": {"owner": author}},
                                         version=version))
    finder = sent(fake_platform, "linkedin", "GET", "/rest/posts")[0]
    _same_request(finder, official_request("finder", resource_path="/posts", finder_name="author",
                                           query_params={"author": author, "count": 20}, version=version))
    get = next(b for b in sent(fake_platform, "linkedin", "GET", "") if b["path"].startswith("/rest/posts/"))
    _same_request(get, official_request("get", resource_path="/posts/{id}", path_keys={"id": ref.external_id},
                                        version=version))
    delete = sent(fake_platform, "linkedin", "DELETE", "")[0]
    _same_request(delete, official_request("delete", resource_path="/posts/{id}", path_keys={"id": ref.external_id},
                                           version=version))
