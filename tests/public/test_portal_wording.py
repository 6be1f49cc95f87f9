"""Issue 14 (public portal): kind-appropriate call to action, the place shown once,
meaningful headings from published fields only – on page, card, feeds and poster."""

from __future__ import annotations

import json
import re

import pypdfium2 as pdfium
import pytest

from fahndung.appeals.choices import Kind, LegalBasis
from fahndung.posters.render import render_poster
from fahndung.posters.services import poster_data_for_appeal

pytestmark = pytest.mark.django_db

SEEN_NOW = "Person jetzt sehen"


def _page(client, appeal) -> str:
    response = client.get(f"/fahndung/{appeal.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def _poster_text(appeal) -> str:
    pdf = render_poster(poster_data_for_appeal(appeal=appeal))
    return " ".join(pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range().split())


def _h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def test_witness_page_and_poster_do_not_ask_to_report_a_person_on_sight(client, make_published):
    witness = make_published(kind=Kind.WITNESS, legal_basis=LegalBasis.STPO_131B_2)
    html = _page(client, witness)
    assert SEEN_NOW not in html
    assert "Haben Sie etwas beobachtet?" in html
    poster = _poster_text(witness)
    assert SEEN_NOW not in poster
    assert "Haben Sie etwas beobachtet?" in poster


def test_missing_and_suspect_keep_a_suitable_110_line(client, make_published):
    missing = make_published(kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW)
    assert "Wenn Sie die vermisste Person jetzt sehen: bitte sofort 110 wählen." in _page(client, missing)
    assert "vermisste Person jetzt sehen" in _poster_text(missing)
    suspect = make_published()
    assert "Wenn Sie die gesuchte Person jetzt sehen: sofort 110 wählen." in _page(client, suspect)
    assert "gesuchte Person jetzt sehen" in _poster_text(suspect)


def test_unknown_dead_asks_for_identity_not_for_110_on_sight(client, make_published):
    dead = make_published(kind=Kind.UNKNOWN_DEAD, legal_basis=LegalBasis.POLICE_LAW)
    html = _page(client, dead)
    assert SEEN_NOW not in html
    assert "Angaben zur Identität" in html


def test_place_is_shown_once_with_its_district(client, make_published):
    appeal = make_published(place="Stuttgart-Mitte, Schlossplatz", district="Stuttgart-Mitte")
    html = _page(client, appeal)
    assert html.count("Stuttgart-Mitte") == html.count("Stuttgart-Mitte, Schlossplatz")
    assert "Schlossplatz, Stuttgart-Mitte" not in html
    listing = client.get("/fahndung/").content.decode()
    assert "Stuttgart-Mitte, Schlossplatz" in listing and "Schlossplatz, Stuttgart-Mitte" not in listing
    rss = client.get("/fahndung/feed.rss").content.decode()
    assert "Stuttgart-Mitte, Schlossplatz" in rss and "Schlossplatz, Stuttgart-Mitte" not in rss
    item = json.loads(client.get("/api/v1/public/appeals/").content)["results"][0]
    assert item["place"] == "Stuttgart-Mitte, Schlossplatz"
    assert "Schlossplatz, Stuttgart-Mitte" not in json.dumps(item, ensure_ascii=False)
    poster = _poster_text(appeal)
    assert "Schlossplatz, Stuttgart-Mitte" not in poster


def test_district_is_added_when_the_place_does_not_name_it(client, make_published):
    appeal = make_published(place="Schlossplatz", district="Stuttgart-Mitte")
    assert "Schlossplatz, Stuttgart-Mitte" in _page(client, appeal)


def test_heading_is_a_question_built_from_published_fields(client, make_published):
    appeal = make_published(kind=Kind.SUSPECT_UNKNOWN, legal_basis=LegalBasis.STPO_131B_1,
                            offence="Raub", place="Schlossplatz", district="")
    html = _page(client, appeal)
    assert _h1(html) == "Wer kennt diesen Mann? – Raub – Schlossplatz"
    assert "FAHNDUNG" in html  # the kind stays as the kicker
    assert "Wer kennt diesen Mann?" in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Wer kennt diesen Mann?" in client.get("/fahndung/").content.decode()
    assert "Wer kennt diesen Mann?" in _poster_text(appeal)


def test_heading_does_not_reveal_an_unpublished_sex(client, make_published):
    appeal = make_published(kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW, place="Schlossplatz")
    person = appeal.persons.get()
    person.sex = "female"
    person.published_fields = [f for f in person.published_fields if f != "sex"]
    person.save()
    html = _page(client, appeal)
    assert _h1(html).startswith("Wer hat diese Person gesehen?")
    assert "Frau" not in html
    person.published_fields = [*person.published_fields, "sex"]
    person.save()
    appeal.save()  # new updated_at: new page version
    assert _h1(_page(client, appeal)).startswith("Wer hat diese Frau gesehen?")


def test_witness_heading_and_known_suspect_heading(client, make_published):
    witness = make_published(kind=Kind.WITNESS, legal_basis=LegalBasis.STPO_131B_2, place="Schlossplatz")
    assert _h1(_page(client, witness)).startswith("Wer hat etwas beobachtet?")
    known = make_published(place="Schlossplatz")
    assert _h1(_page(client, known)).startswith("Wer weiß, wo sich dieser Mann aufhält?")


def test_heading_goes_through_the_output_gate(make_published):
    from fahndung.public import presenters

    appeal = make_published(kind=Kind.SUSPECT_UNKNOWN, legal_basis=LegalBasis.STPO_131B_1)
    texts = presenters.public_texts(appeal)
    assert any(t.startswith("Wer kennt diesen Mann?") for t in texts["page"])
    assert any("Wer kennt diesen Mann?" in t for t in texts["card"])
