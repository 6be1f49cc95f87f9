"""Triage: state machine, duplicates, assignment, notes, replies, unread counts, export, chart."""

from __future__ import annotations

import pytest

from fahndung.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from fahndung.core.models import AuditEvent
from fahndung.tips import selectors, services, workflow
from fahndung.tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def tips(published):
    ids = [services.tip_submit_public(appeal_slug=published.slug, content=f"Hinweis {i}", client_key="k").tip_id
           for i in range(3)]
    return [Tip.objects.get(pk=i) for i in ids]


def test_transition_table_is_explicit():
    assert workflow.find("mark_relevant", "new").target == "relevant"
    assert workflow.find("mark_relevant", "not_relevant") is None
    assert workflow.find("reopen", "duplicate").target == "in_review"
    assert set(workflow.allowed_actions("new")) == {"start_review", "mark_relevant", "mark_not_relevant",
                                                   "forward", "mark_duplicate"}


def test_transitions_write_events_and_reject_invalid(tips, investigator):
    tip = tips[0]
    services.tip_transition(actor=investigator, tip_id=tip.pk, action="start_review")
    services.tip_transition(actor=investigator, tip_id=tip.pk, action="mark_relevant", comment="Passt zur Spur")
    services.tip_transition(actor=investigator, tip_id=tip.pk, action="forward")
    with pytest.raises(TransitionNotAllowed):
        services.tip_transition(actor=investigator, tip_id=tip.pk, action="start_review")
    events = list(tip.events.values_list("action", "from_state", "to_state"))
    assert events == [("start_review", "new", "in_review"), ("mark_relevant", "in_review", "relevant"),
                      ("forward", "relevant", "forwarded")]
    assert tip.events.get(action="mark_relevant").comment == "Passt zur Spur"


def test_duplicate_links_to_root_original(tips, investigator):
    a, b, c = tips
    services.tip_mark_duplicate(actor=investigator, tip_id=b.pk, original_reference=a.reference)
    services.tip_mark_duplicate(actor=investigator, tip_id=c.pk, original_reference=b.reference.lower())
    c.refresh_from_db()
    assert c.state == "duplicate" and c.duplicate_of_id == a.pk
    with pytest.raises(ValidationFailed):
        services.tip_mark_duplicate(actor=investigator, tip_id=a.pk, original_reference=a.reference)
    services.tip_transition(actor=investigator, tip_id=c.pk, action="reopen")
    c.refresh_from_db()
    assert c.state == "in_review" and c.duplicate_of_id is None


def test_assignment_only_within_team(tips, investigator, investigator_a2, investigator2):
    services.tip_assign(actor=investigator, tip_id=tips[0].pk, assignee_id=investigator_a2.pk)
    assert Tip.objects.get(pk=tips[0].pk).assigned_to == investigator_a2
    with pytest.raises(ValidationFailed):
        services.tip_assign(actor=investigator, tip_id=tips[0].pk, assignee_id=investigator2.pk)


def test_press_cannot_triage(tips, press):
    with pytest.raises(PermissionDenied):
        services.tip_note_add(actor=press, tip_id=tips[0].pk, body="x")


def test_unread_counts_follow_reads_and_tipster_activity(tips, investigator, investigator_a2, published):
    counts = selectors.tip_counts(user=investigator, appeal_id=published.pk)
    assert (counts["total"], counts["new"], counts["unread"]) == (3, 3, 3)
    services.tip_open(actor=investigator, tip_id=tips[0].pk)
    assert selectors.tip_counts(user=investigator, appeal_id=published.pk)["unread"] == 2
    assert selectors.tip_counts(user=investigator_a2, appeal_id=published.pk)["unread"] == 3
    inbox = {t.pk: t.is_read for t in selectors.tip_inbox(user=investigator, appeal_id=published.pk)}
    assert inbox[tips[0].pk] is True and inbox[tips[1].pk] is False


def test_reply_reaches_tipster_and_addition_marks_unread(published, investigator):
    receipt = services.tip_submit_public(appeal_slug=published.slug, content="Ursprung", client_key="k")
    services.tip_open(actor=investigator, tip_id=receipt.tip_id)
    services.tip_reply(actor=investigator, tip_id=receipt.tip_id, body="Rückfrage: Uhrzeit?")
    assert selectors.tip_counts(user=investigator, appeal_id=published.pk)["unread"] == 0
    services.tipster_add_information(reference=receipt.reference, secret=receipt.secret, client_key="k", body="Gegen 22 Uhr")
    assert selectors.tip_counts(user=investigator, appeal_id=published.pk)["unread"] == 1
    tip = services.tipster_authenticate(reference=receipt.reference, secret=receipt.secret, client_key="k")
    assert [m.body for m in selectors.tipster_thread(tip=tip)] == ["Rückfrage: Uhrzeit?", "Gegen 22 Uhr"]
    assert AuditEvent.objects.filter(action="tip.reply").count() == 1


def test_staff_intake_records_channel_time_and_logger(published, press, investigator):
    from datetime import timedelta

    from fahndung.core import clock

    when = clock.now() - timedelta(hours=3)
    tip = services.tip_log_staff(actor=press, appeal_id=published.pk, channel="social_comment",
                                 content="Kommentar unter dem Post: 'Den kenne ich, wohnt in Feuerbach'",
                                 received_at=when, source_detail="https://social.example/p/1#c2")
    assert tip.channel == "social_comment" and tip.logged_by == press and tip.received_at == when
    assert not tip.has_reply_channel
    with pytest.raises(ValidationFailed):
        services.tip_reply(actor=investigator, tip_id=tip.pk, body="x")  # no reply channel
    with pytest.raises(ValidationFailed):
        services.tip_log_staff(actor=press, appeal_id=published.pk, channel="web", content="x")


def test_export_pdf_and_chart(tips, investigator, published):
    services.tip_note_add(actor=investigator, tip_id=tips[0].pk, body="Notiz <b>fett</b> & Co")
    data = services.tip_export_pdf(actor=investigator, appeal_id=published.pk, reason="Akte")
    assert data.startswith(b"%PDF") and len(data) > 1000
    assert AuditEvent.objects.get(action="tip.export").detail == {"count": 3, "format": "pdf", "reason": "Akte"}
    series = selectors.tip_chart_series(user=investigator, appeal_id=published.pk)
    assert series["total"] == 3 and series["series"][0]["channel"] == "web" and sum(series["series"][0]["counts"]) == 3
    from fahndung.tips.chart import render_chart_svg

    svg = render_chart_svg(series)
    assert svg.startswith("<svg") and "<rect" in svg and "3" in svg


def test_unknown_action_is_bad_input_not_a_conflict(tips, investigator):
    tip = tips[0]
    with pytest.raises(ValidationFailed) as exc:
        services.tip_transition(actor=investigator, tip_id=tip.pk, action="delete_everything")
    assert "start_review" in exc.value.fields["action"][0]
    assert not tip.events.exists()
