"""Workflow action/history labels follow the request language; German service errors stay German."""

from __future__ import annotations

import pytest
from django.utils import translation

from fahndung.appeals import workflow as appeal_workflow
from fahndung.core.errors import TransitionNotAllowed
from fahndung.lifecycle import machines
from fahndung.lifecycle.models import ReviewState, ReviewTask
from fahndung.tips import workflow as tip_workflow
from fahndung.web.templatetags.web_tags import action_label

LABELS = {
    "appeals.EVENT_LABELS": appeal_workflow.EVENT_LABELS,
    "tips.ACTION_LABELS": tip_workflow.ACTION_LABELS,
    "lifecycle.ACTION_LABELS": machines.ACTION_LABELS,
}


@pytest.mark.parametrize("name", list(LABELS))
def test_labels_are_german_by_default_and_english_on_request(name):
    labels = LABELS[name]
    with translation.override("de"):
        german = {key: str(label) for key, label in labels.items()}
    with translation.override("en"):
        english = {key: str(label) for key, label in labels.items()}
    same = [german[key] for key in labels if german[key] == english[key]]
    assert not same, f"{name}: no English text for {same}"


def test_history_filter_shows_the_request_language():
    with translation.override("en"):
        assert action_label("approve_partial") == "Partial approval (first of two)"
        assert action_label("unknown_action") == "unknown_action"
    with translation.override("de"):
        assert action_label("approve_partial") == "Teilfreigabe (erste von zwei)"


def test_lifecycle_transition_error_stays_german_in_an_english_request():
    task = ReviewTask(state=ReviewState.DONE)  # "record" is only allowed from open
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as caught:
        machines.transition(task, "record")
    assert caught.value.message == "„Überprüfung erfasst“ ist im Zustand „Überprüft“ nicht möglich."


@pytest.mark.django_db
def test_appeal_and_tip_transition_errors_stay_german_in_english_requests(appeal, investigator):
    from fahndung.appeals import services

    with translation.override("en"), pytest.raises(TransitionNotAllowed) as exc:
        services.appeal_archive(actor=investigator, appeal_id=appeal.pk)
    assert "ist im Status „Entwurf“ nicht möglich" in str(exc.value)
