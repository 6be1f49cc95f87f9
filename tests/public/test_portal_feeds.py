"""Issue 14: JSON feed with the approved renditions' URLs and sizes, RSS with enclosures –
never where the rules forbid images outside the appeal page (witness, dead, minors, victims)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from fahndung.appeals.choices import Kind, LegalBasis

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_file(fake_renditions, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "renditions").mkdir()
    (tmp_path / "renditions" / "w.jpg").write_bytes(b"\xff\xd8" + b"0" * 1234)
    fake_renditions.images[0] = fake_renditions.images[0].__class__(
        "/media/renditions/w.jpg", "renditions/w.jpg", "Bild aus Überwachungskamera", 800, 600, 1)
    return fake_renditions


def test_json_feed_carries_url_and_size_of_the_approved_rendition(client, make_published, real_file):
    appeal = make_published()
    item = client.get("/api/v1/public/appeals/").json()["results"][0]
    assert item["slug"] == appeal.slug
    assert item["images"] == [{
        "url": f"{settings.PUBLIC_BASE_URL}/media/renditions/w.jpg", "width": 800, "height": 600,
        "bytes": 1236, "mime_type": "image/jpeg", "alt": "Bild aus Überwachungskamera",
    }]
    detail = client.get(f"/api/v1/public/appeals/{appeal.slug}/").json()
    assert detail["images"] == item["images"]


def test_rss_items_have_enclosures(client, make_published, real_file):
    make_published()
    root = ET.fromstring(client.get("/fahndung/feed.rss").content)
    enclosure = root.find("./channel/item/enclosure")
    assert enclosure is not None
    assert enclosure.get("url") == f"{settings.PUBLIC_BASE_URL}/media/renditions/w.jpg"
    assert enclosure.get("length") == "1236" and enclosure.get("type") == "image/jpeg"


@pytest.mark.parametrize("fields", [
    {"kind": Kind.WITNESS, "legal_basis": LegalBasis.STPO_131B_2},
    {"kind": Kind.UNKNOWN_DEAD, "legal_basis": LegalBasis.POLICE_LAW},
    {"kind": Kind.MISSING, "legal_basis": LegalBasis.POLICE_LAW, "is_minor": True},
    {"is_victim": True},
])
def test_no_images_in_feeds_where_the_rules_forbid_them(client, make_published, real_file, fields):
    make_published(**fields)
    item = client.get("/api/v1/public/appeals/").json()["results"][0]
    assert item["images"] == []
    rss = client.get("/fahndung/feed.rss").content.decode()
    assert "<enclosure" not in rss and "w.jpg" not in rss
    assert "w.jpg" not in client.get("/fahndung/").content.decode()
