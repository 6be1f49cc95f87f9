"""Content rules enforced by the services: four eyes, legal order, R5/R12/R14/R17/R20, versioning."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.accounts.roles import INVESTIGATOR, PRESS_OFFICE
from fahndung.appeals import services
from fahndung.appeals.choices import Kind, LegalBasis, Status
from fahndung.appeals.models import AppealVersion, LegalOrder, Person
from fahndung.core import clock
from fahndung.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.factories import AppealFactory, LegalOrderFactory, UserFactory


def test_submitter_never_approves_even_with_both_roles(unit_a, press):
    both = UserFactory(username="both", roles=[INVESTIGATOR, PRESS_OFFICE], unit=unit_a)
    appeal = AppealFactory(owner=both, unit=unit_a)
    LegalOrderFactory(appeal=appeal)
    services.appeal_submit(actor=both, appeal_id=appeal.pk)
    with pytest.raises(PermissionDenied, match="Vier-Augen"):
        services.appeal_approve(actor=both, appeal_id=appeal.pk)
    assert services.appeal_approve(actor=press, appeal_id=appeal.pk).status == Status.PUBLISHED


@pytest.mark.parametrize("flag", ["is_minor", "is_victim"])
def test_minors_and_victims_need_two_distinct_approvers(flag, appeal, investigator, press, press2):
    setattr(appeal, flag, True)
    appeal.save()
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    first = services.appeal_approve(actor=press, appeal_id=appeal.pk)
    assert first.status == Status.SUBMITTED
    with pytest.raises(Conflict, match="zweite Person"):
        services.appeal_approve(actor=press, appeal_id=appeal.pk)
    second = services.appeal_approve(actor=press2, appeal_id=appeal.pk)
    assert second.status == Status.PUBLISHED
    assert list(second.events.values_list("action", flat=True)) == ["submit", "approve_partial", "approve", "publish"]


def test_no_approval_without_order_for_stpo(investigator, unit_a, press):
    appeal = AppealFactory(owner=investigator, unit=unit_a)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    with pytest.raises(ValidationFailed, match="Anordnung") as info:
        services.appeal_approve(actor=press, appeal_id=appeal.pk)
    assert "order" in info.value.fields


def test_wrong_issuer_blocks_approval(appeal, investigator, press):
    LegalOrder.objects.filter(appeal=appeal).update(issuer_type="police", is_emergency=False)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    with pytest.raises(ValidationFailed, match="Gefahr im Verzug"):
        services.appeal_approve(actor=press, appeal_id=appeal.pk)


@pytest.mark.parametrize("field", ["offence", "significance_reason", "measures_taken"])
def test_stpo_appeal_needs_threshold_fields(field, appeal, investigator):
    setattr(appeal, field, "  ")
    appeal.save()
    with pytest.raises(ValidationFailed) as info:
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    assert field in info.value.fields
    appeal.refresh_from_db()
    assert appeal.status == Status.DRAFT


def test_known_suspect_needs_urgent_suspicion(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.SUSPECT_KNOWN, legal_basis=LegalBasis.STPO_131_3,
                           urgent_suspicion=False)
    with pytest.raises(ValidationFailed) as info:
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    assert "urgent_suspicion" in info.value.fields


def test_witness_text_may_not_call_the_person_a_suspect(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.WITNESS, legal_basis=LegalBasis.STPO_131B_2,
                           public_facts="Die Zeugin sah den Täter flüchten.")
    with pytest.raises(ValidationFailed, match="Täter"):
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)


def test_missing_person_needs_consent_or_documented_exception(investigator, unit_a, press):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW,
                           risk_category="helpless", offence="", significance_reason="", measures_taken="")
    with pytest.raises(ValidationFailed) as info:
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    assert "consent_given_by" in info.value.fields
    services.appeal_update(actor=investigator, appeal_id=appeal.pk, data={
        "consent_given_by": "Maria Muster", "consent_relation": "Tochter", "consent_date": clock.now().date(),
    })
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    # Police-law appeals need no court order.
    assert services.appeal_approve(actor=press, appeal_id=appeal.pk).status == Status.PUBLISHED


def test_missing_person_exception_instead_of_consent(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW,
                           risk_category="suicide", consent_exception="Keine Angehörigen erreichbar, Lebensgefahr.")
    assert services.appeal_submit(actor=investigator, appeal_id=appeal.pk).status == Status.SUBMITTED


def test_kind_and_basis_must_match(investigator):
    with pytest.raises(ValidationFailed) as info:
        services.appeal_create(actor=investigator, data={
            "kind": Kind.MISSING, "legal_basis": LegalBasis.STPO_131B_1, "title": "x", "file_number_police": "1",
            "expires_at": clock.now() + timedelta(days=3),
        })
    assert "legal_basis" in info.value.fields


def test_reward_needs_authorisation_reference(investigator):
    with pytest.raises(ValidationFailed) as info:
        services.appeal_create(actor=investigator, data={
            "kind": Kind.SUSPECT_UNKNOWN, "legal_basis": LegalBasis.STPO_131B_1, "title": "x",
            "file_number_police": "1", "expires_at": clock.now() + timedelta(days=3), "reward_amount": 5000,
        })
    assert "reward_reference" in info.value.fields


def test_expiry_is_mandatory_and_capped_per_kind(appeal, investigator, settings):
    settings.FAHNDUNG_MAX_EXPIRY_DAYS = {**settings.FAHNDUNG_MAX_EXPIRY_DAYS, appeal.kind: 30}
    appeal.expires_at = clock.now() + timedelta(days=31)
    appeal.save()
    with pytest.raises(ValidationFailed, match="höchstens 30 Tage"):
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    appeal.expires_at = clock.now() - timedelta(minutes=1)
    appeal.save()
    with pytest.raises(ValidationFailed, match="Vergangenheit"):
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)


def test_name_published_only_when_order_allows(appeal, investigator):
    Person.objects.filter(appeal=appeal).update(name="Max Muster", published_fields=["name", "sex"])
    with pytest.raises(ValidationFailed, match="Name"):
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    LegalOrder.objects.filter(appeal=appeal).update(name_allowed=True)
    assert services.appeal_submit(actor=investigator, appeal_id=appeal.pk).status == Status.SUBMITTED


def test_nationality_needs_justification(appeal, investigator):
    Person.objects.filter(appeal=appeal).update(nationality="X", published_fields=["nationality"])
    with pytest.raises(ValidationFailed, match="R20"):
        services.appeal_submit(actor=investigator, appeal_id=appeal.pk)


def test_sensitive_person_fields_default_to_unpublished(investigator):
    appeal = services.appeal_create(
        actor=investigator,
        data={"kind": Kind.SUSPECT_UNKNOWN, "legal_basis": LegalBasis.STPO_131B_1, "title": "x",
              "file_number_police": "1", "expires_at": clock.now() + timedelta(days=3)},
        persons=[{"name": "Max", "address": "Hauptstr. 1", "health_notes": "Diabetes", "clothing": "blaue Jacke"}],
    )
    published = set(appeal.persons.get().published_fields)
    assert {"name", "address", "health_notes", "nationality", "date_of_birth", "vehicle"}.isdisjoint(published)
    assert "clothing" in published


def test_edit_of_approved_appeal_goes_back_to_approval_with_new_version(appeal, investigator, press, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    updated = services.appeal_update(actor=investigator, appeal_id=appeal.pk, data={"place": "Stuttgart-Süd"})
    assert updated.status == Status.SUBMITTED
    assert updated.version == 2
    assert AppealVersion.objects.filter(appeal=appeal).count() == 2
    # The old approval does not count for the new version.
    assert services.appeal_approve(actor=press, appeal_id=appeal.pk).status == Status.APPROVED


def test_edit_without_change_keeps_approval(appeal, investigator, press, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    assert services.appeal_update(actor=investigator, appeal_id=appeal.pk, data={"place": appeal.place}).status == Status.APPROVED


def test_published_appeal_cannot_be_edited(appeal, investigator, press):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    with pytest.raises(Conflict):
        services.appeal_update(actor=investigator, appeal_id=appeal.pk, data={"place": "x"})


def test_request_changes_needs_a_comment(appeal, investigator, press):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    with pytest.raises(ValidationFailed):
        services.appeal_request_changes(actor=press, appeal_id=appeal.pk, comment="   ")


def test_other_unit_cannot_edit_or_submit(appeal, investigator2):
    from fahndung.core.errors import NotFound

    with pytest.raises(NotFound):
        services.appeal_update(actor=investigator2, appeal_id=appeal.pk, data={"place": "x"})
    with pytest.raises(NotFound):
        services.appeal_submit(actor=investigator2, appeal_id=appeal.pk)


def test_close_reason_must_fit_the_kind(appeal, investigator, press):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    with pytest.raises(ValidationFailed):
        services.appeal_close(actor=press, appeal_id=appeal.pk, reason="found_safe")
    with pytest.raises(ValidationFailed):
        services.appeal_close(actor=press, appeal_id=appeal.pk, reason="nonsense")


def test_same_instant_in_another_time_zone_is_not_a_change(appeal, investigator, press, settings):
    from datetime import UTC

    settings.FAHNDUNG_AUTO_PUBLISH = False
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    same = appeal.expires_at.astimezone(UTC)
    assert services.appeal_update(actor=investigator, appeal_id=appeal.pk, data={"expires_at": same}).status == Status.APPROVED


def test_blocked_publication_is_recorded_in_the_history(appeal, investigator, press, monkeypatch):
    def refuse(**kwargs):
        raise ValidationFailed("Text für X ist zu lang.")

    monkeypatch.setattr("fahndung.publishing.services.publications_create_for_appeal", refuse)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    result = services.appeal_approve(actor=press, appeal_id=appeal.pk)
    assert result.status == Status.APPROVED
    event = result.events.latest("id")
    assert (event.action, event.comment) == ("publish_blocked", "Text für X ist zu lang.")


def test_extend_moves_expiry_of_published_appeal_within_cap(appeal, investigator, press):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    new = clock.now() + timedelta(days=100)
    assert services.appeal_extend(actor=press, appeal_id=appeal.pk, expires_at=new).expires_at == new
    with pytest.raises(ValidationFailed, match="höchstens"):
        services.appeal_extend(actor=press, appeal_id=appeal.pk, expires_at=clock.now() + timedelta(days=400))


def test_extend_refused_for_unpublished(appeal, press):
    with pytest.raises(Conflict):
        services.appeal_extend(actor=press, appeal_id=appeal.pk, expires_at=clock.now() + timedelta(days=10))
