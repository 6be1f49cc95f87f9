"""Generated platform texts: fixed elements, limits, link-only, no names (R5, R7, R10, R16, R20)."""

from __future__ import annotations

import pytest

from fahndung.appeals.choices import DANGER_NOTICE, WITNESS_NOTICE, Kind, LegalBasis, PersonRole
from fahndung.appeals.links import appeal_public_url
from fahndung.appeals.models import Person
from fahndung.publishing.posts import build, counting
from tests.factories import AppealFactory

KINDS = [
    (Kind.SUSPECT_KNOWN, LegalBasis.STPO_131_3),
    (Kind.SUSPECT_UNKNOWN, LegalBasis.STPO_131B_1),
    (Kind.CONVICT, LegalBasis.STPO_457_3),
    (Kind.WITNESS, LegalBasis.STPO_131B_2),
    (Kind.MISSING, LegalBasis.POLICE_LAW),
    (Kind.UNKNOWN_DEAD, LegalBasis.POLICE_LAW),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "basis"), KINDS)
@pytest.mark.parametrize("dangerous", [False, True])
def test_every_kind_fits_every_platform_with_fixed_elements(kind, basis, dangerous, investigator, unit_a, settings):
    settings.FAHNDUNG_HASHTAGS = ["#Stuttgart", "#Polizei"]
    appeal = AppealFactory(
        kind=kind, legal_basis=basis, owner=investigator, unit=unit_a, is_dangerous=dangerous,
        offence="Schwerer Raub mit erheblicher Beute in einer Apotheke und anschließender Flucht",
        district="Stuttgart-Bad Cannstatt",
    )
    for platform in build.TEXT_PLATFORMS:
        text = build.generate(appeal, platform)
        problems = build.variant_problems(appeal, platform, text)
        assert problems == [], (platform, problems, text)
        assert appeal_public_url(appeal) in text
        assert "Hinweise bitte nicht in die Kommentare" in text
        if dangerous and platform != "press":
            assert text.startswith(DANGER_NOTICE)  # R16: on top
        if kind == Kind.WITNESS:
            assert WITNESS_NOTICE in text
            rest = text.replace(WITNESS_NOTICE, "").lower()  # the notice itself says "nicht tatverdächtig"
            assert "täter" not in rest and "tatverdächtig" not in rest
        if kind == Kind.MISSING:
            assert "#Vermisst" in text or platform in ("x", "bluesky", "press")
            assert "suizid" not in text.lower()  # R20


@pytest.mark.django_db
def test_short_posts_drop_hashtags_then_shorten_summary(investigator, unit_a, settings):
    settings.FAHNDUNG_HASHTAGS = ["#Stuttgart"]
    appeal = AppealFactory(owner=investigator, unit=unit_a, is_dangerous=True, offence="Raub " * 40,
                           kind=Kind.SUSPECT_UNKNOWN, legal_basis=LegalBasis.STPO_131B_1)
    text = build.generate(appeal, "x")
    assert counting.x_weighted_length(text) <= 280
    assert DANGER_NOTICE in text and appeal_public_url(appeal) in text
    # Shortened at a word and sentence boundary, never with "…" (see test_text_boundaries).
    assert "…" not in text and "FAHNDUNG – Raub Raub" in text and "Person?" in text


@pytest.mark.django_db
def test_posts_never_contain_names(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, with_person=False)
    Person.objects.create(appeal=appeal, role=PersonRole.SUSPECT, name="Max Mustermann",
                          published_fields=["name", "sex"])
    for platform in ("x", "facebook", "instagram"):
        assert "Mustermann" not in build.generate(appeal, platform)
        problems = build.variant_problems(appeal, platform, build.generate(appeal, platform) + " Max Mustermann")
        assert any("Namen" in p for p in problems)


@pytest.mark.django_db
def test_hashtags_and_url(investigator, unit_a, settings):
    settings.FAHNDUNG_HASHTAGS = ["Stuttgart", "#Fahndung"]
    settings.PUBLIC_BASE_URL = "https://polizei.example"
    appeal = AppealFactory(owner=investigator, unit=unit_a)
    assert build.hashtags(appeal) == ["#Fahndung", "#Stuttgart"]
    assert appeal_public_url(appeal) == f"https://polizei.example/fahndung/{appeal.slug}/"
    missing = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW)
    assert build.hashtags(missing)[0] == "#Vermisst"


@pytest.mark.django_db
def test_reward_only_with_authorisation_reference(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, reward_amount=5000, reward_reference="StA 1 Js 1/26",
                           reward_authority="Staatsanwaltschaft Stuttgart")
    assert "bis zu 5.000 Euro" in build.generate(appeal, "facebook")
    appeal.reward_reference = ""
    assert "Belohnung" not in build.generate(appeal, "facebook")


@pytest.mark.django_db
def test_missing_fixed_element_blocks_variant(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.WITNESS, legal_basis=LegalBasis.STPO_131B_2)
    text = build.generate(appeal, "x").replace(WITNESS_NOTICE, "")
    assert any("Pflichtbestandteil" in p for p in build.variant_problems(appeal, "x", text))
    text = build.generate(appeal, "facebook") + " Der Täter floh."
    assert any("R5" in p for p in build.variant_problems(appeal, "facebook", text))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("attrs", "blocked"),
    [
        ({}, False),
        ({"kind": Kind.WITNESS, "legal_basis": LegalBasis.STPO_131B_2}, True),
        ({"kind": Kind.UNKNOWN_DEAD, "legal_basis": LegalBasis.POLICE_LAW}, True),
        ({"is_minor": True}, True),
        ({"is_victim": True}, True),
        ({"kind": Kind.MISSING, "legal_basis": LegalBasis.POLICE_LAW, "risk_category": "minor"}, True),
    ],
)
def test_media_block_rules(attrs, blocked, investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, **attrs)
    assert bool(build.media_block_reason(appeal)) is blocked
    appeal.allow_platform_media = True
    appeal.platform_media_reason = "Dringender Fall, Bild notwendig"
    assert build.media_allowed(appeal) is (not blocked)
    appeal.platform_media_reason = ""
    assert build.media_allowed(appeal) is False  # never without a recorded reason


@pytest.mark.django_db
def test_link_only_by_default(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a)
    assert build.media_allowed(appeal) is False
    assert len(build.image_alt_text(appeal, "x" * 1000)) <= 420
