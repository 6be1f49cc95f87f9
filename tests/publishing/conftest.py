"""Fixtures of the publishing tests: a published appeal and helpers to run on-commit work."""

from __future__ import annotations

import pytest

from fahndung.appeals import services as appeal_services
from fahndung.appeals.choices import Status


@pytest.fixture
def publish_appeal(investigator, press, django_capture_on_commit_callbacks):
    """publish_appeal(appeal) -> appeal: submit (investigator) + approve (press) and run the
    on-commit publish tasks eagerly."""

    def run(appeal):
        appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
        with django_capture_on_commit_callbacks(execute=True):
            result = appeal_services.appeal_approve(actor=press, appeal_id=appeal.pk, checklist={})
        assert result.status == Status.PUBLISHED, result.status
        return result

    return run


@pytest.fixture
def no_accounts(monkeypatch):
    """Remove any platform account variables that might be set in the developer's shell."""
    import os

    for key in list(os.environ):
        if key == "FAHNDUNG_INSTAGRAM_CARD_URL":  # not an account (the fake serves the card)
            continue
        if key.startswith("FAHNDUNG_") and key.split("_")[1] in {
            "X", "FACEBOOK", "INSTAGRAM", "MASTODON", "BLUESKY", "LINKEDIN", "WHATSAPP", "PRESS", "POSTER",
        }:
            monkeypatch.delenv(key)
