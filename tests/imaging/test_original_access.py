"""Unredacted originals: the case team always; press office and prosecutor liaison only while
their review needs it (appeal submitted for approval, or — press office — the photo awaits its
approval), or when they are on the case team. Every view that hands the file out is audited;
a refusal or a 404 is not."""

from __future__ import annotations

import pytest

from fahndung.appeals.models import Appeal
from fahndung.core.models import AuditEvent
from fahndung.imaging.models import AnalysisState, PhotoAnalysis

pytestmark = pytest.mark.django_db


def _views(user) -> int:
    return AuditEvent.objects.filter(action="photo.original_view", actor=user).count()


def _set(processed, *, status: str, state: str) -> None:
    Appeal.objects.filter(pk=processed.appeal_id).update(status=status)
    PhotoAnalysis.objects.filter(photo=processed).update(state=state)


@pytest.mark.parametrize("persona", ["press", "liaison"])
def test_reviewers_see_originals_only_while_reviewing(request, staff_client, processed, persona):
    user = request.getfixturevalue(persona)
    client = staff_client(user)
    url = f"/staff/photos/{processed.pk}/original.jpg"
    # Submitted for approval: the review needs the original.
    _set(processed, status="submitted", state=AnalysisState.APPROVED)
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content)[:3] == b"\xff\xd8\xff"
    assert _views(user) == 1
    # Published, photo approved: nothing left to review – no original, no audit row.
    _set(processed, status="published", state=AnalysisState.APPROVED)
    r = client.get(url)
    assert r.status_code == 403 and _views(user) == 1
    page = client.get(f"/staff/photos/{processed.pk}/").content.decode()
    assert url not in page  # the page shows the redacted image only
    # Closed: neither.
    _set(processed, status="closed", state=AnalysisState.APPROVED)
    assert client.get(url).status_code == 403 and _views(user) == 1


def test_press_sees_a_photo_awaiting_its_approval_on_a_published_appeal(staff_client, press, liaison, processed):
    _set(processed, status="published", state=AnalysisState.READY)
    url = f"/staff/photos/{processed.pk}/original.jpg"
    assert staff_client(press).get(url).status_code == 200 and _views(press) == 1
    assert staff_client(liaison).get(url).status_code == 403 and _views(liaison) == 0


def test_team_members_and_case_team_always(staff_client, press, investigator, processed):
    _set(processed, status="published", state=AnalysisState.APPROVED)
    Appeal.objects.get(pk=processed.appeal_id).team_members.add(press)
    url = f"/staff/photos/{processed.pk}/original.jpg"
    assert staff_client(press).get(url).status_code == 200 and _views(press) == 1
    assert staff_client(investigator).get(url).status_code == 200 and _views(investigator) == 1


def test_original_not_yet_computed_is_404_without_audit(staff_client, investigator, processed):
    PhotoAnalysis.objects.filter(photo=processed).update(preview_original="")
    assert staff_client(investigator).get(f"/staff/photos/{processed.pk}/original.jpg").status_code == 404
    assert _views(investigator) == 0
