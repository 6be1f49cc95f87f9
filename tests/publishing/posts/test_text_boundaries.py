"""Generated post texts read well: whole words and whole sentences, mandatory parts kept.

Found in use: short posts were cut mid-sentence ("… in Stuttgart-Mitte am …") and
missing-person posts carried no description. One test per kind and platform.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from fahndung.appeals.choices import (
    DANGER_NOTICE,
    HEADLINES,
    WITNESS_NOTICE,
    Kind,
    LegalBasis,
    PersonRole,
)
from fahndung.appeals.links import appeal_public_url
from fahndung.appeals.models import Person
from fahndung.publishing.posts import build, counting, templates
from tests.factories import AppealFactory

BASIS = {
    Kind.SUSPECT_KNOWN: LegalBasis.STPO_131_3, Kind.SUSPECT_UNKNOWN: LegalBasis.STPO_131B_1,
    Kind.CONVICT: LegalBasis.STPO_457_3, Kind.WITNESS: LegalBasis.STPO_131B_2,
    Kind.MISSING: LegalBasis.POLICE_LAW, Kind.UNKNOWN_DEAD: LegalBasis.POLICE_LAW,
}
OFFENCE = "Schwerer Raub mit erheblicher Beute in einer Apotheke und anschließender Flucht über die Königstraße"
PLATFORMS = [p for p in build.TEXT_PLATFORMS if p != "press"]


def _appeal(kind, *, dangerous=False, **fields):
    appeal = AppealFactory(
        kind=kind, legal_basis=BASIS[kind], is_dangerous=dangerous, offence=OFFENCE,
        district="Stuttgart-Bad Cannstatt", occurred_from=datetime(2026, 11, 20, 22, 15, tzinfo=ZoneInfo("Europe/Berlin")),
        with_person=False, **fields,
    )
    role = {Kind.WITNESS: PersonRole.WITNESS, Kind.MISSING: PersonRole.MISSING, Kind.UNKNOWN_DEAD: PersonRole.DECEASED,
            Kind.CONVICT: PersonRole.CONVICT}.get(kind, PersonRole.SUSPECT)
    Person.objects.create(
        appeal=appeal, role=role, sex="female", age_min=14, age_max=14, height_min_cm=160, height_max_cm=165,
        build="schlank", hair="lang, blond", clothing="rote Regenjacke, Jeans, weiße Turnschuhe",
        name="Lea Beispiel", health_notes="Diabetes", published_fields=[*Person.default_published_fields(), "health_notes"],
    )
    return appeal


def _vocabulary(appeal) -> set[str]:
    """Every word the generator may use, as whole tokens."""
    sources = [DANGER_NOTICE, WITNESS_NOTICE, templates.FOOTER, templates.FOOTER_SHORT, templates.SEEN_NOW,
               *HEADLINES.values(), *(t for kind in templates.TEMPLATES.values() for t in kind.values()),
               "in aus aufgefunden", OFFENCE, appeal.district, appeal.hotline, "am 20.11.2026", " ".join(build.hashtags(appeal)),
               "Beschreibung: weiblich, 14 Jahre, 160–165 cm, schlank; Haare: lang, blond; "
               "Bekleidung: rote Regenjacke, Jeans, weiße Turnschuhe."]
    return {w.strip(".,:;!?()„“") for text in sources for w in text.replace("{", " {").replace("}", "} ").split()}


def _assert_reads_well(appeal, platform: str, text: str) -> None:
    limit = counting.limit_for(platform)
    assert counting.count(platform, text) <= limit, (platform, counting.count(platform, text), text)
    assert build.variant_problems(appeal, platform, text) == [], text
    assert "…" not in text and "..." not in text
    url = appeal_public_url(appeal)
    vocabulary = _vocabulary(appeal)
    for word in text.replace(url, " ").split():
        assert word.strip(".,:;!?()„“") in vocabulary, f"{word!r} is not a whole word of any source: {text}"
    paragraphs = text.split("\n\n")
    summary = next(p for p in paragraphs if p.startswith(HEADLINES[appeal.kind]))  # the kind
    for paragraph in paragraphs:
        if url in paragraph or paragraph.startswith("#"):
            continue
        assert re.search(r"[.!?]$", paragraph), f"not a whole sentence: {paragraph!r}"
    if appeal.kind not in (Kind.MISSING, Kind.UNKNOWN_DEAD):
        assert "Schwerer Raub" in summary  # what happened, in one line
    assert url in paragraphs[-1] or url in paragraphs[-2]  # the footer with the link
    assert "Hinweise bitte nicht in die Kommentare" in text
    assert "Beispiel" not in text and "Diabetes" not in text  # R7: never name or health


@pytest.mark.django_db
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("kind", list(BASIS))
def test_text_per_kind_and_platform_ends_at_word_and_sentence(kind, platform, investigator, unit_a, settings):
    settings.FAHNDUNG_HASHTAGS = ["#Stuttgart", "#Polizei", "#Zeugenaufruf"]
    settings.PUBLIC_BASE_URL = "https://fahndung.polizei-bw.example"
    appeal = _appeal(kind, owner=investigator, unit=unit_a)
    text = build.generate(appeal, platform)
    _assert_reads_well(appeal, platform, text)
    if kind == Kind.WITNESS:
        assert WITNESS_NOTICE in text
        # a witness appeal asks for observations, not for "110 on sight" (as page and poster)
        assert "jetzt sehen" not in text
    if kind == Kind.MISSING:
        assert "Beschreibung: weiblich, 14 Jahre" in text  # the short description
        if platform not in build.SHORT_PLATFORMS:
            assert "Bekleidung: rote Regenjacke, Jeans, weiße Turnschuhe." in text


@pytest.mark.django_db
@pytest.mark.parametrize("platform", build.SHORT_PLATFORMS)
@pytest.mark.parametrize("kind", [Kind.SUSPECT_KNOWN, Kind.SUSPECT_UNKNOWN, Kind.CONVICT, Kind.MISSING])
def test_dangerous_short_posts_keep_warning_and_what_happened(kind, platform, investigator, unit_a, settings):
    settings.PUBLIC_BASE_URL = "https://fahndung.polizei-bw.example"
    appeal = _appeal(kind, dangerous=True, owner=investigator, unit=unit_a)
    text = build.generate(appeal, platform)
    assert text.startswith(DANGER_NOTICE)
    _assert_reads_well(appeal, platform, text)


@pytest.mark.django_db
def test_short_post_the_bug_report_case(investigator, unit_a):
    """'… in Stuttgart-Mitte am …': a witness appeal on X with place and date."""
    appeal = _appeal(Kind.WITNESS, owner=investigator, unit=unit_a)
    appeal.district = "Stuttgart-Mitte"
    text = build.generate(appeal, "x")
    assert not re.search(r"\bam\s*(…|$|\n)", text)
    _assert_reads_well(appeal, "x", text)


@pytest.mark.django_db
def test_rule_lines_that_leave_no_room_drop_the_sentence_whole(investigator, unit_a, settings):
    """Danger warning + witness line + footer leave X no room for any sentence (272 of 280):
    the sentence is left out whole, never cut, and the post stays publishable."""
    settings.PUBLIC_BASE_URL = "https://fahndung.polizei-bw.example"
    appeal = _appeal(Kind.WITNESS, dangerous=True, owner=investigator, unit=unit_a)
    text = build.generate(appeal, "x")
    assert text.startswith(DANGER_NOTICE) and WITNESS_NOTICE in text and "Schwerer" not in text
    assert "…" not in text and appeal_public_url(appeal) in text
    assert build.variant_problems(appeal, "x", text) == []
    assert "ZEUGEN GESUCHT – Schwerer Raub" in build.generate(appeal, "mastodon")


def test_word_prefixes_end_on_a_noun():
    assert build.words_prefixes("Schwerer Raub mit erheblicher Beute in einer Apotheke") == [
        "Schwerer Raub mit erheblicher Beute", "Schwerer Raub"]
    assert build.words_prefixes("Raub mit Todesfolge") == ["Raub"]
    assert build.words_prefixes("Diebstahl") == []
