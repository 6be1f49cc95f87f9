"""Withdrawal notice wording by close reason (domain.md section (c), R3, R9, R13).

Never names places of discovery, circumstances or causes; the name appears only
when the order allows it and the appeal published it.
"""

from __future__ import annotations

from typing import Any

from fahndung.appeals.choices import WITNESS_NOTICE_SHORT, CloseReason, Kind
from fahndung.core import formatting


def _person(appeal: Any) -> Any:
    return appeal.persons.order_by("position", "id").first()


def _age(appeal: Any) -> str:
    person = _person(appeal)
    if person is None or person.age_min is None:
        return ""
    if person.age_max and person.age_max != person.age_min:
        return f"{person.age_min}- bis {person.age_max}"
    return str(person.age_min)


def _sought(appeal: Any) -> str:
    person = _person(appeal)
    try:
        name_allowed = bool(appeal.order.name_allowed)
    except Exception:
        name_allowed = False
    if person is not None and person.name and name_allowed and "name" in (person.published_fields or []):
        return person.name
    return {
        Kind.SUSPECT_KNOWN: "einem Tatverdächtigen", Kind.SUSPECT_UNKNOWN: "einem unbekannten Tatverdächtigen",
        Kind.CONVICT: "einer verurteilten Person", Kind.WITNESS: "einer Zeugin/einem Zeugen",
        Kind.MISSING: "einer vermissten Person", Kind.UNKNOWN_DEAD: "einer unbekannten verstorbenen Person",
    }.get(appeal.kind, "einer Person")


MEDIA_REQUEST = (
    "Medienhinweis: Bitte verwenden Sie die Fotos und Angaben nicht mehr und entfernen Sie sie "
    "aus Ihren Online-Beiträgen, Archiven und Aushängen."
)


def notice_text(*, appeal: Any, reason: str, org_name: str) -> tuple[str, str]:
    """(subject, body) of the withdrawal notice for `reason`."""
    since = formatting.format_date(appeal.published_at or appeal.created_at)
    place = appeal.district or "Stuttgart"
    ref = appeal.file_number_police
    if reason == CloseReason.FOUND_SAFE:
        age = _age(appeal)
        who = f"{age}-jährige Person" if age else "Person"
        subject = f"Vermisstenfahndung erledigt – {place}"
        text = (
            f"Die seit {since} vermisste {who} aus {place} ist wohlbehalten angetroffen worden. "
            "Die Fahndung ist damit erledigt. Aus Gründen des Persönlichkeitsschutzes machen wir keine "
            "weiteren Angaben. Medien und Nutzer sozialer Netzwerke werden gebeten, Foto und Namen zu "
            "löschen und geteilte Beiträge zu entfernen."
        )
    elif reason == CloseReason.FOUND_DEAD:
        age = _age(appeal)
        who = f"nach der {age}-jährigen Person" if age else "nach der vermissten Person"
        subject = "Vermisstenfahndung beendet"
        text = (
            f"Die Öffentlichkeitsfahndung {who} ist beendet. Wir bitten darum, das Foto aus der "
            "Berichterstattung zu nehmen und geteilte Beiträge zu löschen, und bitten um Rücksicht auf die Angehörigen."
        )
    elif reason in (CloseReason.ARRESTED, CloseReason.IDENTIFIED):
        outcome = "Die gesuchte Person wurde festgenommen." if reason == CloseReason.ARRESTED else (
            "Die gesuchte Person konnte identifiziert werden."
        )
        subject = f"Erledigung der Öffentlichkeitsfahndung – {place}"
        text = (
            f"Erledigung der Öffentlichkeitsfahndung – {place}: Die Fahndung vom {since} nach {_sought(appeal)} "
            f"ist erledigt. {outcome} Wir danken für die Mithilfe. {MEDIA_REQUEST}"
        )
    elif reason in (CloseReason.ORDER_LAPSED, CloseReason.ORDER_LIFTED):
        subject = f"Öffentlichkeitsfahndung zurückgenommen – {place}"
        text = (
            f"Die Bitte um Veröffentlichung der Fahndung vom {since} besteht nicht mehr: Die zugrunde liegende "
            "Anordnung ist " + ("aufgehoben worden" if reason == CloseReason.ORDER_LIFTED else "nicht bestätigt worden und damit erloschen")
            + ". Das Material darf nicht weiter verwendet werden. " + MEDIA_REQUEST
        )
    else:  # expired, withdrawn
        subject = f"Öffentlichkeitsfahndung beendet – {place}"
        text = (
            f"Die Öffentlichkeitsfahndung vom {since} ist beendet; die Bitte um Veröffentlichung besteht "
            f"nicht mehr. {MEDIA_REQUEST}"
        )
    return subject, _body(appeal, text, ref, org_name)


def _body(appeal: Any, text: str, ref: str, org_name: str) -> str:
    if appeal.kind == Kind.WITNESS:  # R5: the non-suspect line on every output, this one too
        text = f"{text} Hinweis: {WITNESS_NOTICE_SHORT}."
    return f"{text}\n\nAktenzeichen: {ref}\n{org_name}\n"


def neutral_notice_text(*, appeal: Any, org_name: str) -> tuple[str, str]:
    """Fallback when the reason's wording fails the output gate (e.g. a district field with a
    barred word, a name): no place, no person – the request to stop using the material
    must still go out."""
    since = formatting.format_date(appeal.published_at or appeal.created_at)
    text = (f"Die Öffentlichkeitsfahndung vom {since} ist beendet; die Bitte um Veröffentlichung besteht "
            f"nicht mehr. {MEDIA_REQUEST}")
    return "Öffentlichkeitsfahndung beendet", _body(appeal, text, appeal.file_number_police, org_name)
