"""Enumerations of the appeal domain (German labels, English values)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUSPECT_KNOWN = "suspect_known", _("Tatverdächtige Person (bekannt)")
    SUSPECT_UNKNOWN = "suspect_unknown", _("Tatverdächtige Person (unbekannt)")
    CONVICT = "convict", _("Verurteilte Person (Vollstreckung)")
    WITNESS = "witness", _("Zeugin/Zeuge")
    MISSING = "missing", _("Vermisste Person")
    UNKNOWN_DEAD = "unknown_dead", _("Unbekannte Tote/unbekannter Toter")


class LegalBasis(models.TextChoices):
    STPO_131_3 = "stpo_131_3", _("§ 131 Abs. 3 StPO (Festnahme)")
    STPO_131A_3 = "stpo_131a_3", _("§ 131a Abs. 3 StPO (Aufenthaltsermittlung)")
    STPO_131B_1 = "stpo_131b_1", _("§ 131b Abs. 1 StPO (Abbildung Beschuldigte)")
    STPO_131B_2 = "stpo_131b_2", _("§ 131b Abs. 2 StPO (Abbildung Zeugen)")
    STPO_457_3 = "stpo_457_3", _("§ 457 Abs. 3 StPO (Vollstreckung)")
    POLICE_LAW = "police_law", _("Polizeirecht (Vermisste, unbekannte Tote)")


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
# Short forms for titles, link previews and list cards (what a preview shows must carry them too).
WITNESS_NOTICE_SHORT = "Zeugin/Zeuge gesucht – nicht tatverdächtig"
DANGER_NOTICE_SHORT = "Achtung: nicht ansprechen – sofort 110!"
# R5: the barred word forms live in appeals.textnorm.WITNESS_BLOCKED_FORMS (one list, normalised).


class IssuerType(models.TextChoices):
    JUDGE = "judge", _("Gericht (Richter/in)")
    PROSECUTOR = "prosecutor", _("Staatsanwaltschaft")
    POLICE = "police", _("Polizei (Ermittlungsperson)")
    ENFORCEMENT = "enforcement", _("Vollstreckungsbehörde")


class ConfirmingAuthority(models.TextChoices):
    COURT = "court", _("Gericht (Richter/in)")
    PROSECUTOR = "prosecutor", _("Staatsanwaltschaft")


class Status(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Zur Freigabe eingereicht")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen angefordert")
    APPROVED = "approved", _("Freigegeben")
    PUBLISHED = "published", _("Veröffentlicht")
    CLOSED = "closed", _("Erledigt")
    ARCHIVED = "archived", _("Archiviert")


class CloseReason(models.TextChoices):
    ARRESTED = "arrested", _("Festnahme")
    IDENTIFIED = "identified", _("Identifiziert")
    FOUND_SAFE = "found_safe", _("Wohlbehalten angetroffen")
    FOUND_DEAD = "found_dead", _("Tot aufgefunden")
    ORDER_LIFTED = "order_lifted", _("Anordnung aufgehoben")
    ORDER_LAPSED = "order_lapsed", _("Anordnung nicht bestätigt/abgelaufen")
    EXPIRED = "expired", _("Ablauf der Fahndungsdauer")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")


class RiskCategory(models.TextChoices):
    NONE = "", "—"
    MINOR = "minor", _("Minderjährig")
    SUICIDE = "suicide", _("Suizidgefahr")
    HELPLESS = "helpless", _("Hilflos/Demenz")
    MEDICATION = "medication", _("Medikamentenabhängig")
    CRIME_VICTIM = "crime_victim", _("Mögliches Opfer einer Straftat")


class PersonRole(models.TextChoices):
    SUSPECT = "suspect", _("Tatverdächtig")
    CONVICT = "convict", _("Verurteilt")
    WITNESS = "witness", _("Zeuge/Zeugin")
    MISSING = "missing", _("Vermisst")
    DECEASED = "deceased", _("Verstorben")


class Sex(models.TextChoices):
    UNKNOWN = "", _("unbekannt")
    FEMALE = "female", _("weiblich")
    MALE = "male", _("männlich")
    DIVERSE = "diverse", _("divers")
