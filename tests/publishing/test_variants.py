"""Post variants: press office edits, exact counter, over-limit texts cannot be approved
and block publication; the R7 media override with role and reason checks."""

from __future__ import annotations

import pytest

from fahndung.appeals import services as appeal_services
from fahndung.appeals.choices import Kind, LegalBasis, Status
from fahndung.appeals.models import Appeal
from fahndung.core.errors import Conflict, PermissionDenied, ValidationFailed
from fahndung.core.models import AuditEvent
from fahndung.publishing import services
from fahndung.publishing.models import PostVariant, Publication


@pytest.fixture
def submitted(appeal, investigator):
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    return appeal


@pytest.mark.django_db
def test_ensure_creates_one_variant_per_text_platform(submitted):
    variants = services.post_variants_ensure(appeal=submitted)
    assert {v.platform for v in variants} == {"x", "mastodon", "bluesky", "facebook", "instagram", "linkedin",
                                              "whatsapp", "press"}
    assert PostVariant.objects.filter(appeal=submitted).count() == 8
    services.post_variants_ensure(appeal=submitted)  # idempotent
    assert PostVariant.objects.filter(appeal=submitted).count() == 8


@pytest.mark.django_db
def test_press_edits_and_approves_variant(submitted, press, press2, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    services.post_variants_ensure(appeal=submitted)
    text = PostVariant.objects.get(appeal=submitted, platform="x").text
    edited = text + " Danke!"
    variant = services.post_variant_update(actor=press, appeal_id=submitted.pk, platform="x", text=edited)
    assert variant.is_edited and variant.edited_by == press and variant.text == edited
    assert AuditEvent.objects.filter(action="post_variant.update").exists()
    # an edited variant survives regeneration
    services.post_variants_ensure(appeal=submitted)
    assert PostVariant.objects.get(appeal=submitted, platform="x").text == edited
    reset = services.post_variant_reset(actor=press, appeal_id=submitted.pk, platform="x")
    assert not reset.is_edited and reset.text == text
    # The appeal approval approves the texts shown (by somebody who did not edit them).
    appeal_services.appeal_approve(actor=press2, appeal_id=submitted.pk)
    approved = PostVariant.objects.get(appeal=submitted, platform="x")
    assert approved.approved_by == press2 and approved.text == text


@pytest.mark.django_db
def test_over_limit_text_is_saved_but_cannot_be_approved(submitted, press, press2):
    services.post_variants_ensure(appeal=submitted)
    text = PostVariant.objects.get(appeal=submitted, platform="x").text + " " + "ä" * 300
    services.post_variant_update(actor=press, appeal_id=submitted.pk, platform="x", text=text)
    assert PostVariant.objects.get(appeal=submitted, platform="x").text == text
    with pytest.raises(ValidationFailed) as exc:
        appeal_services.appeal_approve(actor=press2, appeal_id=submitted.pk)
    assert "zu lang" in exc.value.message


@pytest.mark.django_db
def test_over_limit_variant_blocks_approval_and_publication(submitted, press, press2, no_accounts):
    services.post_variants_ensure(appeal=submitted)
    text = PostVariant.objects.get(appeal=submitted, platform="bluesky").text + "x" * 300
    services.post_variant_update(actor=press, appeal_id=submitted.pk, platform="bluesky", text=text)
    with pytest.raises(ValidationFailed) as exc:
        appeal_services.appeal_approve(actor=press2, appeal_id=submitted.pk, checklist={})
    assert "post_variants.bluesky" in exc.value.fields
    assert Appeal.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert not Publication.objects.filter(appeal=submitted).exists()


@pytest.mark.django_db
def test_investigator_cannot_edit_variants(submitted, investigator):
    with pytest.raises(PermissionDenied):
        services.post_variant_update(actor=investigator, appeal_id=submitted.pk, platform="x", text="x")


@pytest.mark.django_db
def test_no_edit_after_publication(appeal, publish_appeal, press, no_accounts):
    publish_appeal(appeal)
    with pytest.raises(Conflict):
        services.post_variant_update(actor=press, appeal_id=appeal.pk, platform="x", text="neu")


@pytest.mark.django_db
def test_media_override_requires_press_role_and_reason(submitted, press, investigator):
    with pytest.raises(PermissionDenied):
        services.platform_media_override_set(actor=investigator, appeal_id=submitted.pk, allow=True,
                                             reason="Sehr dringender Fall")
    for reason in ("", ".", "..........", "xxxxxxxxxxxxxxxxxxxxxxxxx", "weil es hilft"):
        with pytest.raises(ValidationFailed):
            services.platform_media_override_set(actor=press, appeal_id=submitted.pk, allow=True, reason=reason)
    services.platform_media_override_set(actor=press, appeal_id=submitted.pk, allow=True,
                                         reason="Serientäter, Bild für Wiedererkennung nötig")
    appeal = Appeal.objects.get(pk=submitted.pk)
    assert appeal.allow_platform_media and "Wiedererkennung" in appeal.platform_media_reason
    assert AuditEvent.objects.filter(action="appeal.platform_media", appeal_id=appeal.pk).exists()
    services.platform_media_override_set(actor=press, appeal_id=submitted.pk, allow=False, reason="")
    assert not Appeal.objects.get(pk=submitted.pk).allow_platform_media


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attrs",
    [
        {"kind": Kind.WITNESS, "legal_basis": LegalBasis.STPO_131B_2},
        {"kind": Kind.UNKNOWN_DEAD, "legal_basis": LegalBasis.POLICE_LAW},
        {"is_minor": True},
        {"is_victim": True},
    ],
)
def test_media_override_never_for_protected_cases(attrs, investigator, unit_a, press):
    from tests.factories import AppealFactory

    appeal = AppealFactory(owner=investigator, unit=unit_a, status=Status.SUBMITTED, **attrs)
    with pytest.raises(ValidationFailed):
        services.platform_media_override_set(actor=press, appeal_id=appeal.pk, allow=True,
                                             reason="Dringend, Begründung ausreichend lang")
    assert not Appeal.objects.get(pk=appeal.pk).allow_platform_media
