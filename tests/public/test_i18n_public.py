"""English public pages use the public wording, not the staff translation of the same German word.

All catalogues merge into one lookup with fahndung/locale first, so a German word that the
staff UI also uses ("Hinweise" = tips, "Zurück" = back) needs a context on the public site.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation

from fahndung.appeals.choices import DANGER_NOTICE, WITNESS_NOTICE, Kind

pytestmark = pytest.mark.django_db

# Staff translations of the same German words; none of them may show on the public pages.
STAFF_WORDING = ("Tip hotline", "Facts", ">Tips<", ">Back<")


def _get(client, path: str, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """Visible text, tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_english_appeal_page_uses_public_wording(client, published):
    html = _get(client, f"/fahndung/{published.slug}/", lang="en")
    assert '<h2 id="facts-title">What happened</h2>' in html
    assert '<h2 id="contact-title">Information</h2>' in html
    assert '<p>Hotline: <a class="hotline"' in html
    for staff in STAFF_WORDING:
        assert staff not in html
    text = _text(html)
    for german in ("Sachverhalt", "Hinweistelefon", "Hinweise "):
        assert german not in text


def test_german_appeal_page_keeps_german_wording(client, published):
    html = _get(client, f"/fahndung/{published.slug}/")
    assert '<h2 id="facts-title">Sachverhalt</h2>' in html
    assert '<h2 id="contact-title">Hinweise</h2>' in html
    assert '<p>Hinweistelefon: <a class="hotline"' in html


def test_english_notices_are_translated(client, make_published):
    dangerous = make_published(is_dangerous=True)
    witness = make_published(kind=Kind.WITNESS)
    danger_html = _get(client, f"/fahndung/{dangerous.slug}/", lang="en")
    witness_html = _get(client, f"/fahndung/{witness.slug}/", lang="en")
    assert "the person sought may be armed or dangerous" in danger_html
    assert DANGER_NOTICE not in danger_html
    assert "sought as a witness" in witness_html
    assert WITNESS_NOTICE not in witness_html


def _three_pages(make_published, monkeypatch) -> None:
    from fahndung.public import conf

    monkeypatch.setattr(conf, "PUBLIC_PAGE_SIZE", 1)
    for _ in range(3):
        make_published()


def test_english_list_pagination_says_previous_and_next(client, make_published, monkeypatch):
    _three_pages(make_published, monkeypatch)
    html = _get(client, "/fahndung/", lang="en", page=2)
    assert re.search(r'<a rel="prev" href="[^"]*">Previous</a>', html)
    assert re.search(r'<a rel="next" href="[^"]*">Next</a>', html)
    assert "Current public appeals" in html
    for staff in STAFF_WORDING:
        assert staff not in html
    text = _text(html)
    for german in ("Zurück", "Weiter", "Aktuelle"):
        assert german not in text


def test_german_list_pagination_keeps_german(client, make_published, monkeypatch):
    _three_pages(make_published, monkeypatch)
    html = _get(client, "/fahndung/", page=2)
    assert re.search(r'<a rel="prev" href="[^"]*">Zurück</a>', html)
    assert re.search(r'<a rel="next" href="[^"]*">Weiter</a>', html)


def test_feed_title_is_translated(client, published):
    org = settings.FAHNDUNG_ORG_NAME
    english = client.get("/fahndung/feed.rss", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = client.get("/fahndung/feed.rss", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f"<title>Current public appeals – {org}</title>" in english
    assert f"<title>Aktuelle Öffentlichkeitsfahndungen – {org}</title>" in german


def test_staff_keeps_its_own_translation_of_the_same_words():
    with translation.override("en"):
        assert translation.gettext("Hinweistelefon") == "Tip hotline"
        assert translation.gettext("Zurück") == "Back"
        assert translation.pgettext("public appeal section", "Hinweistelefon") == "Hotline"
        assert translation.pgettext("pagination", "Zurück") == "Previous"
