"""The output gate's last check in the publish engine: a platform text that fails a content
rule is never sent – whoever put it into the publication row (issue 10, finding 1/7)."""

from __future__ import annotations

import pytest

from fahndung.appeals.models import Person
from fahndung.core.models import AuditEvent
from fahndung.publishing import services
from fahndung.publishing.models import Publication, PublicationAttempt
from fahndung.publishing.posts import build
from fahndung.publishing.states import State

pytestmark = pytest.mark.django_db


def _row(appeal, text: str) -> Publication:
    return Publication.objects.create(appeal=appeal, platform="mastodon", account="mastodon:bund", text=text,
                                      idempotency_key=f"gate-{appeal.pk}-{len(text)}")


def test_text_with_a_name_is_refused_before_any_call(published, fake_platform):
    Person.objects.filter(appeal=published).update(name="Bernd Verdachtmann")
    text = build.generate(published, "mastodon").replace("FAHNDUNG –", "FAHNDUNG – B. Verdacht\u00admann –", 1)
    publication = _row(published, text)
    outcome = services.publication_dispatch(publication_id=publication.pk)
    publication.refresh_from_db()
    assert outcome.status == "failed" and publication.state == State.FAILED
    assert "Ausgabe gesperrt" in publication.last_error and "R7" in publication.last_error
    assert not PublicationAttempt.objects.filter(publication=publication).exists()
    assert fake_platform.posts("mastodon") == []
    assert AuditEvent.objects.filter(action="output.blocked", appeal_id=published.pk).exists()


def test_clean_generated_text_goes_out(published, fake_platform):
    publication = _row(published, build.generate(published, "mastodon"))
    outcome = services.publication_dispatch(publication_id=publication.pk)
    publication.refresh_from_db()
    assert outcome.status == "published", publication.last_error
    assert len(fake_platform.posts("mastodon")) == 1
