"""Issue 14: the public list – full-text search over published fields only, filters by kind,
region and date, pagination keeping the filters, thumbnails only where images are allowed;
a plain GET form (works without JavaScript)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fahndung.appeals.choices import Kind, LegalBasis

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _list(client, **params) -> str:
    response = client.get("/fahndung/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_form_is_a_plain_get_form_with_search_region_and_dates(client, make_published):
    make_published(district="Bad Cannstatt")
    html = _list(client)
    form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    for name in ('name="q"', 'name="kind"', 'name="region"', 'name="from"', 'name="to"'):
        assert name in form
    assert '<option value="Bad Cannstatt">Bad Cannstatt</option>' in form


def test_search_finds_published_fields_only(client, make_published):
    hit = make_published(public_facts="Ein Fahrrad mit Körbchen wurde entwendet.")
    other = make_published()
    person = other.persons.get()
    person.name = "Zacharias Hinterhuber"
    person.published_fields = [f for f in person.published_fields if f != "name"]
    person.save()
    html = _list(client, q="fahrrad körbchen")
    assert hit.slug in html and other.slug not in html
    assert other.slug not in _list(client, q="Hinterhuber")  # unpublished name: no match
    assert other.slug not in _list(client, q=other.title)  # internal title is not searchable
    assert hit.slug in _list(client, q="Kapuzenjacke")  # a published person field


def test_filters_by_region_and_date(client, make_published):
    now = datetime(2026, 11, 20, 12, 0, tzinfo=BERLIN)
    cannstatt = make_published(district="Bad Cannstatt", published_at=now)
    mitte = make_published(district="Stuttgart-Mitte", published_at=now - timedelta(days=10))
    html = _list(client, region="Bad Cannstatt")
    assert cannstatt.slug in html and mitte.slug not in html
    html = _list(client, **{"from": "2026-11-15"})
    assert cannstatt.slug in html and mitte.slug not in html
    html = _list(client, to="2026-11-15")
    assert mitte.slug in html and cannstatt.slug not in html
    both = _list(client, **{"region": "Nirgendwo", "from": "kein-datum"})  # ignored, no error
    assert cannstatt.slug in both and mitte.slug in both


def test_pagination_keeps_the_filters(client, make_published):
    from fahndung.public import conf

    for _ in range(conf.PUBLIC_PAGE_SIZE + 1):
        make_published(district="Bad Cannstatt")
    html = _list(client, region="Bad Cannstatt", q="Raub")
    nxt = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "region=Bad+Cannstatt" in nxt and "q=Raub" in nxt and "page=2" in nxt


def test_thumbnails_only_where_images_are_allowed(client, make_published, fake_renditions):
    suspect = make_published()
    make_published(kind=Kind.WITNESS, legal_basis=LegalBasis.STPO_131B_2)
    html = _list(client)
    assert html.count('class="card-thumb"') == 1
    thumb = re.search(r'<img class="card-thumb"[^>]*>', html).group(0)
    assert "website.jpg" in thumb and 'alt="Bild aus Überwachungskamera"' in thumb
    assert suspect.slug in html
