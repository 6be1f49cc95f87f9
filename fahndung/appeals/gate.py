"""The one output gate: the content rules applied to the FINAL text of every output,
whoever wrote it (generator, investigator, press officer).

Every channel that lets text leave the system hands its final text here before it goes
out: the public page (body, <title>/og:title, og:description, list card), the JSON feed,
RSS, every platform post and the press text (media partners), the poster, the withdrawal
e-mail. A text with problems is not published; the German messages are shown to staff
(ValidationFailed at approval/publication, an audit row "output.blocked" at render).

Rules (domain.md):
  R5   witness appeals: no word calling the person a suspect (textnorm.WITNESS_BLOCKED_FORMS),
       and the non-suspect line present.
  R16  danger flag: the warning comes first.
  R6   no withheld facts (Täterwissen): no short line of `withheld_facts`, no two neighbouring
       content words and no run of three words (two of them content words) of it in the text.
  R20  nationality only with a justification; no suicide wording in public text.
  BDSG § 46 Nr. 14  health, ethnic origin, religion, sexual life only with a justification.
  R6   an address only when its publish flag is set (never in platform posts).
  R17  reward wording only with an authorisation reference.
  R7   platform posts: no name part (name or alias) of any person of the appeal;
  R4   other channels: name/alias only when published and (StPO) allowed by the order.

Output apps call this through appeals.selectors.output_problems (read) and
appeals.services.output_release (raises OutputBlocked, records the block).

Public surface:
  CHANNEL_LABELS, PLATFORM_POST_CHANNELS
  text_problems(appeal, text, *, channel, lead="") -> list[str]
  texts_problems(appeal, texts: {channel: text or [texts]}, *, lead=None) -> {channel: [str]}
  source_field_problems(appeal) -> {field: [str]}      the same rules on the input fields
  OutputBlocked (ValidationFailed, code "output_blocked")
  justified(value) -> bool
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext

from fahndung.appeals import textnorm
from fahndung.appeals.choices import (
    DANGER_NOTICE,
    DANGER_NOTICE_SHORT,
    HEADLINES,
    STPO_BASES,
    WITNESS_NOTICE,
    WITNESS_NOTICE_SHORT,
    Kind,
)
from fahndung.core.errors import ValidationFailed

PLATFORM_POST_CHANNELS = frozenset({"x", "mastodon", "bluesky", "facebook", "instagram", "linkedin", "whatsapp"})
CHANNEL_LABELS = {
    "page": "Fahndungsseite", "title": "Seitentitel/Linkvorschau (og:title)",
    "og_description": "Linkvorschau (og:description)", "card": "Listenkarte", "json": "JSON-Feed",
    "rss": "RSS-Feed", "press": "Pressetext/Medienpartner", "poster": "Plakat", "email": "Rücknahme-E-Mail",
    "x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky", "facebook": "Facebook", "instagram": "Instagram",
    "linkedin": "LinkedIn", "whatsapp": "WhatsApp",
}
# Channels written after the appeal ended: no danger warning, and the text is about the end.
_ENDED_CHANNELS = frozenset({"email"})
# Particles that are not identifying on their own.
_NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "del", "la", "le", "di", "da", "du", "zu", "al", "el",
                             "bin", "ibn", "ben", "ter", "ten", "und"})
_STOPWORDS = frozenset(textnorm.normalise(w) for w in ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "einen", "eines", "und", "oder", "aber", "mit", "ohne", "von", "vom", "zu", "zur", "zum", "im", "in", "am", "an", "auf", "aus", "bei", "nach", "vor", "hinter", "über", "unter", "um", "für", "gegen", "bis", "ist", "war", "sind", "waren", "wurde", "wurden", "wird", "hat", "hatte", "haben", "sich", "er", "sie", "es", "man", "nicht", "auch", "noch", "nur", "so", "wie", "als", "dass", "daß", "wo", "wer", "was", "dann", "dort", "hier", "ca", "etwa", "gegen", "uhr"])


class OutputBlocked(ValidationFailed):
    default_code = "output_blocked"


def justified(value: str | None) -> bool:
    return textnorm.is_real_text(value or "")


def _label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def _variants(original: str) -> list[str]:
    """The German fixed text and its translation in the active language."""
    translated = gettext(original)
    return [original] if translated == original else [original, translated]


def _strip_phrases(text: str, phrases: Iterable[str]) -> str:
    norm = textnorm.normalise(text)
    for phrase in phrases:
        p = textnorm.normalise(phrase)
        if p:
            norm = norm.replace(p, " ")
    return norm


def _witness_lines() -> list[str]:
    return [*_variants(WITNESS_NOTICE), *_variants(WITNESS_NOTICE_SHORT)]


def _danger_lines() -> list[str]:
    return [*_variants(DANGER_NOTICE), *_variants(DANGER_NOTICE_SHORT)]


def _starts_with_any(text: str, phrases: Iterable[str]) -> bool:
    have = textnorm.tokens(text)
    for phrase in phrases:
        want = textnorm.tokens(phrase)
        if want and have[:len(want)] == want:
            return True
    return False


def _strip_lead(text: str, lead: str) -> str:
    """Remove an allowed lead (press header, poster branding) before the danger check."""
    if not lead:
        return text
    have, want = textnorm.tokens(text), textnorm.tokens(lead)
    if want and have[:len(want)] == want:
        return " ".join(have[len(want):])
    return text


def _order_allows_name(appeal: Any) -> bool:
    if appeal.legal_basis not in STPO_BASES:
        return True
    try:
        return bool(appeal.order.name_allowed)
    except ObjectDoesNotExist:
        return False


def _name_parts(value: str) -> set[str]:
    return {t for t in textnorm.tokens(value) if len(t) >= 2 and t not in _NAME_PARTICLES and not t.isdigit()}


def _withheld_items(withheld: str) -> list[tuple[str, ...]]:
    items = re.split(r"[\n;•]+|(?<=[.!?])\s+", withheld or "")
    return [textnorm.tokens(i) for i in items if textnorm.tokens(i)]


def _content(token: str) -> bool:
    return token not in _STOPWORDS and (len(token) >= 3 or token.isdigit())


def withheld_leaks(withheld: str, text: str) -> list[str]:
    """Pieces of the withheld facts found in text: a whole short item (line/sentence), or two
    neighbouring content words of an item ("goldene Taschenuhr"), or three neighbouring
    words of which two are content words ("Gravur MK 77")."""
    have = textnorm.tokens(text)
    joined = " " + " ".join(have) + " "
    found: list[str] = []
    for item in _withheld_items(withheld):
        if len(item) <= 2:
            if any((_content(t) and len(t) >= 4) or t.isdigit() for t in item) and f" {' '.join(item)} " in joined:
                found.append(" ".join(item))
            continue
        runs = [item[i:i + 2] for i in range(len(item) - 1)
                if _content(item[i]) and _content(item[i + 1]) and max(len(item[i]), len(item[i + 1])) >= 5]
        runs += [item[i:i + 3] for i in range(len(item) - 2) if sum(_content(t) for t in item[i:i + 3]) >= 2]
        hit = next((" ".join(r) for r in runs if f" {' '.join(r)} " in joined), None)
        if hit:
            found.append(hit)
    return found


def _phrase_in(text_norm_tokens: tuple[str, ...], value: str) -> bool:
    want = textnorm.tokens(value)
    n = len(want)
    return bool(want) and any(text_norm_tokens[i:i + n] == want for i in range(len(text_norm_tokens) - n + 1))


def _nationality_stem(word: str) -> str:
    # "rumänisch" → "rumaen" (catches Rumäne, Rumänin); stems under 5 letters stay whole
    # ("deutsch" must not become "deut" and catch "deutlich").
    for suffix in ("isch", "sch", "er", "in", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 5:
            return word[: -len(suffix)]
    return word


def _nationality_hit(tokens_: tuple[str, ...], nationality: str) -> bool:
    stems = [_nationality_stem(t) for t in textnorm.tokens(nationality) if len(t) >= 4]
    return any(t.startswith(s) for s in stems for t in tokens_) or _phrase_in(tokens_, nationality)


def text_problems(appeal: Any, text: str, *, channel: str, lead: str = "") -> list[str]:
    """German messages for everything in `text` that breaks a content rule on `channel`."""
    problems: list[str] = []
    where = _label(channel)
    persons = list(appeal.persons.all())
    toks = textnorm.tokens(text)

    if appeal.kind == Kind.WITNESS:
        rest = _strip_phrases(text, _witness_lines())
        for lemma in textnorm.witness_blocked_terms(rest):
            problems.append(f"{where}: Zeugenaufrufe dürfen „{lemma}“ (in keiner Schreibweise) nicht enthalten (R5).")
        if not any(textnorm.contains_phrase(text, line) for line in _witness_lines()):
            problems.append(f"{where}: Der Hinweis „nicht tatverdächtig“ fehlt (R5).")

    if appeal.is_dangerous and channel not in _ENDED_CHANNELS:
        body = _strip_lead(text, lead)
        if not _starts_with_any(body, _danger_lines()):
            problems.append(f"{where}: Der Warnhinweis („nicht ansprechen, sofort 110“) muss am Anfang stehen (R16).")

    leaks = withheld_leaks(appeal.withheld_facts, text)
    if leaks:
        problems.append(f"{where}: Enthält Täterwissen aus den internen Angaben („{leaks[0]}“) (R6).")

    if textnorm.has_term(text, textnorm.SUICIDE_TERMS):
        problems.append(f"{where}: Keine Angaben zu Suizid in öffentlichen Texten (R20).")

    nationality_ok = any(justified(p.nationality_justification) for p in persons)
    if not nationality_ok and (textnorm.has_term(text, textnorm.NATIONALITY_TERMS) or any(
            p.nationality and _nationality_hit(toks, p.nationality) for p in persons)):
        problems.append(f"{where}: Nationalität nur mit schriftlicher Begründung (R20).")

    special_ok = any(justified(getattr(p, "special_category_justification", "")) for p in persons)
    if not special_ok:
        categories = textnorm.special_category_terms(text)
        if any(p.health_notes and withheld_leaks(p.health_notes, text) for p in persons) and "Gesundheit" not in categories:
            categories.insert(0, "Gesundheit")
        if categories:
            problems.append(
                f"{where}: Besondere Kategorien personenbezogener Daten ({', '.join(categories)}) nur mit "
                "schriftlicher Begründung (BDSG § 46 Nr. 14)."
            )

    for person in persons:
        if person.address and (channel in PLATFORM_POST_CHANNELS or "address" not in (person.published_fields or [])) \
                and _phrase_in(toks, person.address):
            problems.append(f"{where}: Enthält eine nicht freigegebene Anschrift (R6).")
            break

    if textnorm.has_term(text, textnorm.REWARD_TERMS) and not (
            appeal.reward_amount and (appeal.reward_reference or "").strip()):
        problems.append(f"{where}: Eine Belohnung darf nur mit Aktenzeichen der Auslobung genannt werden (R17).")

    problems.extend(_name_problems(appeal, persons, toks, channel, where))
    return problems


def _name_problems(appeal: Any, persons: list[Any], toks: tuple[str, ...], channel: str, where: str) -> list[str]:
    words = set(toks)
    for person in persons:
        published = set(person.published_fields or [])
        for key in ("name", "alias"):
            parts = _name_parts(getattr(person, key, "") or "")
            if not parts or not parts & words:
                continue
            if channel in PLATFORM_POST_CHANNELS:
                return [f"{where}: Plattform-Beiträge dürfen keine Namen oder Namensteile enthalten (R7)."]
            if not (key in published and _order_allows_name(appeal)):
                return [f"{where}: Enthält einen Namen, dessen Veröffentlichung nicht freigegeben ist (R4)."]
    return []


def texts_problems(appeal: Any, texts: Mapping[str, str | list[str]], *,
                   lead: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for channel, value in texts.items():
        text = "\n".join(value) if isinstance(value, list) else value
        issues = text_problems(appeal, text, channel=channel, lead=(lead or {}).get(channel, ""))
        if issues:
            out[channel] = issues
    return out


def headline_variants() -> list[str]:
    return sorted({v for h in HEADLINES.values() for v in _variants(h)})


# --- the same rules on the input fields (submission/approval: show the field) ---------------

_APPEAL_PUBLIC_FIELDS = ("offence", "offence_statute", "place", "district", "public_facts", "reward_authority",
                         "reward_conditions", "hotline")
_PERSON_TEXT_FIELDS = ("name", "alias", "build", "hair", "eyes", "appearance", "beard_glasses",
                       "distinguishing_marks", "languages", "clothing", "items_carried", "vehicle",
                       "last_seen_place", "nationality", "health_notes", "address")


def source_field_problems(appeal: Any, *, captions: Iterable[str] = ()) -> dict[str, list[str]]:
    """Witness wording, withheld facts, suicide wording, sensitive terms and reward wording in
    every field that can reach an output (the flags decide which person fields do)."""
    problems: dict[str, list[str]] = {}
    persons = list(appeal.persons.all())
    special_ok = any(justified(getattr(p, "special_category_justification", "")) for p in persons)

    def check(field: str, label: str, value: str, *, sensitive_field: bool = False) -> None:
        if not (value or "").strip():
            return
        found: list[str] = []
        if appeal.kind == Kind.WITNESS:
            found += [f"{label}: Zeugenaufrufe dürfen „{lemma}“ nicht enthalten (R5)."
                      for lemma in textnorm.witness_blocked_terms(value)]
        leaks = withheld_leaks(appeal.withheld_facts, value)
        if leaks:
            found.append(f"{label}: enthält Täterwissen („{leaks[0]}“) (R6).")
        if textnorm.has_term(value, textnorm.SUICIDE_TERMS):
            found.append(f"{label}: keine Angaben zu Suizid in öffentlichen Texten (R20).")
        categories = textnorm.special_category_terms(value)
        if (categories or sensitive_field) and not special_ok:
            names = ", ".join(categories or ["Gesundheit"])
            found.append(f"{label}: besondere Kategorien ({names}) nur mit schriftlicher Begründung "
                         "(mind. 20 Buchstaben, BDSG § 46 Nr. 14).")
        if textnorm.has_term(value, textnorm.REWARD_TERMS) and not (
                appeal.reward_amount and (appeal.reward_reference or "").strip()):
            found.append(f"{label}: Belohnung nur mit Aktenzeichen der Auslobung (R17).")
        if found:
            problems.setdefault(field, []).extend(found)

    labels = {f: str(appeal._meta.get_field(f).verbose_name) for f in _APPEAL_PUBLIC_FIELDS}
    for field in _APPEAL_PUBLIC_FIELDS:
        check(field, labels[field], getattr(appeal, field, "") or "")
    for index, person in enumerate(persons, start=1):
        flagged = set(person.published_fields or [])
        for field in _PERSON_TEXT_FIELDS:
            flag = "last_seen" if field == "last_seen_place" else field
            if flag not in flagged:
                continue
            label = f"Person {index}, {person._meta.get_field(field).verbose_name or field}"
            check("persons", label, getattr(person, field, "") or "", sensitive_field=field == "health_notes")
    for caption in captions:
        check("photos", "Bildunterschrift", caption)
    return problems
