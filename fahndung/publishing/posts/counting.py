"""Exact, server-side length counting per platform (the UI counter mirrors this in JS).

X (twitter-text v3 rules, implemented here): text NFC-normalised; each URL weighs 23;
each emoji (a whole sequence incl. ZWJ, skin tones, flags, keycaps) weighs 2; every
other code point weighs 1 if it lies in the light ranges (U+0000–U+10FF, U+2000–U+200D,
U+2010–U+201F, U+2032–U+2037) and 2 otherwise (CJK etc.). Limit 280.
Mastodon: grapheme clusters, each URL counts 23 (instance limit, default 500).
Bluesky: 300 grapheme clusters and 3,000 UTF-8 bytes; links count in full.
Instagram: 2,200 characters and at most 30 hashtags. Facebook 63,206, LinkedIn 3,000.

Public surface: count(platform, text) -> int, limit_for(platform), check(platform, text)
-> LengthCheck(count, limit, ok, problems), x_weighted_length, graphemes, find_urls,
bluesky_facets(text) -> list of facet dicts with UTF-8 byte offsets.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex

# URLs with scheme, or www.-hosts; trailing punctuation is not part of the URL.
_URL_RE = regex.compile(
    r"(?:https?://|www\.)[^\s<>\"]+?(?=[.,;:!?)\]]*(?:\s|$))", regex.IGNORECASE
)
_HASHTAG_RE = regex.compile(r"(?<![\w#])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)")
_GRAPHEME_RE = regex.compile(r"\X")
_EMOJI_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")
_EXT_PICT = regex.compile(r"\p{Extended_Pictographic}")
_REGIONAL = regex.compile(r"\p{Regional_Indicator}")

X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
URL_WEIGHT = 23

LIMITS = {
    "x": 280,
    "mastodon": 500,
    "bluesky": 300,
    "facebook": 63206,
    "instagram": 2200,
    "linkedin": 3000,
    "whatsapp": 4096,
    "press": 20000,
    "poster": 2000,
    "website": 20000,
}
BLUESKY_MAX_BYTES = 3000
INSTAGRAM_MAX_HASHTAGS = 30


@dataclass(frozen=True)
class LengthCheck:
    count: int
    limit: int
    ok: bool
    problems: list[str] = field(default_factory=list)


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) in code-point offsets."""
    return [(m.start(), m.end(), m.group(0)) for m in _URL_RE.finditer(text)]


def graphemes(text: str) -> list[str]:
    return _GRAPHEME_RE.findall(text)


def _is_emoji(cluster: str) -> bool:
    # twemoji rules: a pictograph only counts as emoji when shown as one (emoji
    # presentation, VS16, keycap, flag or a ZWJ sequence), so "©" or "↔" alone do not.
    if _EMOJI_PRESENTATION.search(cluster) or "\ufe0f" in cluster or "\u20e3" in cluster:
        return True
    if len(_REGIONAL.findall(cluster)) >= 2:
        return True
    return "\u200d" in cluster and bool(_EXT_PICT.search(cluster))


def _x_weight(char: str) -> int:
    code = ord(char)
    return 1 if any(lo <= code <= hi for lo, hi in X_LIGHT_RANGES) else 2


def x_weighted_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total = 0
    pos = 0
    for start, end, _url in find_urls(text):
        total += _x_plain(text[pos:start])
        total += URL_WEIGHT
        pos = end
    return total + _x_plain(text[pos:])


def _x_plain(text: str) -> int:
    total = 0
    for cluster in graphemes(text):
        if _is_emoji(cluster):
            total += 2
        else:
            total += sum(_x_weight(ch) for ch in cluster)
    return total


def _urls_as_fixed(text: str, weight: int) -> int:
    pos = 0
    total = 0
    for start, end, _url in find_urls(text):
        total += len(graphemes(text[pos:start])) + weight
        pos = end
    return total + len(graphemes(text[pos:]))


def count(platform: str, text: str) -> int:
    if platform == "x":
        return x_weighted_length(text)
    if platform == "mastodon":
        return _urls_as_fixed(text, URL_WEIGHT)
    if platform == "bluesky":
        return len(graphemes(text))
    # Meta and LinkedIn count characters (code points); there is no URL shortening.
    return len(text)


def limit_for(platform: str, *, mastodon_limit: int | None = None) -> int:
    if platform == "mastodon" and mastodon_limit:
        return mastodon_limit
    return LIMITS.get(platform, 20000)


def hashtags(text: str) -> list[str]:
    return ["#" + m for m in _HASHTAG_RE.findall(text)]


def check(platform: str, text: str, *, mastodon_limit: int | None = None) -> LengthCheck:
    n = count(platform, text)
    limit = limit_for(platform, mastodon_limit=mastodon_limit)
    problems = []
    if n > limit:
        problems.append(f"Der Text ist {n - limit} Zeichen zu lang ({n}/{limit}).")
    if not text.strip():
        problems.append("Der Text ist leer.")
    if platform == "bluesky" and len(text.encode("utf-8")) > BLUESKY_MAX_BYTES:
        problems.append(f"Bluesky erlaubt höchstens {BLUESKY_MAX_BYTES} Bytes.")
    if platform == "instagram" and len(hashtags(text)) > INSTAGRAM_MAX_HASHTAGS:
        problems.append(f"Instagram erlaubt höchstens {INSTAGRAM_MAX_HASHTAGS} Hashtags.")
    return LengthCheck(n, limit, not problems, problems)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def bluesky_facets(text: str) -> list[dict]:
    """Link and hashtag facets; Bluesky indexes by UTF-8 byte offsets, not characters."""
    facets = []
    for start, end, url in find_urls(text):
        uri = url if url.lower().startswith("http") else f"https://{url}"
        facets.append({
            "index": {"byteStart": _byte_offset(text, start), "byteEnd": _byte_offset(text, end)},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
        })
    for match in _HASHTAG_RE.finditer(text):
        start = match.start(0)  # the facet covers the "#" too
        facets.append({
            "index": {"byteStart": _byte_offset(text, start), "byteEnd": _byte_offset(text, match.end(0))},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
        })
    return sorted(facets, key=lambda f: f["index"]["byteStart"])
