"""Staff screens speak German: dates and times in Europe/Berlin as dd.mm.yyyy / HH:MM, and
labels instead of internal codes (found in a real browser: "Frist:
2026-12-02T05:53:46.374597+00:00", dates of birth as ISO, and the wizard's R1 help as
"suspect_known: stpo_131_3 …")."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from fahndung.appeals import services as appeal_services
from fahndung.appeals.choices import ALLOWED_BASES, Kind, LegalBasis
from fahndung.appeals.models import Person
from fahndung.lifecycle.models import ManualTakedownTask
from fahndung.publishing.models import Publication
from tests.accounts.helpers import verified_client

pytestmark = pytest.mark.django_db
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _visible(html: str) -> str:
    """The text a person reads (<time datetime="…"> attributes are for machines)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_takedown_dashboard_shows_deadline_in_german_berlin_time(appeal, fake_platform, investigator, press,
                                                                django_capture_on_commit_callbacks):
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_approve(actor=press, appeal_id=appeal.pk, checklist={})
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
    whatsapp = Publication.objects.get(appeal=appeal, account="whatsapp:ppstuttgart")
    task = ManualTakedownTask.objects.get(takedown__publication_id=whatsapp.pk)
    ManualTakedownTask.objects.filter(pk=task.pk).update(deadline_at=datetime(2026, 12, 2, 5, 53, 46, 374597,
                                                                              tzinfo=ZoneInfo("UTC")))
    html = verified_client(press).get("/staff/takedowns/").content.decode()
    assert "Frist: 02.12.2026, 06:53 Uhr" in html  # 05:53 UTC is 06:53 in Berlin (CET)
    assert not ISO_DATETIME.search(_visible(html)), ISO_DATETIME.findall(_visible(html))


def test_appeal_detail_shows_date_of_birth_and_last_seen_in_german(appeal, investigator):
    Person.objects.filter(appeal=appeal).delete()
    Person.objects.create(appeal=appeal, role="suspect", date_of_birth=date(1990, 5, 3),
                          last_seen_place="Hauptbahnhof", last_seen_at=datetime(2026, 7, 1, 20, 30, tzinfo=ZoneInfo("UTC")),
                          published_fields=Person.default_published_fields())
    html = verified_client(investigator).get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert "03.05.1990" in html and "1990-05-03" not in html
    assert "01.07.2026, 22:30 Uhr" in html  # summer time: UTC+2
    assert not ISO_DATETIME.search(_visible(html)), ISO_DATETIME.findall(_visible(html))


def test_wizard_r1_help_lists_german_labels(investigator):
    html = verified_client(investigator).get("/staff/appeals/new/").content.decode()
    help_block = re.search(r"Zulässige Rechtsgrundlagen je Art \(R1\).*?</details>", html, re.S).group(0)
    for kind, bases in ALLOWED_BASES.items():
        assert str(Kind(kind).label) in help_block
        for basis in bases:
            assert str(LegalBasis(basis).label) in help_block
    for code in [*ALLOWED_BASES, *LegalBasis.values]:
        assert code not in help_block, code
