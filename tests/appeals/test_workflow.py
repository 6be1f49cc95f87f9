"""Every allowed and every forbidden transition of the appeal state machine."""

from __future__ import annotations

import pytest

from fahndung.accounts.roles import PRESS_OFFICE
from fahndung.appeals import services, workflow
from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal, AppealEvent
from fahndung.core.errors import PermissionDenied, TransitionNotAllowed
from fahndung.core.models import AuditEvent
from tests.factories import UserFactory


def _put_in(appeal: Appeal, status: str, submitter) -> Appeal:
    if status == Status.APPROVED:
        # Approved means: a version was approved by four eyes (publication uses its texts).
        _put_in(appeal, Status.SUBMITTED, submitter)
        approver = UserFactory(username="approver_elsewhere", roles=[PRESS_OFFICE], unit=None)
        services.appeal_approve(actor=approver, appeal_id=appeal.pk)
        appeal.refresh_from_db()
        return appeal
    Appeal.objects.filter(pk=appeal.pk).update(
        status=status, submitted_by=submitter if status != Status.DRAFT else None,
        close_reason="withdrawn" if status in (Status.CLOSED, Status.ARCHIVED) else "",
    )
    appeal.refresh_from_db()
    return appeal


def _do(action: str, appeal: Appeal, people: dict):
    if action == "submit":
        return services.appeal_submit(actor=people["investigator"], appeal_id=appeal.pk)
    if action == "request_changes":
        return services.appeal_request_changes(actor=people["press"], appeal_id=appeal.pk, comment="Foto fehlt")
    if action == "approve":
        return services.appeal_approve(actor=people["press"], appeal_id=appeal.pk)
    if action == "revise":
        return services.appeal_update(actor=people["investigator"], appeal_id=appeal.pk, data={"title": "Neuer Titel"})
    if action == "publish":
        return services.appeal_publish(actor=people["press"], appeal_id=appeal.pk)
    if action == "close":
        return services.appeal_close(actor=people["investigator"], appeal_id=appeal.pk, reason="withdrawn")
    if action == "archive":
        return services.appeal_archive(actor=people["press"], appeal_id=appeal.pk)
    raise AssertionError(action)


@pytest.mark.parametrize(
    "transition", workflow.TRANSITIONS, ids=lambda t: f"{t.action}:{t.source}->{t.target}"
)
def test_allowed_transition_moves_state_and_writes_event_and_audit(transition, appeal, personas, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    appeal = _put_in(appeal, transition.source, personas["investigator"])
    result = _do(transition.action, appeal, personas)
    assert result.status == transition.target
    event = AppealEvent.objects.filter(appeal=appeal).latest("id")
    assert (event.from_status, event.to_status) == (transition.source, transition.target)
    assert AuditEvent.objects.filter(appeal_id=appeal.pk, action=f"appeal.{transition.action}").exists()


FORBIDDEN = [
    (action, status)
    for action in workflow.ACTIONS
    for status in Status.values
    if workflow.find(action, status) is None
    and action != "revise"  # revise is an edit, covered in test_edit_rules
]


@pytest.mark.parametrize(("action", "status"), FORBIDDEN, ids=lambda v: str(v))
def test_forbidden_transition_is_refused_or_a_noop(action, status, appeal, personas, settings):
    """The table alone decides: even a superuser (who passes every role check) is refused."""
    settings.FAHNDUNG_AUTO_PUBLISH = False
    appeal = _put_in(appeal, status, personas["investigator"])
    boss = UserFactory(username="boss", is_superuser=True)
    personas = dict.fromkeys(personas, boss)
    events_before = AppealEvent.objects.count()
    targets = {t.target for t in workflow.TRANSITIONS if t.action == action}
    if status in targets and action != "approve":
        # Repeating the current state is a harmless no-op.
        assert _do(action, appeal, personas).status == status
    else:
        with pytest.raises(TransitionNotAllowed) as info:
            _do(action, appeal, personas)
        assert "nicht möglich" in info.value.message
    appeal.refresh_from_db()
    assert appeal.status == status
    assert AppealEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("action", "role_user"),
    [
        ("approve", "investigator"), ("approve", "liaison"), ("approve", "admin"),
        ("request_changes", "investigator"), ("submit", "press"), ("submit", "liaison"),
        ("publish", "investigator"), ("archive", "investigator"),
    ],
)
def test_roles_outside_the_table_are_refused(action, role_user, appeal, personas, settings):
    settings.FAHNDUNG_AUTO_PUBLISH = False
    source = next(t.source for t in workflow.TRANSITIONS if t.action == action)
    appeal = _put_in(appeal, source, personas["investigator"])
    people = {**personas, "investigator": personas[role_user], "press": personas[role_user]}
    from fahndung.core.errors import NotFound

    with pytest.raises((PermissionDenied, NotFound)):
        _do(action, appeal, people)
    appeal.refresh_from_db()
    assert appeal.status == source


def test_full_happy_path_records_history(appeal, investigator, press):
    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    services.appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
    services.appeal_archive(actor=press, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == Status.ARCHIVED
    assert appeal.close_reason == "arrested"
    history = list(appeal.events.values_list("action", "from_status", "to_status"))
    assert history == [
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "approved"),
        ("publish", "approved", "published"),
        ("close", "published", "closed"),
        ("archive", "closed", "archived"),
    ]
    assert all(e.actor is not None for e in appeal.events.all())
