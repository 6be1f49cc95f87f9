"""Content rules checked by the services before submit, approval and publication.

Each check returns a dict field -> [German messages]; empty means OK. Rules cite
the domain brief (R-numbers) so reviewers can trace them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from fahndung.appeals import gate
from fahndung.appeals.choices import (
    ALLOWED_BASES,
    STPO_BASES,
    IssuerType,
    Kind,
    LegalBasis,
)
from fahndung.appeals.deadlines import issuer_problem
from fahndung.appeals.models import Appeal, LegalOrder
from fahndung.core import clock

Problems = dict[str, list[str]]


def _add(problems: Problems, field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def max_expiry_days(kind: str) -> int:
    return int(settings.FAHNDUNG_MAX_EXPIRY_DAYS.get(kind, 90))


def check_basis(appeal: Appeal) -> Problems:
    problems: Problems = {}
    if appeal.legal_basis not in ALLOWED_BASES.get(appeal.kind, frozenset()):
        _add(problems, "legal_basis", "Die Rechtsgrundlage passt nicht zur Fahndungsart (R1).")
    return problems


def check_expiry(appeal: Appeal, *, reference=None) -> Problems:
    problems: Problems = {}
    now = clock.now()
    start = reference or now
    if appeal.expires_at is None:
        _add(problems, "expires_at", "Ein Ablaufdatum ist Pflicht.")
    elif appeal.expires_at <= now:
        _add(problems, "expires_at", "Das Ablaufdatum liegt in der Vergangenheit.")
    elif appeal.expires_at > start + timedelta(days=max_expiry_days(appeal.kind)):
        _add(
            problems, "expires_at",
            f"Für diese Fahndungsart sind höchstens {max_expiry_days(appeal.kind)} Tage zulässig.",
        )
    return problems


def check_content(appeal: Appeal) -> Problems:
    """Completeness rules required for submission (R2, R5, R12, R17, R20)."""
    problems = check_basis(appeal)
    problems.update(check_expiry(appeal))
    if not appeal.title.strip():
        _add(problems, "title", "Bitte einen Kurztitel angeben.")
    if not appeal.file_number_police.strip():
        _add(problems, "file_number_police", "Das Aktenzeichen ist Pflicht.")
    if appeal.legal_basis in STPO_BASES:
        for field, label in (
            ("offence", "die Straftat"),
            ("significance_reason", "die Begründung der erheblichen Bedeutung"),
            ("measures_taken", "die bisherigen Maßnahmen (Subsidiarität)"),
        ):
            if not getattr(appeal, field).strip():
                _add(problems, field, f"Bitte {label} angeben (R2).")
        if appeal.kind == Kind.SUSPECT_KNOWN and not appeal.urgent_suspicion:
            _add(problems, "urgent_suspicion", "Bei bekannten Tatverdächtigen muss dringender Tatverdacht bestehen (R2).")
    # R5, R6, R17, R20, BDSG § 46 Nr. 14 on every field that can reach an output (appeals.gate).
    for field, messages in gate.source_field_problems(
            appeal, captions=appeal.photos.values_list("caption", flat=True)).items():
        for message in messages:
            _add(problems, field, message)
    if appeal.kind == Kind.MISSING:
        has_consent = appeal.consent_given_by.strip() and appeal.consent_date
        if not has_consent and not gate.justified(appeal.consent_exception):
            _add(problems, "consent_given_by", "Vermisstenfahndung: Einwilligung der Angehörigen oder begründete "
                 "Ausnahme (mind. 20 Buchstaben in ganzen Wörtern) erforderlich (R12).")
        if not appeal.risk_category:
            _add(problems, "risk_category", "Bitte die Gefahrenkategorie angeben (R12).")
    if appeal.reward_amount and not appeal.reward_reference.strip():
        _add(problems, "reward_reference", "Eine Belohnung erfordert das Aktenzeichen der Auslobung (R17).")
    if not appeal.persons.exists():
        _add(problems, "persons", "Mindestens eine gesuchte Person ist anzugeben.")
    for person in appeal.persons.all():
        if "nationality" in person.published_fields and not gate.justified(person.nationality_justification):
            _add(problems, "persons", "Nationalität nur mit schriftlicher Begründung (mind. 20 Buchstaben) "
                 "veröffentlichen (R20).")
        if "name" in person.published_fields and appeal.legal_basis in STPO_BASES:
            order = _order(appeal)
            if order is None or not order.name_allowed:
                _add(problems, "persons", "Der Name darf nur veröffentlicht werden, wenn die Anordnung es erlaubt (R4).")
    if appeal.legal_basis in STPO_BASES and appeal.protects_minor and not court_ordered(_order(appeal)):
        _add(problems, "order", "Minderjährige: Die Fahndung braucht eine richterliche Anordnung oder "
                                "Bestätigung (R14).")
    return problems


def court_ordered(order: LegalOrder | None) -> bool:
    """Ordered by a judge, or an emergency order confirmed by a court (R14 for minors)."""
    if order is None:
        return False
    return order.issuer_type == IssuerType.JUDGE or (
        order.confirmed_at is not None and order.confirmed_by_authority == "court"
    )


def _order(appeal: Appeal) -> LegalOrder | None:
    try:
        return appeal.order
    except LegalOrder.DoesNotExist:
        return None


def check_order(appeal: Appeal) -> Problems:
    """A valid legal order exists for StPO bases and has not lapsed (R3)."""
    problems: Problems = {}
    if appeal.legal_basis not in STPO_BASES:
        return problems
    order = _order(appeal)
    if order is None:
        _add(problems, "order", "Ohne gültige Anordnung keine Freigabe (StPO-Fahndung, R3).")
        return problems
    for field, label in (("authority", "Gericht/Behörde"), ("decision_number", "Beschluss-Nr."), ("decided_at", "Datum/Uhrzeit")):
        if not getattr(order, field):
            _add(problems, f"order.{field}", f"Anordnung unvollständig: {label} fehlt.")
    issue = issuer_problem(legal_basis=appeal.legal_basis, issuer_type=order.issuer_type, is_emergency=order.is_emergency)
    if issue:
        _add(problems, "order.issuer_type", issue)
    if order_lapsed(order):
        _add(problems, "order", "Die Eilanordnung wurde nicht fristgerecht bestätigt – Veröffentlichung gesperrt (R3).")
    return problems


def order_lapsed(order: LegalOrder | None) -> bool:
    if order is None or order.confirmation_due_at is None or order.confirmed_at is not None:
        return False
    return clock.now() >= order.confirmation_due_at


IMAGE_BASES = frozenset({LegalBasis.STPO_131B_1, LegalBasis.STPO_131B_2})


def basis_needs_image(appeal: Appeal) -> bool:
    """§ 131b StPO is the basis for publishing an image: no image, no such appeal."""
    return appeal.legal_basis in IMAGE_BASES


def check_publishable(appeal: Appeal) -> Problems:
    problems = check_order(appeal)
    problems.update(check_expiry(appeal, reference=appeal.approved_at))
    return problems
