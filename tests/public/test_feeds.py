"""Public JSON feed (/api/v1/public/appeals/) and RSS (/fahndung/feed.rss)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from fahndung.appeals.choices import DANGER_NOTICE, CloseReason, Kind, LegalBasis, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_published):
    active = make_published(is_dangerous=True)
    person = active.persons.get()
    person.name = "Xaverius Quellbrunn"
    person.published_fields = ["hair"]  # name not flagged
    person.save()
    closed = make_published(status=Status.CLOSED, close_reason=CloseReason.ARRESTED)
    draft = make_published(status=Status.DRAFT, published_at=None)
    return active, closed, draft


def test_json_list_contains_active_appeals_with_canonical_urls(client, three, fake_renditions):
    active, closed, draft = three
    response = client.get("/api/v1/public/appeals/")
    assert response.status_code == 200
    body = response.json()
    slugs = [item["slug"] for item in body["results"]]
    assert slugs == [active.slug]
    item = body["results"][0]
    assert item["url"] == f"{settings.PUBLIC_BASE_URL}/fahndung/{active.slug}/"
    assert item["headline"] == "FAHNDUNG"
    assert item["danger_notice"] == DANGER_NOTICE
    assert item["persons"][0]["fields"] == {"hair": "kurz, dunkel"}
    assert {"slug", "kind", "headline", "summary", "place", "published_at", "expires_at", "url"} <= set(item)
    text = response.content.decode()
    assert "Xaverius" not in text
    assert item["images"][0]["url"].endswith("/media/renditions/abc/website.jpg")  # approved rendition (issue 14)
    assert active.title not in text  # internal title never leaves the house
    assert closed.slug not in text and draft.slug not in text


def test_json_list_needs_no_login_and_filters_by_kind(client, make_published):
    suspect = make_published()
    missing = make_published(kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW)
    body = client.get("/api/v1/public/appeals/", {"kind": "missing"}).json()
    assert [i["slug"] for i in body["results"]] == [missing.slug]
    assert suspect.slug not in str(body)


def test_json_detail(client, three):
    active, closed, draft = three
    ok = client.get(f"/api/v1/public/appeals/{active.slug}/")
    assert ok.status_code == 200 and ok.json()["status"] == "active"
    gone = client.get(f"/api/v1/public/appeals/{closed.slug}/").json()
    assert gone["status"] == "closed"
    assert "festgenommen" in gone["notice"]
    assert set(gone) == {"slug", "status", "headline", "notice", "deletion_request", "closed_at", "url"}
    missing = client.get(f"/api/v1/public/appeals/{draft.slug}/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_rss_is_valid_and_lists_active_appeals(client, three):
    active, closed, draft = three
    response = client.get("/fahndung/feed.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert [i.findtext("link") for i in items] == [f"{settings.PUBLIC_BASE_URL}/fahndung/{active.slug}/"]
    assert items[0].findtext("guid") == items[0].findtext("link")
    assert DANGER_NOTICE in items[0].findtext("description")
    assert "Xaverius" not in response.content.decode()
    assert closed.slug not in response.content.decode() and draft.slug not in response.content.decode()
    assert root.findtext("./channel/link") == f"{settings.PUBLIC_BASE_URL}/fahndung/"
