"""What of an appeal may be shown publicly, as plain values (no templates, no queries
beyond the appeal's own relations).

Public surface:
- ``headline(kind) -> str``                    translated headline (R5/field list).
- ``person_public_fields(person, appeal) -> list[PublicField]``
      only the fields whose publish flag is set (R6); the name only when the order allows
      it for StPO bases (R4); nationality only with a justification (R20); withheld facts
      are never part of a person and never shown.
- ``appeal_time_text(appeal) -> str``          "12.03.2026, 21:30 Uhr" or a range.
- ``appeal_summary(appeal) -> str``            title-safe one-liner for feeds/cards/OG.
- ``reward_text(appeal) -> str | None``        only with an authorisation reference (R17).
- ``closed_notice(appeal) -> ClosedNotice``     wording of the "erledigt" page by reason (R13).

Used by the public pages, the public feeds and the poster (posters.services).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fahndung.appeals.choices import (
    DANGER_NOTICE,
    DANGER_NOTICE_SHORT,
    HEADLINES,
    STPO_BASES,
    WITNESS_NOTICE,
    WITNESS_NOTICE_SHORT,
    CloseReason,
    Kind,
)
from fahndung.appeals.links import appeal_hotline
from fahndung.appeals.selectors import output_justified
from fahndung.core import formatting

# The German originals live in appeals.choices; these markers put them into our catalogue.
_CATALOGUE = (
    gettext_noop("FAHNDUNG"), gettext_noop("VERMISST"), gettext_noop("ZEUGEN GESUCHT"),
    gettext_noop("UNBEKANNTE TOTE"), DANGER_NOTICE, WITNESS_NOTICE, WITNESS_NOTICE_SHORT, DANGER_NOTICE_SHORT,
)


@dataclass(frozen=True)
class PublicField:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class ClosedNotice:
    headline: str
    text: str
    deletion_request: str


def headline(kind: str) -> str:
    return _(HEADLINES.get(kind, "FAHNDUNG"))


def danger_notice() -> str:
    return _(DANGER_NOTICE)


def witness_notice() -> str:
    return _(WITNESS_NOTICE)


def danger_notice_short() -> str:
    return _(DANGER_NOTICE_SHORT)


def witness_notice_short() -> str:
    return _(WITNESS_NOTICE_SHORT)


def _local(dt: datetime) -> datetime:
    return timezone.localtime(dt) if timezone.is_aware(dt) else dt


def format_datetime(dt: datetime | None) -> str:
    return formatting.format_datetime(dt)  # the one German date/time format (core.formatting)


def _range(low: int | None, high: int | None, unit: str) -> str:
    if low and high and low != high:
        return f"{low}–{high} {unit}"
    value = low or high
    return f"{value} {unit}" if value else ""


def _name_allowed(appeal: Any) -> bool:
    if appeal.legal_basis not in STPO_BASES:
        return True
    try:
        order = appeal.order
    except ObjectDoesNotExist:
        return False
    return bool(order and order.name_allowed)


def _field_value(person: Any, key: str) -> str:
    if key == "sex":
        return {"female": _("weiblich"), "male": _("männlich"), "diverse": _("divers")}.get(person.sex, "")
    if key == "age":
        return _range(person.age_min, person.age_max, _("Jahre"))
    if key == "height":
        return _range(person.height_min_cm, person.height_max_cm, "cm")
    if key == "date_of_birth":
        return formatting.format_date(person.date_of_birth)
    if key == "last_seen":
        parts = [person.last_seen_place, format_datetime(person.last_seen_at)]
        return ", ".join(p for p in parts if p)
    if key == "nationality":
        # R20: never without a recorded justification (real text, appeals.gate.justified).
        return person.nationality if output_justified(person.nationality_justification) else ""
    if key == "health_notes":
        # BDSG § 46 Nr. 14: special categories only with a written justification.
        return person.health_notes if output_justified(person.special_category_justification) else ""
    return str(getattr(person, key, "") or "")


def field_labels() -> dict[str, str]:
    return {
        "name": _("Name"),
        "alias": _("Alias"),
        "date_of_birth": _("Geburtsdatum"),
        "sex": _("Geschlecht"),
        "age": _("Alter"),
        "height": _("Größe"),
        "build": _("Statur"),
        "hair": _("Haare"),
        "eyes": _("Augen"),
        "appearance": _("Erscheinungsbild"),
        "beard_glasses": _("Bart/Brille"),
        "distinguishing_marks": _("Besondere Merkmale"),
        "languages": _("Sprache/Akzent"),
        "clothing": _("Bekleidung"),
        "items_carried": _("Mitgeführte Gegenstände"),
        "vehicle": _("Fahrzeug"),
        "last_seen": _("Zuletzt gesehen"),
        "nationality": _("Staatsangehörigkeit"),
        "health_notes": _("Gesundheit"),
        "address": _("Anschrift"),
    }


def person_public_fields(person: Any, appeal: Any) -> list[PublicField]:
    """The person's published fields in the canonical order of Person.PUBLISHABLE_FIELDS."""
    flagged = set(person.published_fields or [])
    labels = field_labels()
    out: list[PublicField] = []
    for key in type(person).PUBLISHABLE_FIELDS:
        if key not in flagged:
            continue
        if key == "name" and not _name_allowed(appeal):
            continue
        value = _field_value(person, key).strip()
        if value:
            out.append(PublicField(key=key, label=labels.get(key, key), value=value))
    return out


def appeal_time_text(appeal: Any) -> str:
    start, end = appeal.occurred_from, appeal.occurred_to
    if start and end and _local(start).date() == _local(end).date():
        return _("%(date)s, %(start)s–%(end)s Uhr") % {
            "date": _local(start).strftime("%d.%m.%Y"),
            "start": _local(start).strftime("%H:%M"), "end": _local(end).strftime("%H:%M"),
        }
    if start and end:
        return f"{format_datetime(start)} – {format_datetime(end)}"
    return format_datetime(start or end)


def place_text(appeal: Any) -> str:
    """Place and district, each part once: "Stuttgart-Mitte, Schlossplatz" with district
    "Stuttgart-Mitte" stays as it is (the place often starts with the district)."""
    parts: list[str] = []
    for text in (appeal.place or "", appeal.district or ""):
        for part in text.split(","):
            part = part.strip()
            if part and part.casefold() not in {p.casefold() for p in parts}:
                parts.append(part)
    return ", ".join(parts)


# Kind → call to action under "Hinweise": a witness appeal looks for observations, not for
# a person to report on sight; the dead are identified, not seen.
_CALLS = {
    Kind.WITNESS: gettext_noop("Haben Sie etwas beobachtet? Bitte melden Sie sich beim Hinweistelefon "
                               "oder über das Hinweisformular."),
    Kind.MISSING: gettext_noop("Wenn Sie die vermisste Person jetzt sehen: bitte sofort 110 wählen."),
    Kind.UNKNOWN_DEAD: gettext_noop("Wenn Sie Angaben zur Identität der verstorbenen Person machen können, "
                                    "melden Sie sich bitte beim Hinweistelefon."),
}
_CALL_SUSPECT = gettext_noop("Wenn Sie die gesuchte Person jetzt sehen: sofort 110 wählen.")


def call_to_action(kind: str) -> str:
    return _(_CALLS.get(kind, _CALL_SUSPECT))


# Heading questions by kind group and the published sex of the persons sought ("p": sex not
# published or diverse, "pl": several persons).
_QUESTIONS = {
    "unknown": {"male": gettext_noop("Wer kennt diesen Mann?"), "female": gettext_noop("Wer kennt diese Frau?"),
                "p": gettext_noop("Wer kennt diese Person?"), "pl": gettext_noop("Wer kennt diese Personen?")},
    "known": {"male": gettext_noop("Wer weiß, wo sich dieser Mann aufhält?"),
              "female": gettext_noop("Wer weiß, wo sich diese Frau aufhält?"),
              "p": gettext_noop("Wer weiß, wo sich diese Person aufhält?"),
              "pl": gettext_noop("Wer weiß, wo sich diese Personen aufhalten?")},
    "missing": {"male": gettext_noop("Wer hat diesen Mann gesehen?"), "female": gettext_noop("Wer hat diese Frau gesehen?"),
                "p": gettext_noop("Wer hat diese Person gesehen?"), "pl": gettext_noop("Wer hat diese Personen gesehen?")},
    "dead": {"male": gettext_noop("Wer kennt diesen verstorbenen Mann?"),
             "female": gettext_noop("Wer kennt diese verstorbene Frau?"),
             "p": gettext_noop("Wer kennt diese verstorbene Person?"),
             "pl": gettext_noop("Wer kennt diese verstorbenen Personen?")},
}
_KIND_GROUP = {Kind.SUSPECT_UNKNOWN: "unknown", Kind.SUSPECT_KNOWN: "known", Kind.CONVICT: "known",
               Kind.MISSING: "missing", Kind.UNKNOWN_DEAD: "dead"}
_WITNESS_QUESTION = gettext_noop("Wer hat etwas beobachtet?")


def heading_question(appeal: Any) -> str:
    """Built from published fields only: the sex counts only where its publish flag is set."""
    group = _KIND_GROUP.get(appeal.kind)
    if group is None:
        return _(_WITNESS_QUESTION)
    sought = [p for p in appeal.persons.all() if p.role != "witness"]
    if len(sought) > 1:
        key = "pl"
    else:
        person = sought[0] if sought else None
        published = person is not None and "sex" in (person.published_fields or [])
        key = person.sex if published and person.sex in ("male", "female") else "p"
    return _(_QUESTIONS[group][key])


def appeal_heading(appeal: Any) -> str:
    """<h1> of the page and card: "Wer kennt diesen Mann? – Raub – Schlossplatz"."""
    subject = appeal_subject(appeal)
    question = heading_question(appeal)
    return f"{question} – {subject}" if subject else question


def appeal_subject(appeal: Any) -> str:
    """Offence (not for missing/unknown dead) and place."""
    parts = []
    if appeal.kind not in (Kind.MISSING, Kind.UNKNOWN_DEAD) and appeal.offence:
        parts.append(appeal.offence)
    place = place_text(appeal)
    if place:
        parts.append(place)
    return " – ".join(parts)


def appeal_summary(appeal: Any) -> str:
    """Headline, offence and place: never a name or the internal title, so it is safe for
    feeds, link previews and list cards. Witness appeals carry the short non-suspect line
    (R5: what a link preview or a card shows must say it too)."""
    text = f"{headline(appeal.kind)}: {appeal_heading(appeal)}"
    if appeal.kind == Kind.WITNESS:
        text += f" ({witness_notice_short()})"
    return text


def appeal_title(appeal: Any) -> str:
    """<title>, og:title, RSS item title: the short danger warning first (R16), then the summary."""
    summary = appeal_summary(appeal)
    return f"{danger_notice_short()} {summary}" if appeal.is_dangerous else summary


def appeal_preview_description(appeal: Any) -> str:
    """og:description / meta description: warning first, the non-suspect line, the summary."""
    parts = [danger_notice()] if appeal.is_dangerous else []
    parts.append(appeal_summary(appeal))
    if appeal.kind == Kind.WITNESS:
        parts.append(witness_notice())
    return " ".join(parts)


def card_texts(appeal: Any) -> list[str]:
    """The list card in reading order (warning first)."""
    texts = [danger_notice_short()] if appeal.is_dangerous else []
    texts += [headline(appeal.kind), appeal_heading(appeal)]
    if appeal.kind == Kind.WITNESS:
        texts.append(witness_notice_short())
    return texts


def public_texts(appeal: Any, images: list[Any] = ()) -> dict[str, Any]:
    """The final texts of every public rendering of an active appeal, per gate channel. An
    appeal goes out on no public channel unless all of them pass (a card or feed item must
    not point to a page that the gate withheld)."""
    persons = [{"fields": person_public_fields(p, appeal)} for p in appeal.persons.all()]
    return {
        "page": page_texts(appeal, persons, list(images)),
        "title": appeal_title(appeal),
        "og_description": appeal_preview_description(appeal),
        "card": card_texts(appeal),
    }


def page_texts(appeal: Any, persons: list[dict[str, Any]], images: list[Any]) -> list[str]:
    """Every visible text of the active page, in reading order, for the output gate."""
    texts = [danger_notice()] if appeal.is_dangerous else []
    texts += [headline(appeal.kind), appeal_heading(appeal)]
    if appeal.kind == Kind.WITNESS:
        texts.append(witness_notice())
    texts += [getattr(img, "alt", "") for img in images]
    texts.append(appeal.public_facts or "")
    if appeal.kind not in (Kind.MISSING, Kind.UNKNOWN_DEAD):
        texts.append(appeal.offence or "")
    texts += [place_text(appeal), appeal_time_text(appeal)]
    for person in persons:
        texts += [f"{f.label}: {f.value}" for f in person["fields"]]
    reward = reward_text(appeal)
    if reward:
        texts += [reward, appeal.reward_conditions or ""]
    texts += [call_to_action(appeal.kind), appeal_hotline(appeal)]  # as the page shows it
    return [t for t in texts if t]


def reward_text(appeal: Any) -> str | None:
    if not (appeal.reward_reference or "").strip() or not appeal.reward_amount:
        return None
    amount = f"{appeal.reward_amount:,}".replace(",", ".")
    text = _("Für Hinweise, die zur Aufklärung führen, ist eine Belohnung von bis zu %(amount)s Euro ausgesetzt.") % {"amount": amount}
    if appeal.reward_authority:
        text += " " + _("Ausgelobt durch: %(authority)s.") % {"authority": appeal.reward_authority}
    return text


def closed_notice(appeal: Any) -> ClosedNotice:
    """Neutral wording per close reason (domain brief, section c). Never a name, photo,
    place of finding or circumstances (R13)."""
    reason = appeal.close_reason
    if reason == CloseReason.FOUND_SAFE:
        return ClosedNotice(
            _("ERLEDIGT"),
            _("Die vermisste Person ist wohlbehalten angetroffen worden. Die Fahndung ist damit erledigt. "
              "Aus Gründen des Persönlichkeitsschutzes machen wir keine weiteren Angaben."),
            _("Medien und Nutzer sozialer Netzwerke werden gebeten, Foto und Namen zu löschen "
              "und geteilte Beiträge zu entfernen."),
        )
    if reason == CloseReason.FOUND_DEAD:
        return ClosedNotice(
            _("BEENDET"),
            _("Die Öffentlichkeitsfahndung ist beendet. Wir bitten um Rücksicht auf die Angehörigen."),
            _("Wir bitten darum, das Foto aus der Berichterstattung zu nehmen und geteilte Beiträge zu löschen."),
        )
    if reason in (CloseReason.ARRESTED, CloseReason.IDENTIFIED):
        outcome = (
            _("Die gesuchte Person wurde festgenommen.") if reason == CloseReason.ARRESTED
            else _("Die gesuchte Person konnte identifiziert werden.")
        )
        return ClosedNotice(
            _("ERLEDIGT"),
            _("Die Öffentlichkeitsfahndung ist erledigt.") + " " + outcome + " " + _("Wir danken für die Mithilfe."),
            _("Bitte verwenden Sie die Fotos nicht mehr und entfernen Sie sie aus Ihren Online-Beiträgen."),
        )
    # order lifted/lapsed, expired, withdrawn, or no reason recorded.
    return ClosedNotice(
        _("BEENDET"),
        _("Die Öffentlichkeitsfahndung ist beendet. Das Ersuchen der Behörden um Mithilfe besteht nicht mehr."),
        _("Das Material darf nicht weiter verwendet werden. Bitte löschen Sie geteilte Beiträge, "
          "Fotos und Kopien dieses Aufrufs."),
    )


def kind_labels() -> list[tuple[str, str]]:
    """Filter options of the list page, in the visitor's language."""
    return [
        (Kind.SUSPECT_KNOWN, _("Tatverdächtige (bekannt)")),
        (Kind.SUSPECT_UNKNOWN, _("Tatverdächtige (unbekannt)")),
        (Kind.CONVICT, _("Verurteilte")),
        (Kind.WITNESS, _("Zeugen")),
        (Kind.MISSING, _("Vermisste")),
        (Kind.UNKNOWN_DEAD, _("Unbekannte Tote")),
    ]
