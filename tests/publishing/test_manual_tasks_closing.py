"""Closing an appeal ends its manual publish to-dos ("Veröffentlichen: WhatsApp-Kanal").

Found in a real browser: after a close the task stayed open, and confirming it marked
WhatsApp "published" on a closed appeal.
"""

from __future__ import annotations

import pytest

from fahndung.appeals import services as appeal_services
from fahndung.core.errors import Conflict
from fahndung.lifecycle.models import ManualTakedownTask
from fahndung.publishing import services
from fahndung.publishing.models import ManualPublishTask, Publication
from fahndung.publishing.states import Desired, State
from tests.accounts.helpers import verified_client

pytestmark = pytest.mark.django_db


def _close(appeal, press, capture) -> None:
    with capture(execute=True):
        appeal_services.appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")


def test_closing_cancels_every_open_publish_task(appeal, publish_appeal, fake_platform, press,
                                                 django_capture_on_commit_callbacks):
    publish_appeal(appeal)
    open_tasks = ManualPublishTask.objects.filter(publication__appeal=appeal, status=ManualPublishTask.Status.OPEN)
    assert open_tasks.filter(publication__account="whatsapp:ppstuttgart").exists()
    ids = list(open_tasks.values_list("pk", flat=True))
    _close(appeal, press, django_capture_on_commit_callbacks)
    tasks = ManualPublishTask.objects.filter(pk__in=ids)
    assert {t.status for t in tasks} == {ManualPublishTask.Status.CANCELLED}
    assert all(t.done_at and t.note for t in tasks)
    client = verified_client(press)
    html = client.get("/staff/publishing/tasks/").content.decode()
    assert appeal.slug not in html
    # Whether a person posted it anyway cannot be known: the removal check stays a task.
    whatsapp = Publication.objects.get(appeal=appeal, account="whatsapp:ppstuttgart")
    assert ManualTakedownTask.objects.filter(takedown__publication_id=whatsapp.pk).count() == 1


def test_publish_can_never_be_confirmed_on_a_closed_appeal(appeal, publish_appeal, fake_platform, press,
                                                           django_capture_on_commit_callbacks):
    publish_appeal(appeal)
    task = ManualPublishTask.objects.get(publication__account="whatsapp:ppstuttgart", publication__appeal=appeal)
    _close(appeal, press, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        services.manual_task_complete(actor=press, task_id=task.pk, note="gepostet")
    client = verified_client(press)
    r = client.post(f"/staff/publishing/tasks/{task.pk}/done/", {"note": "gepostet", "external_url": ""}, follow=True)
    assert r.status_code in {200, 409} and "erledigt" in r.content.decode()
    publication = Publication.objects.get(pk=task.publication_id)
    assert publication.state != State.PUBLISHED and publication.desired_state == Desired.WITHDRAWN
    task.refresh_from_db()
    assert task.status == ManualPublishTask.Status.CANCELLED


def test_a_task_left_open_on_a_withdrawn_publication_cannot_publish(appeal, publish_appeal, fake_platform, press):
    """Even a task that escaped the close (older data) refuses once withdrawal is desired."""
    publish_appeal(appeal)
    task = ManualPublishTask.objects.get(publication__account="whatsapp:ppstuttgart", publication__appeal=appeal)
    Publication.objects.filter(pk=task.publication_id).update(desired_state=Desired.WITHDRAWN)
    with pytest.raises(Conflict):
        services.manual_task_complete(actor=press, task_id=task.pk, note="gepostet")
    task.refresh_from_db()
    assert task.status == ManualPublishTask.Status.CANCELLED
    assert Publication.objects.get(pk=task.publication_id).state == State.AWAITING_MANUAL
