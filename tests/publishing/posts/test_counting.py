"""Exact length counting on tricky input (twitter-text weights, graphemes, byte offsets)."""

from __future__ import annotations

import pytest

from fahndung.publishing.posts import counting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", 3),
        ("Straße ÄÖÜ äöü ß", 16),  # Latin-1 letters weigh 1
        ("e\u0301", 1),  # NFC composes e + combining acute into é
        ("q\u0301", 2),  # no precomposed form: two code points, both light
        ("👍", 2),
        ("👍🏽", 2),  # emoji + skin tone modifier is one emoji
        ("👩\u200d👩\u200d👧\u200d👦", 2),  # ZWJ family sequence counts once
        ("🇩🇪", 2),  # flag = two regional indicators
        ("1\ufe0f\u20e3", 2),  # keycap sequence
        ("©", 1),  # text-presentation symbol in the light range is not an emoji
        ("❤\ufe0f", 2),
        ("漢字", 4),  # CJK weigh 2 each
        # U+201E/U+201C/U+2013 lie in the light ranges, but "…" (U+2026) does not: it weighs 2.
        ("„Zitat“ – Gedankenstrich…", 26),
        ("https://polizei-bw.de/fahndung/abcdefghijklmnopqrstuvwxyz/", 23),
        ("Siehe https://a.de/x, danke", 6 + 23 + 7),  # trailing comma is not part of the URL
        ("www.polizei-bw.de", 23),
        ("zwei https://a.example/1 https://b.example/2", 5 + 23 + 1 + 23),
    ],
)
def test_x_weighted_length(text, expected):
    assert counting.x_weighted_length(text) == expected


def test_x_limit_boundary():
    assert counting.check("x", "a" * 280).ok
    over = counting.check("x", "a" * 279 + "👍")
    assert not over.ok and over.count == 281
    assert "1 Zeichen zu lang" in over.problems[0]


def test_mastodon_counts_graphemes_and_urls_as_23():
    text = "Vermisst 👩\u200d👩\u200d👧 https://polizei-bw.de/" + "x" * 100
    assert counting.count("mastodon", text) == len("Vermisst ") + 1 + 1 + 23


def test_bluesky_counts_graphemes_and_full_links():
    url = "https://polizei-bw.de/fahndung/abc/"
    assert counting.count("bluesky", f"a👍🏽{url}") == 2 + len(url)
    assert counting.check("bluesky", "ä" * 300).ok
    assert not counting.check("bluesky", "ä" * 301).ok


def test_bluesky_byte_limit():
    # 300 graphemes, each a long ZWJ sequence: fits graphemes but not 3,000 bytes.
    family = "👩\u200d👩\u200d👧\u200d👦"
    result = counting.check("bluesky", family * 300)
    assert result.count == 300
    assert not result.ok and any("Bytes" in p for p in result.problems)


def test_bluesky_facets_use_utf8_byte_offsets():
    text = "Für Hinweise: https://ex.de/a ü #Stuttgart"
    facets = counting.bluesky_facets(text)
    link = next(f for f in facets if f["features"][0]["$type"].endswith("#link"))
    encoded = text.encode("utf-8")
    assert encoded[link["index"]["byteStart"]:link["index"]["byteEnd"]] == b"https://ex.de/a"
    tag = next(f for f in facets if f["features"][0]["$type"].endswith("#tag"))
    assert encoded[tag["index"]["byteStart"]:tag["index"]["byteEnd"]].decode() == "#Stuttgart"
    assert tag["features"][0]["tag"] == "Stuttgart"
    # "ü" is two bytes: a character offset would be one less than the byte offset.
    assert link["index"]["byteStart"] == text.index("https") + 1


def test_instagram_hashtag_cap():
    ok = " ".join(f"#t{i}x" for i in range(30))
    assert counting.check("instagram", ok).ok
    result = counting.check("instagram", ok + " #zuviel")
    assert not result.ok and "Hashtags" in result.problems[0]


def test_limits_per_platform():
    assert counting.limit_for("linkedin") == 3000
    assert counting.limit_for("instagram") == 2200
    assert counting.limit_for("mastodon") == 500
    assert counting.limit_for("mastodon", mastodon_limit=1000) == 1000
    assert not counting.check("linkedin", "x" * 3001).ok
