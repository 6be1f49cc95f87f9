"""The public appeal page: only publishable content, fixed notices, status rules."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from fahndung.appeals.choices import DANGER_NOTICE, WITNESS_NOTICE, Kind, LegalBasis, Status
from fahndung.appeals.models import Person

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")

# One distinctive value per publishable field: (model attributes, text that must show).
FIELD_VALUES: dict[str, tuple[dict, str]] = {
    "name": ({"name": "Xaverius Quellbrunn"}, "Xaverius Quellbrunn"),
    "alias": ({"alias": "Kobaltfalke"}, "Kobaltfalke"),
    "date_of_birth": ({"date_of_birth": date(1983, 7, 14)}, "14.07.1983"),
    "sex": ({"sex": "diverse"}, "divers"),
    "age": ({"age_min": 61, "age_max": 63}, "61–63 Jahre"),
    "height": ({"height_min_cm": 201, "height_max_cm": 203}, "201–203 cm"),
    "build": ({"build": "untersetzt-markant"}, "untersetzt-markant"),
    "hair": ({"hair": "silbergrau-lockig"}, "silbergrau-lockig"),
    "eyes": ({"eyes": "bernsteinfarben"}, "bernsteinfarben"),
    "appearance": ({"appearance": "gepflegt-auffällig"}, "gepflegt-auffällig"),
    "beard_glasses": ({"beard_glasses": "Hornbrille-Vollbart"}, "Hornbrille-Vollbart"),
    "distinguishing_marks": ({"distinguishing_marks": "Anker-Tätowierung Unterarm"}, "Anker-Tätowierung Unterarm"),
    "languages": ({"languages": "schwäbischer Dialekt"}, "schwäbischer Dialekt"),
    "clothing": ({"clothing": "karierter Trenchcoat"}, "karierter Trenchcoat"),
    "items_carried": ({"items_carried": "Geigenkasten"}, "Geigenkasten"),
    "vehicle": ({"vehicle": "grüner Kastenwagen"}, "grüner Kastenwagen"),
    "last_seen": (
        {"last_seen_place": "Feuerseeplatz", "last_seen_at": datetime(2026, 3, 1, 21, 30, tzinfo=BERLIN)},
        "Feuerseeplatz, 01.03.2026, 21:30 Uhr",
    ),
    "nationality": ({"nationality": "fiktivländisch", "nationality_justification": "Medienanfrage mit berechtigtem öffentlichem Interesse"}, "fiktivländisch"),
    "health_notes": ({"health_notes": "insulinpflichtig",
                      "special_category_justification": "Lebensgefahr ohne Medikament, Finder sollen 110 rufen"},
                     "insulinpflichtig"),
    "address": ({"address": "Musterweg 99"}, "Musterweg 99"),
}


def test_every_publishable_field_has_a_probe():
    assert set(FIELD_VALUES) == set(Person.PUBLISHABLE_FIELDS)


def _person_with_all_values(appeal, flagged: list[str]) -> Person:
    person = appeal.persons.get()
    for attrs, _text in FIELD_VALUES.values():
        for attr, value in attrs.items():
            setattr(person, attr, value)
    person.published_fields = flagged
    person.save()
    return person


def _page(client, appeal, **params) -> str:
    response = client.get(f"/fahndung/{appeal.slug}/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("field", list(Person.PUBLISHABLE_FIELDS))
def test_flagged_field_is_shown_and_only_it(client, make_published, field):
    appeal = make_published(order={"name_allowed": True})
    _person_with_all_values(appeal, [field])
    html = _page(client, appeal)
    assert FIELD_VALUES[field][1] in html
    assert f'data-field="{field}"' in html
    for other, (_attrs, text) in FIELD_VALUES.items():
        if other != field:
            assert text not in html, f"{other} leaked while only {field} is flagged"
            assert f'data-field="{other}"' not in html


@pytest.mark.parametrize("field", list(Person.PUBLISHABLE_FIELDS))
def test_unflagged_field_is_absent(client, make_published, field):
    appeal = make_published(order={"name_allowed": True})
    _person_with_all_values(appeal, [f for f in Person.PUBLISHABLE_FIELDS if f != field])
    html = _page(client, appeal)
    assert FIELD_VALUES[field][1] not in html
    assert f'data-field="{field}"' not in html


def test_name_needs_the_order_to_allow_it(client, make_published):
    appeal = make_published(order={"name_allowed": False})
    _person_with_all_values(appeal, ["name", "hair"])
    html = _page(client, appeal)
    assert "Xaverius Quellbrunn" not in html
    assert "silbergrau-lockig" in html


def test_nationality_needs_a_justification(client, make_published):
    appeal = make_published()
    person = _person_with_all_values(appeal, ["nationality"])
    person.nationality_justification = ""
    person.save()
    assert "fiktivländisch" not in _page(client, appeal)


def test_withheld_facts_and_internal_title_are_never_shown(client, make_published):
    appeal = make_published(withheld_facts="Täterwissen: rote Tasche zurückgelassen", title="Intern: Verdacht Müller")
    html = _page(client, appeal)
    assert "rote Tasche" not in html
    assert "Verdacht Müller" not in html
    assert appeal.public_facts in html


def test_danger_warning_is_on_top(client, make_published):
    appeal = make_published(is_dangerous=True)
    html = _page(client, appeal)
    assert DANGER_NOTICE in html
    assert html.index(DANGER_NOTICE) < html.index("<h1")


def test_no_danger_warning_without_flag(client, published):
    assert DANGER_NOTICE not in _page(client, published)


def test_witness_line_for_witness_appeals_only(client, make_published, published):
    witness = make_published(kind=Kind.WITNESS, legal_basis=LegalBasis.STPO_131B_2)
    html = _page(client, witness)
    assert WITNESS_NOTICE in html
    assert "ZEUGEN GESUCHT" in html
    assert WITNESS_NOTICE not in _page(client, published)


@pytest.mark.parametrize(
    ("kind", "headline"),
    [(Kind.SUSPECT_UNKNOWN, "FAHNDUNG"), (Kind.MISSING, "VERMISST"), (Kind.UNKNOWN_DEAD, "UNBEKANNTE TOTE")],
)
def test_headline_by_kind(client, make_published, kind, headline):
    appeal = make_published(kind=kind, legal_basis=LegalBasis.POLICE_LAW if kind != Kind.SUSPECT_UNKNOWN else LegalBasis.STPO_131B_1)
    html = _page(client, appeal)
    assert re.search(rf'<p class="kicker">{headline}</p>', html)


def test_reward_only_with_reference(client, make_published, published):
    with_reward = make_published(reward_amount=5000, reward_reference="StA Stuttgart 1 Js 1/26", reward_authority="Staatsanwaltschaft Stuttgart")
    html = _page(client, with_reward)
    assert "Belohnung" in html and "5.000 Euro" in html and "Staatsanwaltschaft Stuttgart" in html
    assert "Belohnung" not in _page(client, published)


def test_contact_block(client, published):
    html = _page(client, published)
    assert "sofort 110" in html
    assert published.hotline in html
    assert "Hinweise bitte nicht in die Kommentare" in html


def test_photos_come_from_the_rendition_contract(client, published, fake_renditions):
    html = _page(client, published)
    assert 'src="/media/renditions/abc/website.jpg"' in html
    assert 'alt="Bild aus Überwachungskamera"' in html
    assert fake_renditions.calls == [{"appeal": published.pk, "rendition": "website"}]
    assert "<details" not in html


def test_unknown_dead_images_are_click_to_reveal(client, make_published, fake_renditions):
    appeal = make_published(kind=Kind.UNKNOWN_DEAD, legal_basis=LegalBasis.POLICE_LAW)
    html = _page(client, appeal)
    details = html[html.index("<details"):html.index("</details>")]
    assert "website.jpg" in details
    assert "<summary>" in details


def test_page_without_imaging_contract_has_no_photos(client, published, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "fahndung.imaging.selectors", None)  # import → ImportError
    html = _page(client, published)
    assert "<img" not in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED])
def test_unpublished_appeals_are_404(client, make_published, status):
    appeal = make_published(status=status, published_at=None)
    assert client.get(f"/fahndung/{appeal.slug}/").status_code == 404


def test_unknown_slug_is_404(client, db):
    assert client.get("/fahndung/doesnotexist/").status_code == 404


def test_og_image_is_the_neutral_graphic(client, published, fake_renditions):
    html = _page(client, published)
    og = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    tw = re.search(r'<meta name="twitter:image" content="([^"]+)"', html).group(1)
    assert og == tw == f"{settings.PUBLIC_BASE_URL}/static/public/og-neutral.png"
    assert "renditions" not in og
    from django.contrib.staticfiles import finders

    assert finders.find("public/og-neutral.png")


def test_accessibility_basics(client, published):
    html = _page(client, published)
    assert '<html lang="de">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1
    assert 'name="viewport"' in html


def test_english_switch(client, published):
    html = _page(client, published, lang="en")
    assert '<html lang="en">' in html
    assert "If you see the wanted person now" in html
    assert "WANTED" in html
    assert 'data-field="sex">male<' in html
    assert "25–30 years" in html


def test_tip_form_is_included_when_the_tips_template_exists(client, published, settings, tmp_path):
    (tmp_path / "tips").mkdir()
    (tmp_path / "tips" / "public_form.html").write_text('<form id="tip-form" data-appeal="{{ appeal.slug }}"></form>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    html = _page(client, published)
    assert f'<form id="tip-form" data-appeal="{published.slug}"></form>' in html
    assert "fahndung:tip-form" not in html


def test_page_renders_without_tips_template(client, published, monkeypatch):
    from fahndung.public import selectors

    monkeypatch.setattr(selectors, "TIP_FORM_TEMPLATE", "tips/not_there_yet.html")
    assert selectors.tip_form_template() is None
    html = _page(client, published)
    assert "fahndung:tip-form" not in html
    assert "<form method=\"post\"" not in html
    assert "sofort 110" in html


def test_list_shows_only_published_and_filters_by_kind(client, make_published):
    suspect = make_published()
    missing = make_published(kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW, place="Stuttgart-Vaihingen")
    draft = make_published(status=Status.DRAFT, published_at=None, place="Geheimort Entwurf")
    closed = make_published(status=Status.CLOSED, close_reason="arrested", place="Geschlossenort")
    html = client.get("/fahndung/").content.decode()
    assert suspect.slug in html and missing.slug in html
    assert draft.slug not in html and closed.slug not in html
    filtered = client.get("/fahndung/", {"kind": "missing"}).content.decode()
    assert missing.slug in filtered and suspect.slug not in filtered


def test_list_is_paginated(client, make_published, settings):
    from fahndung.public import conf

    appeals = [make_published() for _ in range(conf.PUBLIC_PAGE_SIZE + 1)]
    first = client.get("/fahndung/").content.decode()
    second = client.get("/fahndung/", {"page": 2}).content.decode()
    on_first = sum(a.slug in first for a in appeals)
    on_second = sum(a.slug in second for a in appeals)
    assert (on_first, on_second) == (conf.PUBLIC_PAGE_SIZE, 1)
    assert 'rel="next"' in first


def test_list_tolerates_bad_parameters(client, published):
    for params in ({"page": "abc"}, {"page": "-5"}, {"page": "999999999"}, {"kind": "<script>"}, {"lang": "xx"}):
        response = client.get("/fahndung/", params)
        assert response.status_code == 200, params
        assert "<script>" not in response.content.decode()
