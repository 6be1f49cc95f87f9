"""Legal deadlines derived from the basis and the order (R3), never typed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from fahndung.appeals.choices import IssuerType, LegalBasis

POLICE_EMERGENCY_CONFIRMATION = timedelta(hours=24)  # § 131 (3) S. 2 StPO: StA "unverzüglich", lapses after 24 h
EMERGENCY_ORDER_CONFIRMATION = timedelta(days=7)  # §§ 131a (3), 131b, 131c (2) StPO: one week

# Which issuers may order an appeal under each basis; the second set only with Gefahr im Verzug.
REGULAR_ISSUERS: dict[str, frozenset[str]] = {
    LegalBasis.STPO_131_3: frozenset({IssuerType.JUDGE, IssuerType.PROSECUTOR}),
    LegalBasis.STPO_131A_3: frozenset({IssuerType.JUDGE}),
    LegalBasis.STPO_131B_1: frozenset({IssuerType.JUDGE}),
    LegalBasis.STPO_131B_2: frozenset({IssuerType.JUDGE}),
    LegalBasis.STPO_457_3: frozenset({IssuerType.ENFORCEMENT, IssuerType.PROSECUTOR, IssuerType.JUDGE}),
}
EMERGENCY_ISSUERS: dict[str, frozenset[str]] = {
    LegalBasis.STPO_131_3: frozenset({IssuerType.POLICE}),
    LegalBasis.STPO_131A_3: frozenset({IssuerType.PROSECUTOR, IssuerType.POLICE}),
    LegalBasis.STPO_131B_1: frozenset({IssuerType.PROSECUTOR, IssuerType.POLICE}),
    LegalBasis.STPO_131B_2: frozenset({IssuerType.PROSECUTOR, IssuerType.POLICE}),
    LegalBasis.STPO_457_3: frozenset(),
}


def confirmation_due_at(*, legal_basis: str, issuer_type: str, is_emergency: bool, decided_at: datetime) -> datetime | None:
    """When an emergency order lapses unless confirmed; None when no confirmation is needed."""
    if not is_emergency or issuer_type in REGULAR_ISSUERS.get(legal_basis, frozenset()):
        return None
    if legal_basis == LegalBasis.STPO_131_3:
        return decided_at + POLICE_EMERGENCY_CONFIRMATION
    if legal_basis in (LegalBasis.STPO_131A_3, LegalBasis.STPO_131B_1, LegalBasis.STPO_131B_2):
        return decided_at + EMERGENCY_ORDER_CONFIRMATION
    return None


def issuer_problem(*, legal_basis: str, issuer_type: str, is_emergency: bool) -> str | None:
    """German message if this issuer may not order an appeal on this basis, else None."""
    if issuer_type in REGULAR_ISSUERS.get(legal_basis, frozenset()):
        return None
    if issuer_type in EMERGENCY_ISSUERS.get(legal_basis, frozenset()):
        if is_emergency:
            return None
        return "Diese Stelle darf nur bei Gefahr im Verzug anordnen – bitte Eilanordnung kennzeichnen."
    return "Diese Stelle darf eine Fahndung auf dieser Rechtsgrundlage nicht anordnen."


def required_confirmation(*, legal_basis: str) -> str | None:
    """Who must confirm an emergency order on this basis for an internet appeal:
    § 131 (3) → the prosecutor; §§ 131a (3), 131b → a judge (§ 131c (2), continuing
    electronic publication)."""
    if legal_basis == LegalBasis.STPO_131_3:
        return "prosecutor"
    if legal_basis in (LegalBasis.STPO_131A_3, LegalBasis.STPO_131B_1, LegalBasis.STPO_131B_2):
        return "court"
    return None
