"""Issue 13 bug 3: a photo approved after publication is on the public page at once — the
page cache is keyed on the appeal's content revision, not on `updated_at`."""

from __future__ import annotations

import pytest

from fahndung.appeals.models import Appeal
from fahndung.imaging import services

pytestmark = pytest.mark.django_db


def test_photo_approval_after_publication_shows_at_once(processed, press, client, run_commit):
    appeal = processed.appeal
    Appeal.objects.filter(pk=appeal.pk).update(status="published")
    before = client.get(f"/fahndung/{appeal.slug}/")
    assert before.status_code == 200 and "/renditions/" not in before.content.decode()
    updated_at = Appeal.objects.get(pk=appeal.pk).updated_at
    run_commit(services.photo_approve, actor=press, photo_id=processed.pk)
    assert Appeal.objects.get(pk=appeal.pk).updated_at == updated_at  # the row's timestamp did not move
    after = client.get(f"/fahndung/{appeal.slug}/")
    assert "/renditions/" in after.content.decode()
    # and gone at once when rejected
    run_commit(services.photo_reject, actor=press, photo_id=processed.pk, reason="Falsche Person")
    assert "/renditions/" not in client.get(f"/fahndung/{appeal.slug}/").content.decode()
