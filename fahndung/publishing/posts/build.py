"""Assemble per-platform post texts from an appeal.

Public surface:
  appeal_url(appeal) -> str                    canonical page: PUBLIC_BASE_URL/fahndung/<slug>/
  generate(appeal, platform, *, limit=None) -> str
  fixed_elements(appeal) -> list[str]          texts every variant must contain
  variant_problems(appeal, platform, text, *, limit=None) -> list[str]
  media_block_reason(appeal) -> str            "" when platform images may be allowed
  media_allowed(appeal) -> bool                override set, reason recorded, not blocked (R7, R14)
  image_alt_text(appeal, caption) -> str

Short platforms (X, Bluesky, Mastodon) get: danger warning (R16) first, the summary,
the witness line (R5), the footer with hotline and link (R10), hashtags. If it does not
fit, hashtags go first, then the summary is shortened with "…" – the fixed elements stay.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from fahndung.appeals.choices import DANGER_NOTICE, HEADLINES, WITNESS_NOTICE, Kind, PersonRole
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


def appeal_url(appeal) -> str:
    return f"{settings.PUBLIC_BASE_URL}/fahndung/{appeal.slug}/"


def hashtags(appeal) -> list[str]:
    tags = [KIND_HASHTAG.get(appeal.kind, DEFAULT_HASHTAG)]
    for tag in getattr(settings, "FAHNDUNG_HASHTAGS", []):
        tag = tag if tag.startswith("#") else f"#{tag}"
        if tag not in tags:
            tags.append(tag)
    return tags


def _context(appeal) -> dict[str, str]:
    place = (appeal.district or appeal.place or "").strip()
    date_phrase = ""
    if appeal.occurred_from:
        date_phrase = f" am {timezone.localtime(appeal.occurred_from):%d.%m.%Y}"
    offence = (appeal.offence or "einer Straftat").strip()
    return {
        "headline": HEADLINES.get(appeal.kind, "FAHNDUNG"),
        "offence": offence,
        "place_phrase": f" in {place}" if place else "",
        "place_phrase_from": f" aus {place}" if place else "",
        "place_phrase_found": f", aufgefunden in {place}" if place else "",
        "date_phrase": date_phrase,
    }


def _summary(appeal) -> str:
    template = TEMPLATES.get(appeal.kind, TEMPLATES[Kind.SUSPECT_UNKNOWN])
    return template["summary"].format(**_context(appeal))


def _footer(appeal) -> str:
    return FOOTER.format(hotline=appeal.hotline or settings.FAHNDUNG_DEFAULT_HOTLINE, url=appeal_url(appeal))


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
    fixed.append(appeal_url(appeal))
    return fixed


def generate(appeal, platform: str, *, limit: int | None = None) -> str:
    if platform == "press":
        return _press_release(appeal)
    head = [DANGER_NOTICE] if appeal.is_dangerous else []
    summary = _summary(appeal)
    witness = [WITNESS_NOTICE] if appeal.kind == Kind.WITNESS else []
    footer = _footer(appeal)
    tags = hashtags(appeal)
    if platform not in SHORT_PLATFORMS:
        body = TEMPLATES.get(appeal.kind, TEMPLATES[Kind.SUSPECT_UNKNOWN])["body"]
        extra = [p for p in (body, _reward(appeal), SEEN_NOW if appeal.kind != Kind.UNKNOWN_DEAD else "") if p]
        return "\n\n".join([*head, summary, *witness, *extra, footer, " ".join(tags)])
    limit = limit or counting.limit_for(platform)

    def compose(summary_text: str, tag_list: list[str]) -> str:
        parts = [*head, summary_text, *witness, footer_used]
        if tag_list:
            parts.append(" ".join(tag_list))
        return "\n\n".join(p for p in parts if p)

    footer_used = footer
    text = compose(summary, tags)
    while counting.count(platform, text) > limit and len(tags) > 1:
        tags = tags[:-1]
        text = compose(summary, tags)
    if counting.count(platform, text) > limit:
        tags = []
        text = compose(summary, tags)
    if counting.count(platform, text) > limit and counting.count(platform, compose("", tags)) > limit:
        # Danger warning + witness line leave no room: keep the link, drop the hotline
        # (it is on the page) rather than any rule-mandated element.
        footer_used = FOOTER_SHORT.format(url=appeal_url(appeal))
        text = compose(summary, tags)
    if counting.count(platform, text) > limit:
        words = summary.split()
        while words and counting.count(platform, compose(" ".join(words) + " …", tags)) > limit:
            words.pop()
        text = compose((" ".join(words) + " …") if words else "", tags)
    return text


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
    lines += ["", _footer(appeal) + ".", SEEN_NOW if appeal.kind != Kind.UNKNOWN_DEAD else "", "",
              f"Aktenzeichen: {appeal.file_number_police}", "", PRESS_MEDIA_NOTE]
    return "\n".join(lines).replace("\n\n\n", "\n\n").strip()


def variant_problems(appeal, platform: str, text: str, *, limit: int | None = None) -> list[str]:
    """Everything that blocks approval of a variant: length, missing fixed elements,
    words barred in witness appeals (R5), names of persons (R7)."""
    result = counting.check(platform, text, mastodon_limit=limit if platform == "mastodon" else None)
    problems = list(result.problems)
    for element in fixed_elements(appeal):
        if element not in text:
            problems.append(f"Pflichtbestandteil fehlt: „{element[:60]}“")
    lowered = text.lower()
    if appeal.kind == Kind.WITNESS:
        # The fixed notice itself says "nicht tatverdächtig"; check everything else.
        lowered = lowered.replace(WITNESS_NOTICE.lower(), "")
        from fahndung.appeals.choices import WITNESS_BLOCKED_WORDS

        for word in WITNESS_BLOCKED_WORDS:
            if word in lowered:
                problems.append(f"Zeugenaufrufe dürfen „{word}“ nicht enthalten (R5).")
    if platform != "press":
        for person in appeal.persons.all():
            for value in (person.name, person.alias):
                if value and len(value) > 2 and value.lower() in lowered:
                    problems.append("Plattform-Beiträge dürfen keine Namen enthalten (R7).")
    return problems


def media_block_reason(appeal) -> str:
    if appeal.kind == Kind.WITNESS:
        return "Bei Zeugenaufrufen sind Bilder auf Plattformen ausgeschlossen (R7)."
    if appeal.kind == Kind.UNKNOWN_DEAD:
        return "Bilder von Verstorbenen nie auf Plattformen (R14)."
    if appeal.is_minor or appeal.risk_category == "minor":
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
