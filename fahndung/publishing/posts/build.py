"""Assemble per-platform post texts from an appeal.

Public surface:
  generate(appeal, platform, *, limit=None) -> str
  description_items(appeal) -> list[str]       short description of a missing person
  fixed_elements(appeal) -> list[str]          texts every variant must contain
  variant_problems(appeal, platform, text, *, limit=None) -> list[str]   incl. the output gate
  press_lead(appeal) -> str                    header allowed before the danger warning (press)
  media_block_reason(appeal) -> str            "" when platform images may be allowed
  media_allowed(appeal) -> bool                override set, reason recorded, not blocked (R7, R14)
  image_alt_text(appeal, caption) -> str

Short platforms (X, Bluesky, Mastodon) get: danger warning (R16) first, the summary,
the witness line (R5), the short description (missing persons), the footer with hotline
and link (R10), hashtags. If it does not fit, whole parts are given up in a fixed order
(_short_post); texts end at a sentence and word boundary, the mandatory parts stay.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from fahndung.appeals.choices import DANGER_NOTICE, HEADLINES, WITNESS_NOTICE, Kind, PersonRole
from fahndung.appeals.links import appeal_hotline, appeal_public_url
from fahndung.appeals.selectors import output_problems
from fahndung.publishing.posts import counting
from fahndung.publishing.posts.templates import (
    DEFAULT_HASHTAG,
    FOOTER,
    FOOTER_SHORT,
    KIND_HASHTAG,
    PRESS_HEADER,
    PRESS_MEDIA_NOTE,
    REWARD,
    SEEN_NOW,
    TEMPLATES,
)

SHORT_PLATFORMS = ("x", "bluesky", "mastodon")
TEXT_PLATFORMS = ("x", "mastodon", "bluesky", "facebook", "instagram", "linkedin", "whatsapp", "press")



def _seen_now(appeal) -> str:
    """"Call 110 on sight" fits a person who is sought; a witness appeal looks for observations
    and an unknown dead person cannot be seen (same wording rule as the public page)."""
    return "" if appeal.kind in (Kind.WITNESS, Kind.UNKNOWN_DEAD) else SEEN_NOW

def hashtags(appeal) -> list[str]:
    tags = [KIND_HASHTAG.get(appeal.kind, DEFAULT_HASHTAG)]
    for tag in getattr(settings, "FAHNDUNG_HASHTAGS", []):
        tag = tag if tag.startswith("#") else f"#{tag}"
        if tag not in tags:
            tags.append(tag)
    return tags


def _context(appeal, *, place: bool = True, date: bool = True, offence: str | None = None) -> dict[str, str]:
    where = (appeal.district or appeal.place or "").strip() if place else ""
    date_phrase = ""
    if date and appeal.occurred_from:
        date_phrase = f" am {timezone.localtime(appeal.occurred_from):%d.%m.%Y}"
    what = (appeal.offence or "").strip() if offence is None else offence
    return {
        "headline": HEADLINES.get(appeal.kind, "FAHNDUNG"),
        "offence": what or "einer Straftat",
        "place_phrase": f" in {where}" if where else "",
        "place_phrase_from": f" aus {where}" if where else "",
        "place_phrase_found": f", aufgefunden in {where}" if where else "",
        "date_phrase": date_phrase,
    }


def _summary(appeal, *, form: str = "summary", **detail) -> str:
    """The one sentence saying what happened: kind, offence, place, date and the ask."""
    template = TEMPLATES.get(appeal.kind, TEMPLATES[Kind.SUSPECT_UNKNOWN])
    return template[form].format(**_context(appeal, **detail))


def words_prefixes(phrase: str) -> list[str]:
    """Shorter versions of an offence phrase, longest first: whole words only, each ending
    on a noun (German nouns are capitalised), so none reads as cut off ("Schwerer Raub mit
    erheblicher Beute", never "… mit erheblicher" or "Schwerer")."""
    words = phrase.split()
    out = []
    for n in range(len(words) - 1, 0, -1):
        last = words[n - 1].rstrip(",;:–-")
        if not last[:1].isupper():
            continue
        if n == 1 and words[1][:1].isupper():  # a leading adjective before its noun
            continue
        out.append(" ".join([*words[: n - 1], last]))
    return out


# Published fields that make the short description of a missing person, in reading order
# (R7: never name, address, health or nationality on a platform); free texts get a label.
_DESCRIPTION_FIELDS = (("sex", ""), ("age", ""), ("height", ""), ("build", ""), ("hair", "Haare"),
                       ("eyes", "Augen"), ("appearance", "Erscheinung"), ("clothing", "Bekleidung"),
                       ("distinguishing_marks", "Merkmale"), ("items_carried", "dabei"))
_SEX = {"female": "weiblich", "male": "männlich", "diverse": "divers"}


def _range(low: int | None, high: int | None, unit: str) -> str:
    if low and high and low != high:
        return f"{low}–{high} {unit}"
    value = low or high
    return f"{value} {unit}" if value else ""


def description_items(appeal) -> list[str]:
    """The short description of the (first) missing person: published fields only."""
    if appeal.kind != Kind.MISSING:
        return []
    person = next((p for p in appeal.persons.all() if p.role == PersonRole.MISSING), None)
    if person is None:
        return []
    flagged = set(person.published_fields or [])
    items = []
    for key, label in _DESCRIPTION_FIELDS:
        if key not in flagged:
            continue
        if key == "sex":
            value = _SEX.get(person.sex, "")
        elif key == "age":
            value = _range(person.age_min, person.age_max, "Jahre")
        elif key == "height":
            value = _range(person.height_min_cm, person.height_max_cm, "cm")
        else:
            value = " ".join(str(getattr(person, key, "") or "").split()).rstrip(".;")
        if value:
            items.append(f"{label}: {value}" if label else value)
    return items


def _description(items: list[str]) -> str:
    """"Beschreibung: weiblich, 14 Jahre, 160 cm; Haare: lang, blond; Bekleidung: …." """
    if not items:
        return ""
    plain = ", ".join(i for i in items if ": " not in i)
    labelled = [i for i in items if ": " in i]
    return "Beschreibung: " + "; ".join([p for p in [plain] if p] + labelled) + "."


def _footer(appeal) -> str:
    return FOOTER.format(hotline=appeal_hotline(appeal), url=appeal_public_url(appeal))


def _reward(appeal) -> str:
    if appeal.reward_amount and appeal.reward_reference.strip():  # R17: only when authorised
        amount = f"{appeal.reward_amount:,}".replace(",", ".")
        return REWARD.format(amount=amount, authority=appeal.reward_authority or "Staatsanwaltschaft")
    return ""


def fixed_elements(appeal) -> list[str]:
    fixed = []
    if appeal.is_dangerous:
        fixed.append(DANGER_NOTICE)
    if appeal.kind == Kind.WITNESS:
        fixed.append(WITNESS_NOTICE)
    fixed.append("Hinweise bitte nicht in die Kommentare")
    fixed.append(appeal_public_url(appeal))
    return fixed


def generate(appeal, platform: str, *, limit: int | None = None) -> str:
    if platform == "press":
        return _press_release(appeal)
    head = [DANGER_NOTICE] if appeal.is_dangerous else []
    witness = [WITNESS_NOTICE] if appeal.kind == Kind.WITNESS else []
    description = description_items(appeal)
    tags = hashtags(appeal)
    if platform not in SHORT_PLATFORMS:
        body = TEMPLATES.get(appeal.kind, TEMPLATES[Kind.SUSPECT_UNKNOWN])["body"]
        extra = [p for p in (body, _reward(appeal), _seen_now(appeal)) if p]
        parts = [*head, _summary(appeal), *witness, _description(description), *extra, _footer(appeal), " ".join(tags)]
        return "\n\n".join(p for p in parts if p)
    return _short_post(appeal, platform, limit or counting.limit_for(platform), head + witness, description, tags)


def _short_post(appeal, platform: str, limit: int, notices: list[str], description: list[str], tags: list[str]) -> str:
    """The most complete post that fits, built from whole parts only (no "…", no cut word).

    Mandatory, never dropped: danger warning (R16), the kind and what happened in one
    sentence, the witness line (R5), the footer with the link (R10). Given up in this
    order until it fits: hashtags, the long form of the sentence, description details
    (from the last; the first ones stay longest), the date, the hotline (it is on the
    page), the place, the rest of the description, then the offence is shortened at a
    word boundary (ending on a noun).
    """
    # The danger warning leads (R16); the witness line follows the summary.
    danger = [n for n in notices if n == DANGER_NOTICE]
    rest = [n for n in notices if n != DANGER_NOTICE]
    state = {"tags": list(tags), "items": list(description), "date": True, "place": True, "hotline": True,
             "offence": None, "form": "summary"}

    def compose() -> str:
        footer = _footer(appeal) if state["hotline"] else FOOTER_SHORT.format(url=appeal_public_url(appeal))
        summary = _summary(appeal, form=state["form"], place=state["place"], date=state["date"],
                           offence=state["offence"]) if state["form"] else ""
        parts = [*danger, summary, *rest, _description(state["items"]), footer, " ".join(state["tags"])]
        return "\n\n".join(p for p in parts if p)

    def fits() -> bool:
        return counting.count(platform, compose()) <= limit

    steps = [
        *[lambda: state["tags"].pop() for _ in tags[1:]],
        lambda: state["tags"].clear(),
        lambda: state.update(form="short"),
        *[lambda: state["items"].pop() for _ in description[2:]],
        lambda: state.update(date=False),
        lambda: state.update(hotline=False),
        lambda: state.update(place=False),
        lambda: state["items"].clear(),
        *[lambda v=v: state.update(offence=v) for v in words_prefixes((appeal.offence or "").strip())],
    ]
    for step in [lambda: None, *steps]:
        step()
        if fits():
            return compose()
    # Only when the rule-mandated lines (danger warning, witness line, footer) leave no room
    # for any sentence (a dangerous witness appeal on X) is the sentence left out whole: a
    # text a person could not shorten either would block the approval of every channel.
    state["form"] = None
    return compose()


def _press_release(appeal) -> str:
    ctx = _context(appeal)
    lines = [PRESS_HEADER.format(org=settings.FAHNDUNG_ORG_NAME, headline=ctx["headline"]), ""]
    if appeal.is_dangerous:
        lines += [DANGER_NOTICE, ""]
    lines.append(_summary(appeal))
    if appeal.kind == Kind.WITNESS:
        lines.append(WITNESS_NOTICE)
    if appeal.public_facts.strip():
        lines += ["", appeal.public_facts.strip()]
    reward = _reward(appeal)
    if reward:
        lines += ["", reward]
    lines += ["", _footer(appeal) + ".", _seen_now(appeal), "",
              f"Aktenzeichen: {appeal.file_number_police}", "", PRESS_MEDIA_NOTE]
    return "\n".join(lines).replace("\n\n\n", "\n\n").strip()


def variant_problems(appeal, platform: str, text: str, *, limit: int | None = None) -> list[str]:
    """Everything that blocks approval/publication of a variant: length, missing fixed
    elements, and every content rule of the output gate (appeals.selectors.output_problems)
    on the final text – generated or edited by the press office."""
    result = counting.check(platform, text, mastodon_limit=limit if platform == "mastodon" else None)
    problems = list(result.problems)
    for element in fixed_elements(appeal):
        if element not in text:
            problems.append(f"Pflichtbestandteil fehlt: „{element[:60]}“")
    lead = {"press": press_lead(appeal)}
    for messages in output_problems(appeal=appeal, texts={platform: text}, lead=lead).values():
        problems.extend(messages)
    return problems


def press_lead(appeal) -> str:
    """The header line that may precede the danger warning in the press text."""
    return PRESS_HEADER.format(org=settings.FAHNDUNG_ORG_NAME, headline=HEADLINES.get(appeal.kind, "FAHNDUNG"))


def media_block_reason(appeal) -> str:
    if appeal.kind == Kind.WITNESS:
        return "Bei Zeugenaufrufen sind Bilder auf Plattformen ausgeschlossen (R7)."
    if appeal.kind == Kind.UNKNOWN_DEAD:
        return "Bilder von Verstorbenen nie auf Plattformen (R14)."
    if appeal.protects_minor:  # the tick or the data (date of birth, age range)
        return "Bilder von Minderjährigen nie auf Plattformen (R14)."
    if appeal.is_victim:
        return "Bilder von Opfern nie auf Plattformen (R14)."
    if appeal.persons.filter(role__in=[PersonRole.WITNESS, PersonRole.DECEASED]).exists():
        return "Bilder von Zeugen oder Verstorbenen nie auf Plattformen (R7, R14)."
    return ""


def media_allowed(appeal) -> bool:
    return bool(appeal.allow_platform_media and appeal.platform_media_reason.strip() and not media_block_reason(appeal))


def image_alt_text(appeal, caption: str = "") -> str:
    headline = HEADLINES.get(appeal.kind, "FAHNDUNG")
    base = caption.strip() or "Foto der gesuchten Person"
    return f"{headline}: {base}. Weitere Angaben auf der Fahndungsseite der Polizei."[:420]
