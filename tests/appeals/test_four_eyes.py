"""Four eyes on the final text (issue 10, findings 1 and 2).

What is approved is the exact set of outgoing texts of one version; whoever took part in
that version (submitted, owns it, is on the case team, changed content, post texts, photos
or redaction boxes) cannot approve it. Table-driven over every role combination.
"""

from __future__ import annotations

import pytest

from fahndung.accounts.roles import INVESTIGATOR, PRESS_OFFICE
from fahndung.appeals import services
from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal
from fahndung.core.errors import PermissionDenied
from fahndung.publishing import services as publishing
from fahndung.publishing.models import PostVariant, Publication
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _submitted(appeal, investigator):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    return appeal


def _x_text(appeal) -> str:
    publishing.post_variants_ensure(appeal=appeal)
    return PostVariant.objects.get(appeal=appeal, platform="x").text


# Each case: how a press officer ("candidate") took part. All candidates hold the press-office
# role, so only the four-eyes rule can refuse them.
def _as_submitter(appeal, investigator, unit_a):
    candidate = UserFactory(username="dual_submitter", roles=[INVESTIGATOR, PRESS_OFFICE], unit=unit_a)
    services.appeal_submit(actor=candidate, appeal_id=appeal.pk)
    return candidate


def _as_owner(appeal, investigator, unit_a):
    candidate = UserFactory(username="dual_owner", roles=[INVESTIGATOR, PRESS_OFFICE], unit=None)
    Appeal.objects.filter(pk=appeal.pk).update(owner=candidate)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    return candidate


def _as_team_member(appeal, investigator, unit_a):
    candidate = UserFactory(username="press_on_team", roles=[PRESS_OFFICE], unit=None)
    services.team_member_add(actor=investigator, appeal_id=appeal.pk, user=candidate)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    return candidate


def _as_unit_colleague(appeal, investigator, unit_a):
    candidate = UserFactory(username="dual_colleague", roles=[INVESTIGATOR, PRESS_OFFICE], unit=unit_a)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    return candidate


def _as_text_editor(appeal, investigator, unit_a):
    candidate = UserFactory(username="press_text_editor", roles=[PRESS_OFFICE], unit=None)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    publishing.post_variant_update(actor=candidate, appeal_id=appeal.pk, platform="x",
                                   text=_x_text(appeal) + " Bitte teilen.")
    return candidate


def _as_text_resetter(appeal, investigator, unit_a):
    author = UserFactory(username="press_author", roles=[PRESS_OFFICE], unit=None)
    candidate = UserFactory(username="press_resetter", roles=[PRESS_OFFICE], unit=None)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    publishing.post_variant_update(actor=author, appeal_id=appeal.pk, platform="x", text=_x_text(appeal) + " !")
    publishing.post_variant_reset(actor=candidate, appeal_id=appeal.pk, platform="x")
    return candidate


def _as_content_editor(appeal, investigator, unit_a):
    candidate = UserFactory(username="dual_editor", roles=[INVESTIGATOR, PRESS_OFFICE], unit=None)
    services.team_member_add(actor=investigator, appeal_id=appeal.pk, user=candidate)
    services.team_member_remove(actor=investigator, appeal_id=appeal.pk, user=candidate)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    # Was on the team while editing; removed from the team afterwards, the edit still counts.
    services.team_member_add(actor=investigator, appeal_id=appeal.pk, user=candidate)
    services.appeal_update(actor=candidate, appeal_id=appeal.pk, data={"place": "Stuttgart-Süd"})
    services.team_member_remove(actor=investigator, appeal_id=appeal.pk, user=candidate)
    return candidate


def _as_photo_editor(appeal, investigator, unit_a):
    candidate = UserFactory(username="press_photo", roles=[PRESS_OFFICE], unit=None)
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_content_changed(actor=candidate, appeal_id=appeal.pk, kind="redaction", what="photo 1")
    return candidate


def _unrelated(appeal, investigator, unit_a):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    return UserFactory(username="press_unrelated", roles=[PRESS_OFFICE], unit=None)


CASES = [
    (_as_submitter, False), (_as_owner, False), (_as_team_member, False), (_as_unit_colleague, False),
    (_as_text_editor, False), (_as_text_resetter, False), (_as_content_editor, False),
    (_as_photo_editor, False), (_unrelated, True),
]


@pytest.mark.parametrize(("setup", "allowed"), CASES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_who_may_approve(setup, allowed, appeal, investigator, unit_a, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    candidate = setup(appeal, investigator, unit_a)
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    if allowed:
        assert services.appeal_approve(actor=candidate, appeal_id=appeal.pk).status == Status.APPROVED
        return
    with pytest.raises(PermissionDenied) as info:
        services.appeal_approve(actor=candidate, appeal_id=appeal.pk)
    assert "Vier-Augen" in info.value.message
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    # Somebody who took no part can.
    other = UserFactory(username="press_other", roles=[PRESS_OFFICE], unit=None)
    assert services.appeal_approve(actor=other, appeal_id=appeal.pk).status == Status.APPROVED


def test_participants_are_recorded_per_version(appeal, investigator, press):
    _submitted(appeal, investigator)
    publishing.post_variant_update(actor=press, appeal_id=appeal.pk, platform="x", text=_x_text(appeal) + " .")
    appeal.refresh_from_db()
    rows = set(appeal.participants.values_list("version", "user__username", "kind"))
    assert (1, "investigator", "submit") in rows
    assert (2, "press", "post_text") in rows


def test_post_text_edit_after_submission_is_a_new_version(appeal, investigator, press, press2, settings):
    """Finding 1: the edited text needs a second person, and exactly that text goes live."""
    settings.FAHNDUNG_AUTO_PUBLISH = False
    _submitted(appeal, investigator)
    edited = _x_text(appeal) + " Wer hat etwas gesehen?"
    publishing.post_variant_update(actor=press, appeal_id=appeal.pk, platform="x", text=edited)
    appeal.refresh_from_db()
    assert appeal.version == 2 and appeal.status == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.appeal_approve(actor=press, appeal_id=appeal.pk)
    services.appeal_approve(actor=press2, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.approved_version == 2
    # A text change after approval is again a new version that needs approval.
    publishing.post_variant_update(actor=press2, appeal_id=appeal.pk, platform="x", text=edited + " Danke.")
    appeal.refresh_from_db()
    assert (appeal.version, appeal.status) == (3, Status.SUBMITTED)


def test_publication_uses_the_approved_texts(appeal, investigator, press, press2, settings, monkeypatch):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_SECRET"):
        monkeypatch.setenv(f"FAHNDUNG_X_POLIZEI_{name}", "t")  # tasks run on commit: never here
    _submitted(appeal, investigator)
    approved_text = _x_text(appeal)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    # A write that bypassed the services must not reach the platform.
    PostVariant.objects.filter(appeal=appeal, platform="x").update(text="Täterwissen: 3 Schüsse", is_edited=True)
    services.appeal_publish(actor=press2, appeal_id=appeal.pk)
    x = Publication.objects.filter(appeal=appeal, platform="x").first()
    assert x is not None and x.text == approved_text


def test_variant_approval_control_is_gone(appeal, investigator, press, api_as):
    """No control that does nothing: the per-platform "Freigeben" is part of the appeal approval."""
    _submitted(appeal, investigator)
    assert not hasattr(publishing, "post_variant_approve")
    response = api_as(press).post(f"/api/v1/appeals/{appeal.pk}/post-variants/x/approve/", {}, format="json")
    assert response.status_code in (404, 405)


def test_api_put_then_approve_alone_is_refused(appeal, investigator, press, api_as, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    _submitted(appeal, investigator)
    client = api_as(press)
    response = client.put(f"/api/v1/appeals/{appeal.pk}/post-variants/x/",
                          {"text": _x_text(appeal) + " Hinweise bitte an 110."}, format="json")
    assert response.status_code == 200, response.content
    response = client.post(f"/api/v1/appeals/{appeal.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert "Vier-Augen" in response.json()["error"]["message"]
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED and appeal.version == 2
