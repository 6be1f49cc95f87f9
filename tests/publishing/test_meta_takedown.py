"""Meta takedown end to end (issue 11 findings 1 and 7): a lost Page role never ends in
"verified absent"; a photo post's Photo object is deleted and checked too."""

from __future__ import annotations

import pytest

from fahndung.appeals import services as appeal_services
from fahndung.lifecycle.models import ManualTakedownTask
from fahndung.publishing import services
from fahndung.publishing.adapters.base import MediaItem, Payload
from fahndung.publishing.adapters.registry import adapter_for
from fahndung.publishing.models import AccountHealth, Publication
from fahndung.publishing.states import State
from fakeplatform import meta as fake_meta

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(appeal, publish_appeal, fake_platform):
    publish_appeal(appeal)
    return appeal


def test_lost_page_role_goes_to_reconnect_and_a_manual_task_never_verified_absent(
    published, press, fake_platform, django_capture_on_commit_callbacks,
):
    publication = Publication.objects.get(appeal=published, account="facebook:ppstuttgart")
    fake_meta.token_set(fake_platform.store, fake_meta.PAGE_TOKEN, access=False)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAW_FAILED and publication.verified_absent_at is None
    assert publication.external_id in {p["id"] for p in fake_platform.posts("facebook", live=True)}
    health = AccountHealth.objects.get(account="facebook:ppstuttgart")
    assert health.status == AccountHealth.Status.RECONNECT_NEEDED and "neu verbinden" in health.last_error
    task = ManualTakedownTask.objects.get(takedown__publication_id=publication.pk)
    assert task.url == publication.external_url
    # The other Graph account (Instagram, own token) was taken down normally.
    ig = Publication.objects.get(appeal=published, account="instagram:ppstuttgart")
    assert ig.state == State.WITHDRAWN and ig.verified_absent_at is not None


def test_photo_post_keeps_and_removes_the_photo_object(appeal, fake_platform):
    publication = Publication.objects.create(
        appeal=appeal, platform="facebook", account="facebook:ppstuttgart", state=State.PUBLISHING,
        idempotency_key="photo-1", text="Wer kennt diesen Mann?", attempts=1,
    )
    item = MediaItem(b"\xff\xd8", "image/jpeg", "Alt", public_url="https://polizei.example/r/1.jpg")
    ref = adapter_for("facebook:ppstuttgart").publish(
        Payload(text=publication.text, link="", idempotency_key="photo-1", media=(item,)))
    from fahndung.publishing.services_remote import _publish_succeeded

    _publish_succeeded(publication.pk, ref)
    publication.refresh_from_db()
    assert publication.extra_ids == list(ref.extra_ids) and publication.extra_ids
    assert services.publication_withdraw(publication_id=publication.pk).status == "withdrawn"
    fake_meta.settle(fake_platform.store)
    assert fake_platform.posts("facebook", live=True) == []  # story and photo gone
    assert fake_platform.delete_calls()[publication.extra_ids[0]] == 1
