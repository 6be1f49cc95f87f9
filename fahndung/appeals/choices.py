"""Enumerations of the appeal domain (German labels, English values)."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    SUSPECT_KNOWN = "suspect_known", "Tatverdächtige Person (bekannt)"
    SUSPECT_UNKNOWN = "suspect_unknown", "Tatverdächtige Person (unbekannt)"
    CONVICT = "convict", "Verurteilte Person (Vollstreckung)"
    WITNESS = "witness", "Zeugin/Zeuge"
    MISSING = "missing", "Vermisste Person"
    UNKNOWN_DEAD = "unknown_dead", "Unbekannte Tote/unbekannter Toter"


class LegalBasis(models.TextChoices):
    STPO_131_3 = "stpo_131_3", "§ 131 Abs. 3 StPO (Festnahme)"
    STPO_131A_3 = "stpo_131a_3", "§ 131a Abs. 3 StPO (Aufenthaltsermittlung)"
    STPO_131B_1 = "stpo_131b_1", "§ 131b Abs. 1 StPO (Abbildung Beschuldigte)"
    STPO_131B_2 = "stpo_131b_2", "§ 131b Abs. 2 StPO (Abbildung Zeugen)"
    STPO_457_3 = "stpo_457_3", "§ 457 Abs. 3 StPO (Vollstreckung)"
    POLICE_LAW = "police_law", "Polizeirecht (Vermisste, unbekannte Tote)"


STPO_BASES = frozenset(b for b in LegalBasis if b != LegalBasis.POLICE_LAW)

# R1: the kind determines which bases are admissible.
ALLOWED_BASES: dict[str, frozenset[str]] = {
    Kind.SUSPECT_KNOWN: frozenset({LegalBasis.STPO_131_3, LegalBasis.STPO_131A_3, LegalBasis.STPO_131B_1}),
    Kind.SUSPECT_UNKNOWN: frozenset({LegalBasis.STPO_131B_1}),
    Kind.CONVICT: frozenset({LegalBasis.STPO_457_3, LegalBasis.STPO_131_3}),
    Kind.WITNESS: frozenset({LegalBasis.STPO_131A_3, LegalBasis.STPO_131B_2}),
    Kind.MISSING: frozenset({LegalBasis.POLICE_LAW}),
    Kind.UNKNOWN_DEAD: frozenset({LegalBasis.POLICE_LAW}),
}

HEADLINES = {
    Kind.SUSPECT_KNOWN: "FAHNDUNG",
    Kind.SUSPECT_UNKNOWN: "FAHNDUNG",
    Kind.CONVICT: "FAHNDUNG",
    Kind.WITNESS: "ZEUGEN GESUCHT",
    Kind.MISSING: "VERMISST",
    Kind.UNKNOWN_DEAD: "UNBEKANNTE TOTE",
}

WITNESS_NOTICE = "Die gesuchte Person wird als Zeugin/Zeuge gesucht – sie ist nicht tatverdächtig."
DANGER_NOTICE = "Achtung: Die gesuchte Person ist möglicherweise bewaffnet oder gefährlich. Nicht ansprechen – sofort 110 wählen!"
# R5: words that must never appear in a witness appeal's public text.
WITNESS_BLOCKED_WORDS = ("täter", "tatverdächtig", "beschuldigt")


class IssuerType(models.TextChoices):
    JUDGE = "judge", "Gericht (Richter/in)"
    PROSECUTOR = "prosecutor", "Staatsanwaltschaft"
    POLICE = "police", "Polizei (Ermittlungsperson)"
    ENFORCEMENT = "enforcement", "Vollstreckungsbehörde"


class Status(models.TextChoices):
    DRAFT = "draft", "Entwurf"
    SUBMITTED = "submitted", "Zur Freigabe eingereicht"
    CHANGES_REQUESTED = "changes_requested", "Änderungen angefordert"
    APPROVED = "approved", "Freigegeben"
    PUBLISHED = "published", "Veröffentlicht"
    CLOSED = "closed", "Erledigt"
    ARCHIVED = "archived", "Archiviert"


class CloseReason(models.TextChoices):
    ARRESTED = "arrested", "Festnahme"
    IDENTIFIED = "identified", "Identifiziert"
    FOUND_SAFE = "found_safe", "Wohlbehalten angetroffen"
    FOUND_DEAD = "found_dead", "Tot aufgefunden"
    ORDER_LIFTED = "order_lifted", "Anordnung aufgehoben"
    ORDER_LAPSED = "order_lapsed", "Anordnung nicht bestätigt/abgelaufen"
    EXPIRED = "expired", "Ablauf der Fahndungsdauer"
    WITHDRAWN = "withdrawn", "Zurückgezogen"


class RiskCategory(models.TextChoices):
    NONE = "", "—"
    MINOR = "minor", "Minderjährig"
    SUICIDE = "suicide", "Suizidgefahr"
    HELPLESS = "helpless", "Hilflos/Demenz"
    MEDICATION = "medication", "Medikamentenabhängig"
    CRIME_VICTIM = "crime_victim", "Mögliches Opfer einer Straftat"


class PersonRole(models.TextChoices):
    SUSPECT = "suspect", "Tatverdächtig"
    CONVICT = "convict", "Verurteilt"
    WITNESS = "witness", "Zeuge/Zeugin"
    MISSING = "missing", "Vermisst"
    DECEASED = "deceased", "Verstorben"


class Sex(models.TextChoices):
    UNKNOWN = "", "unbekannt"
    FEMALE = "female", "weiblich"
    MALE = "male", "männlich"
    DIVERSE = "diverse", "divers"
