"""An attachment download is audited only when the file was actually handed out: a 404
(wrong appeal in the path, missing stored file) leaves no "tip.attachment_view" row."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages

from fahndung.core.models import AuditEvent
from fahndung.tips import services
from fahndung.tips.models import Tip
from tests.factories import AppealFactory
from tests.tips.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def tip(published):
    receipt = services.tip_submit_public(appeal_slug=published.slug, content="Hinweis", client_key="k",
                                         attachments=[upload("a.jpg", image_bytes())])
    return Tip.objects.get(pk=receipt.tip_id)


def _views() -> int:
    return AuditEvent.objects.filter(action="tip.attachment_view").count()


def test_download_under_another_appeal_is_404_without_audit(api_as, investigator, unit_a, tip, published):
    other = AppealFactory(owner=investigator, unit=unit_a)
    attachment = tip.attachments.get()
    client = api_as(investigator)
    response = client.get(f"/api/v1/appeals/{other.pk}/tips/attachments/{attachment.pk}/")
    assert response.status_code == 404 and response.json()["error"]
    assert _views() == 0
    ok = client.get(f"/api/v1/appeals/{published.pk}/tips/attachments/{attachment.pk}/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content)
    assert _views() == 1


def test_missing_stored_file_is_not_audited(api_as, client, investigator, tip, published):
    attachment = tip.attachments.get()
    storages["private"].delete(attachment.blob.storage_name)
    response = api_as(investigator).get(f"/api/v1/appeals/{published.pk}/tips/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert _views() == 0
