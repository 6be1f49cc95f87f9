"""§ 131b StPO is the basis for publishing an image (R15 row of docs/rules.md): such an
appeal is not approved without a photo."""

from __future__ import annotations

import pytest

from fahndung.appeals import services
from fahndung.appeals.choices import Kind, LegalBasis, Status
from fahndung.core.errors import ValidationFailed
from tests.factories import AppealFactory, LegalOrderFactory

pytestmark = pytest.mark.django_db


def test_131b_appeal_without_photo_is_not_approved(investigator, press, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, kind=Kind.SUSPECT_UNKNOWN, legal_basis=LegalBasis.STPO_131B_1)
    LegalOrderFactory(appeal=appeal)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    with pytest.raises(ValidationFailed, match="131b"):
        services.appeal_approve(actor=press, appeal_id=appeal.pk, checklist={})
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
