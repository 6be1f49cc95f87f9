"""Every content rule against every output channel, for texts written by the generator
(from the fields – whoever filled them) and by a press officer (edited platform texts).

A channel passes a rule when the violating text does not reach it: the output is refused
(404 / left out of list and feeds / publication refused / poster refused / neutral e-mail)
or is produced without it. A control row per channel shows that the harness really sees
the channel's text (so a leak would be caught). Channels: page body, <title>/og:title/
og:description, list card, JSON (list + detail), RSS (titles too), each platform text,
poster text extracted from the PDF, withdrawal e-mail.
"""

from __future__ import annotations

import html as html_lib
import re

import pypdfium2 as pdfium
import pytest

from fahndung.appeals.choices import (
    DANGER_NOTICE,
    DANGER_NOTICE_SHORT,
    CloseReason,
    Kind,
    LegalBasis,
    Status,
)
from fahndung.appeals.models import Person
from fahndung.appeals.textnorm import normalise
from fahndung.core.errors import ValidationFailed
from fahndung.lifecycle.models import DistributionRecipient
from fahndung.lifecycle.services.notices import notices_create_for_appeal
from fahndung.posters.services import poster_render
from fahndung.publishing import services as publishing
from fahndung.publishing.models import PostVariant, Publication
from fahndung.publishing.posts.build import TEXT_PLATFORMS
from tests.factories import AppealFactory, LegalOrderFactory

pytestmark = pytest.mark.django_db

# rule -> (appeal fields, person fields, text that carries the violation, probe that must not leak)
RULES: dict[str, tuple[dict, dict, str, str]] = {
    "R5 witness wording": ({"kind": Kind.WITNESS, "legal_basis": LegalBasis.STPO_131B_2}, {},
                           "wo der Tat\u00adverdaechtige wohnt", "tatverdaechtige"),
    "R6 withheld facts": ({"withheld_facts": "Zurückgelassen: goldene Taschenuhr mit Gravur."}, {},
                          "Fundort goldene Taschenuhr", "taschenuhr"),
    "R6 address": ({}, {"address": "Musterweg 99"}, "vor Musterweg 99", "musterweg"),
    "R20 nationality": ({}, {"nationality": "rumänisch"}, "rumänische Gemeinde", "rumaenisch"),
    "R20 suicide": ({}, {}, "Suizid\u200bbrücke", "suizid"),
    "BDSG 46 special categories": ({}, {}, "bei der psychiatrischen Klinik", "psychiatr"),
    "R17 reward": ({}, {}, "Belohnung 5000 Euro", "belohnung"),
    "R7/R4 names": ({}, {"name": "Bernd Verdachtmann", "alias": "Kobaltfalke"}, "bei Verdacht\u00admann",
                    "verdachtmann"),
}
PUBLIC_CHANNELS = ["page", "title_og", "card", "json", "rss", "poster", "email"]
POST_CHANNELS = list(TEXT_PLATFORMS)


def _appeal(investigator, unit_a, rule: str | None, *, status: str, district: str | None = None, **extra):
    fields, person_fields, carrier, _probe = RULES[rule] if rule else ({}, {}, "", "")
    appeal = AppealFactory(owner=investigator, unit=unit_a, status=status, district=district or carrier or "Mitte",
                           **{**fields, **extra})
    LegalOrderFactory(appeal=appeal)
    if person_fields:
        Person.objects.filter(appeal=appeal).update(**person_fields)
    if status in (Status.PUBLISHED, Status.CLOSED):
        from fahndung.core import clock

        appeal.published_at = clock.now()
        appeal.save()
    return appeal


def _text_of_html(markup: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))


def _head(markup: str) -> str:
    title = re.search(r"<title>(.*?)</title>", markup, re.S)
    metas = re.findall(r'<meta (?:property|name)="(?:og:title|og:description|description|twitter:title|'
                       r'twitter:description)" content="([^"]*)"', markup)
    return html_lib.unescape(" ".join([title.group(1) if title else "", *metas]))


def channel_output(channel: str, appeal, client, press) -> str | None:
    """The final text the channel sends out for this appeal; None when it sends nothing."""
    slug = appeal.slug
    if channel in ("page", "title_og"):
        r = client.get(f"/fahndung/{slug}/")
        if r.status_code != 200:
            return None
        markup = r.content.decode()
        return _text_of_html(markup.split("<body", 1)[1]) if channel == "page" else _head(markup)
    if channel == "card":
        markup = client.get("/fahndung/").content.decode()
        cards = [c for c in markup.split('<li class="card')[1:] if f"/fahndung/{slug}/" in c]
        return _text_of_html(cards[0].split("</li>")[0]) if cards else None
    if channel == "json":
        items = [i for i in client.get("/api/v1/public/appeals/").json()["results"] if i["slug"] == slug]
        detail = client.get(f"/api/v1/public/appeals/{slug}/")
        assert bool(items) == (detail.status_code == 200)
        return str(items[0]) + str(detail.json()) if items else None
    if channel == "rss":
        feed = client.get("/fahndung/feed.rss").content.decode()
        items = [i for i in feed.split("<item>")[1:] if slug in i]
        return html_lib.unescape(items[0]) if items else None
    if channel == "poster":
        try:
            pdf, _name = poster_render(actor=press, appeal_id=appeal.pk)
        except ValidationFailed:
            return None
        page = pdfium.PdfDocument(pdf)[0]
        return page.get_textpage().get_text_range()
    if channel == "email":
        DistributionRecipient.objects.create(appeal=appeal, kind="media", name="Zeitung", email="r@zeitung.example",
                                             created_by=press, created_at=appeal.created_at)
        notices = notices_create_for_appeal(appeal=appeal, reason=CloseReason.EXPIRED)
        assert len(notices) == 1  # a withdrawal notice always goes out
        return notices[0].subject + "\n" + notices[0].body
    raise AssertionError(channel)


def post_output(platform: str, appeal, press, *, edited: str | None = None) -> str | None:
    """Generate (or let the press office edit) the platform text; None when the approval
    (which fixes the texts that publication sends) refuses it."""
    publishing.post_variants_ensure(appeal=appeal)
    if edited is not None:
        publishing.post_variant_update(actor=press, appeal_id=appeal.pk, platform=platform, text=edited)
    try:
        texts = publishing.post_texts_for_approval(appeal=appeal, check=True)
    except ValidationFailed as exc:
        assert f"post_variants.{platform}" in exc.fields or exc.fields
        assert not Publication.objects.filter(appeal=appeal).exists()
        return None
    return texts[platform]


def _leaks(output: str | None, probe: str) -> bool:
    return output is not None and probe in normalise(output)


# --- generator (the violation sits in a field; every channel composes from the fields) -------

@pytest.mark.parametrize("channel", PUBLIC_CHANNELS)
@pytest.mark.parametrize("rule", list(RULES))
def test_rule_on_public_channel_generator(rule, channel, investigator, unit_a, press, client):
    status = Status.CLOSED if channel == "email" else Status.PUBLISHED
    appeal = _appeal(investigator, unit_a, rule, status=status)
    output = channel_output(channel, appeal, client, press)
    assert not _leaks(output, RULES[rule][3]), f"{rule} leaked on {channel}: {output!r}"


@pytest.mark.parametrize("platform", POST_CHANNELS)
@pytest.mark.parametrize("rule", list(RULES))
def test_rule_on_platform_text_generator(rule, platform, investigator, unit_a, press, no_accounts):
    appeal = _appeal(investigator, unit_a, rule, status=Status.SUBMITTED)
    output = post_output(platform, appeal, press)
    assert not _leaks(output, RULES[rule][3]), f"{rule} leaked on {platform}: {output!r}"


# --- press officer (the violation is typed into the platform text) ----------------------------

@pytest.mark.parametrize("platform", POST_CHANNELS)
@pytest.mark.parametrize("rule", list(RULES))
def test_rule_on_platform_text_press_officer(rule, platform, investigator, unit_a, press, no_accounts):
    appeal = _appeal(investigator, unit_a, rule, status=Status.SUBMITTED, district="Mitte")
    publishing.post_variants_ensure(appeal=appeal)
    text = PostVariant.objects.get(appeal=appeal, platform=platform).text
    edited = text.replace("Hinweise bitte nicht", f"{RULES[rule][2]}. Hinweise bitte nicht", 1)
    assert edited != text
    output = post_output(platform, appeal, press, edited=edited)
    assert not _leaks(output, RULES[rule][3]), f"{rule} leaked on {platform}: {output!r}"


@pytest.mark.parametrize("platform", POST_CHANNELS)
def test_danger_warning_first_press_officer(platform, investigator, unit_a, press, no_accounts):
    appeal = _appeal(investigator, unit_a, None, status=Status.SUBMITTED, is_dangerous=True)
    publishing.post_variants_ensure(appeal=appeal)
    text = PostVariant.objects.get(appeal=appeal, platform=platform).text
    moved = text.replace(DANGER_NOTICE + "\n\n", "", 1) + "\n\n" + DANGER_NOTICE
    assert moved != text
    assert post_output(platform, appeal, press, edited=moved) is None


@pytest.mark.parametrize("platform", POST_CHANNELS)
def test_witness_line_removed_press_officer(platform, investigator, unit_a, press, no_accounts):
    appeal = _appeal(investigator, unit_a, None, status=Status.SUBMITTED, kind=Kind.WITNESS,
                     legal_basis=LegalBasis.STPO_131B_2)
    publishing.post_variants_ensure(appeal=appeal)
    text = PostVariant.objects.get(appeal=appeal, platform=platform).text
    from fahndung.appeals.choices import WITNESS_NOTICE

    assert post_output(platform, appeal, press, edited=text.replace(WITNESS_NOTICE, "")) is None


# --- controls: each channel's text is really seen, with the warning first / the witness line ---

def _first(output: str, *phrases: str) -> int:
    norm = normalise(output)
    found = [norm.find(normalise(p)) for p in phrases if normalise(p) in norm]
    return min(found) if found else -1


@pytest.mark.parametrize("channel", PUBLIC_CHANNELS)
def test_control_public_channel_carries_district_warning_first_and_witness_line(channel, investigator, unit_a,
                                                                                 press, client):
    status = Status.CLOSED if channel == "email" else Status.PUBLISHED
    appeal = _appeal(investigator, unit_a, None, status=status, district="Kaltental", kind=Kind.WITNESS,
                     legal_basis=LegalBasis.STPO_131B_2, is_dangerous=True)
    output = channel_output(channel, appeal, client, press)
    assert output is not None, f"{channel} sent nothing for a clean appeal"
    assert "kaltental" in normalise(output) or (channel == "email" and "beendet" in output)
    assert "nicht tatverdaechtig" in normalise(output) or "not a suspect" in output
    if channel != "email":  # the notice after the end carries no warning
        warning = _first(output, DANGER_NOTICE, DANGER_NOTICE_SHORT)
        assert warning != -1, channel
        assert warning < _first(output, "ZEUGEN GESUCHT"), f"warning not before the headline on {channel}"


@pytest.mark.parametrize("platform", POST_CHANNELS)
def test_control_platform_text_is_published(platform, investigator, unit_a, press, no_accounts):
    appeal = _appeal(investigator, unit_a, None, status=Status.SUBMITTED, district="Kaltental")
    output = post_output(platform, appeal, press)
    assert output is not None and "kaltental" in normalise(output)


def test_control_email_keeps_district_when_clean(investigator, unit_a, press, client):
    appeal = _appeal(investigator, unit_a, None, status=Status.CLOSED, district="Kaltental")
    assert "Kaltental" in channel_output("email", appeal, client, press)
