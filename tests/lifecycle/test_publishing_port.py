"""publishing_port: which publications may be treated as "nothing online" and which
must go through publishing's publication_withdraw (look-up of a possibly lost post)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.appeals.services import appeal_close
from fahndung.core import clock
from fahndung.lifecycle import publishing_port as port
from fahndung.lifecycle import services
from fahndung.lifecycle.models import ManualTakedownTask, ManualTaskState, Takedown, TakedownState
from fahndung.publishing.models import Publication

pytestmark = pytest.mark.django_db


def _info(pub: Publication) -> port.PublicationInfo:
    info = port.publication_get(publication_id=pub.pk)
    assert info is not None
    return info


@pytest.mark.parametrize(
    ("state", "attempts", "external_id", "nothing", "lost"),
    [
        ("pending", 0, "", True, False),
        ("failed", 0, "", True, False),
        ("pending", 1, "", False, True),  # a timed-out create may have landed
        ("failed", 3, "", False, True),
        ("pending", 0, "ext-1", False, True),
        ("published", 1, "ext-1", False, False),
        ("publishing", 1, "", False, False),  # in flight: publishing answers in_flight
    ],
)
def test_only_rows_without_any_publish_attempt_are_nothing_online(
    published, make_pub, state, attempts, external_id, nothing, lost,
):
    pub = make_pub(published, "x", state=state)
    Publication.objects.filter(pk=pub.pk).update(attempts=attempts, external_id=external_id)
    info = _info(pub)
    assert port.nothing_online(info) is nothing
    assert port.may_have_lost_post(info) is lost
    assert port.withdraw_by_api(info)  # x deletes by API; every case reaches publication_withdraw


def test_lost_post_on_platform_without_delete_right_is_still_looked_up(published, make_pub):
    pub = make_pub(published, "instagram", state="failed")  # no account config: no delete right
    assert not port.can_delete_by_api(_info(pub))
    Publication.objects.filter(pk=pub.pk).update(attempts=0, external_id="")
    assert port.withdraw_by_api(_info(pub))  # bookkeeping only
    Publication.objects.filter(pk=pub.pk).update(attempts=2)
    assert port.withdraw_by_api(_info(pub))  # look-up first; publishing goes manual if found
    whatsapp = make_pub(published, "whatsapp", channel="manual", state="awaiting_manual")
    assert not port.withdraw_by_api(_info(whatsapp))


@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_failed_row_with_attempts_keeps_getting_api_lookups_after_budget(
    published, press, make_pub, scripted, settings, platform,
):
    """A failed publication whose create may have landed: after the automatic budget is
    used up, the slow API retries must continue (publishing looks the post up) – it is
    not "nothing online"."""
    settings.FAHNDUNG_WITHDRAW_MAX_ATTEMPTS = 1
    settings.FAHNDUNG_WITHDRAW_SLOW_RETRY_SECONDS = 900
    pub = make_pub(published, platform, state="failed")
    Publication.objects.filter(pk=pub.pk).update(attempts=2, external_id="")
    scripted.default = "transient"
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    takedown = Takedown.objects.get(publication_id=pub.pk)
    assert takedown.state == TakedownState.PENDING  # dispatched to publishing, not only a person
    now = clock.now()
    assert services.takedown_attempt(takedown_id=takedown.pk, owner="a") == TakedownState.MANUAL_REQUIRED
    task = ManualTakedownTask.objects.get(takedown=takedown)
    scripted.default = "ok"
    with clock.frozen(now + timedelta(seconds=901)):
        result = services.takedowns_reconcile(dispatch=False)
        assert result["due"] == 1
        assert services.takedown_attempt(takedown_id=takedown.pk, owner="b") == TakedownState.WITHDRAWN
    assert scripted.calls == [pub.pk, pub.pk]
    task.refresh_from_db()
    assert task.state == ManualTaskState.RESOLVED
