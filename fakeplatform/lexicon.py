"""Lexicon validation of the Bluesky records Fahndung writes, as a PDS does at createRecord.

Transcribed from the lexicons (bluesky-social/atproto lexicons/): app/bsky/feed/post.json,
app/bsky/feed/threadgate.json, app/bsky/embed/images.json, app/bsky/embed/external.json,
app/bsky/richtext/facet.json, and the string formats of the atproto spec (datetime,
language, at-uri, uri). Unknown fields are allowed (lexicons are open), unknown `$type`s of
closed unions are not. The fake has no dependency on the atproto SDK (it runs in the demo);
tests/publishing/contract/ checks the same records against the SDK's generated models.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import regex

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
_AT_URI = re.compile(r"^at://did:[a-z]+:[a-zA-Z0-9._:%-]+/[a-zA-Z0-9.-]+/[A-Za-z0-9._:~-]+$")
_DID = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
BLOB_MAX = 1_000_000  # embed/images.json: image maxSize
ACCEPT = re.compile(r"^image/")


def _datetime(value: Any) -> bool:
    if not isinstance(value, str) or not _DATETIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _blob(value: Any, media: dict[str, Any], where: str) -> str:
    if not isinstance(value, dict) or value.get("$type") != "blob":
        return f"{where} must be a blob"
    ref = (value.get("ref") or {}).get("$link") if isinstance(value.get("ref"), dict) else None
    if not isinstance(ref, str) or not isinstance(value.get("mimeType"), str) or not isinstance(value.get("size"), int):
        return f"{where} must have ref.$link, mimeType and size"
    if not ACCEPT.match(value["mimeType"]):
        return f"{where} mimeType must be image/*"
    stored = media.get(ref)
    if stored is None:
        return f"{where} refers to an unknown blob"
    if stored["size"] > BLOB_MAX:
        return f"{where} file too large ({stored['size']} bytes). Maximum is {BLOB_MAX}"
    return ""


def _facets(value: Any, text: str) -> str:
    if not isinstance(value, list):
        return "Record/facets must be an array"
    size = len(text.encode("utf-8"))
    for i, facet in enumerate(value):
        index = facet.get("index") if isinstance(facet, dict) else None
        if not isinstance(index, dict):
            return f"Record/facets/{i}/index is required"
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= size):
            return f"Record/facets/{i}/index must be byte offsets inside text"
        features = facet.get("features")
        if not isinstance(features, list) or not features:
            return f"Record/facets/{i}/features is required"
        for feature in features:
            kind = feature.get("$type") if isinstance(feature, dict) else None
            if kind == "app.bsky.richtext.facet#link":
                if not isinstance(feature.get("uri"), str) or ":" not in feature["uri"]:
                    return f"Record/facets/{i}/features/uri must be a uri"
            elif kind == "app.bsky.richtext.facet#tag":
                tag = feature.get("tag")
                if not isinstance(tag, str) or len(tag) > 640 or len(regex.findall(r"\X", tag)) > 64:
                    return f"Record/facets/{i}/features/tag must be at most 64 graphemes"
            elif kind == "app.bsky.richtext.facet#mention" and not (
                    isinstance(feature.get("did"), str) and _DID.match(feature["did"])):
                return f"Record/facets/{i}/features/did must be a did"
            # other $types: open union, allowed
    return ""


def _embed(value: Any, media: dict[str, Any]) -> str:
    kind = value.get("$type") if isinstance(value, dict) else None
    if kind == "app.bsky.embed.images":
        images = value.get("images")
        if not isinstance(images, list) or not 1 <= len(images) <= 4:
            return "Record/embed/images must have 1 to 4 items"
        for i, image in enumerate(images):
            if not isinstance(image, dict) or not isinstance(image.get("alt"), str):
                return f"Record/embed/images/{i}/alt is required"  # alt text is mandatory
            problem = _blob(image.get("image"), media, f"Record/embed/images/{i}/image")
            if problem:
                return problem
            ratio = image.get("aspectRatio")
            if ratio is not None and not (isinstance(ratio, dict) and all(
                    isinstance(ratio.get(k), int) and ratio[k] >= 1 for k in ("width", "height"))):
                return f"Record/embed/images/{i}/aspectRatio needs width and height >= 1"
        return ""
    if kind == "app.bsky.embed.external":
        external = value.get("external")
        if not isinstance(external, dict):
            return "Record/embed/external is required"
        for key in ("uri", "title", "description"):
            if not isinstance(external.get(key), str):
                return f"Record/embed/external/{key} is required"
        if "thumb" in external:
            return _blob(external["thumb"], media, "Record/embed/external/thumb")
        return ""
    if kind in ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia", "app.bsky.embed.video"):
        return ""  # not written by Fahndung; accepted shape-blind
    return f"Record/embed $type must be one of the embed lexicons, got {kind!r}"


def _post(record: dict[str, Any], media: dict[str, Any]) -> str:
    text = record.get("text")
    if not isinstance(text, str):
        return "Record must have the property \"text\""
    if len(text.encode("utf-8")) > 3000:
        return "Record/text must not be longer than 3000 characters"
    if len(regex.findall(r"\X", text)) > 300:
        return "Record/text must not be longer than 300 graphemes"
    if not _datetime(record.get("createdAt")):
        return "Record/createdAt must be an valid atproto datetime"
    langs = record.get("langs")
    if langs is not None and (not isinstance(langs, list) or len(langs) > 3
                              or not all(isinstance(x, str) and _LANG.match(x) for x in langs)):
        return "Record/langs must be up to 3 language tags"
    if "facets" in record:
        problem = _facets(record["facets"], text)
        if problem:
            return problem
    if "embed" in record:
        return _embed(record["embed"], media)
    return ""


def _threadgate(record: dict[str, Any], collection_rkey: str = "") -> str:
    if not isinstance(record.get("post"), str) or not _AT_URI.match(record["post"]):
        return "Record/post must be an at-uri"
    if not _datetime(record.get("createdAt")):
        return "Record/createdAt must be an valid atproto datetime"
    allow = record.get("allow")
    rules = {"app.bsky.feed.threadgate#mentionRule", "app.bsky.feed.threadgate#followerRule",
             "app.bsky.feed.threadgate#followingRule", "app.bsky.feed.threadgate#listRule"}
    if allow is not None and (not isinstance(allow, list) or len(allow) > 5
                              or not all(isinstance(r, dict) and r.get("$type") in rules for r in allow)):
        return "Record/allow must be up to 5 threadgate rules"
    return ""


def validate_record(collection: str, record: Any, media: dict[str, Any]) -> str:
    """'' if valid, else the PDS-style message of the first problem found."""
    if not isinstance(record, dict):
        return "Record must be an object"
    if record.get("$type") != collection:
        return f"Record/$type must be {collection}"
    if collection == "app.bsky.feed.post":
        return _post(record, media)
    if collection == "app.bsky.feed.threadgate":
        return _threadgate(record)
    return ""  # other collections are not validated here
