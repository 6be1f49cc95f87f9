"""Staff pages: review page, protected image views (original never public), partial, forms."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import Client, RequestFactory

from fahndung.core.models import AuditEvent
from fahndung.imaging.models import AnalysisState, PhotoAnalysis

pytestmark = pytest.mark.django_db


def test_review_page_for_case_team(staff_client, investigator, processed):
    client = staff_client(investigator)
    r = client.get(f"/staff/photos/{processed.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "imaging-config" in html and "photo_review.js" in html
    assert f"/staff/photos/{processed.pk}/original.jpg" in html
    assert "Foto freigeben" not in html  # investigators do not approve
    assert 'name="csrfmiddlewaretoken"' in html  # the box editor posts to the API with it


def test_original_needs_staff_session_and_scope(staff_client, investigator, investigator2, processed):
    anon = Client().get(f"/staff/photos/{processed.pk}/original.jpg")
    assert anon.status_code == 302 and "/accounts/" in anon["Location"]
    other = staff_client(investigator2).get(f"/staff/photos/{processed.pk}/original.jpg")
    assert other.status_code == 404
    r = staff_client(investigator).get(f"/staff/photos/{processed.pk}/original.jpg")
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
    assert b"".join(r.streaming_content)[:3] == b"\xff\xd8\xff"
    assert AuditEvent.objects.filter(action="photo.original_view", actor=investigator).exists()


def test_original_has_no_public_url(processed, settings):
    analysis = PhotoAnalysis.objects.get(photo=processed)
    private_root = str(settings.PRIVATE_MEDIA_ROOT)
    for field in (analysis.preview_original, analysis.preview_redacted, analysis.renditions.first().file):
        assert field.path.startswith(private_root)
        with pytest.raises(ValueError):
            field.url  # noqa: B018 - private files have no URL
    assert not processed.original.path.startswith(str(settings.MEDIA_ROOT))


def test_renditions_and_redacted_preview_served_privately(staff_client, press, processed):
    client = staff_client(press)
    assert client.get(f"/staff/photos/{processed.pk}/redacted.jpg").status_code == 200
    assert client.get(f"/staff/photos/{processed.pk}/renditions/bluesky.jpg").status_code == 200
    assert client.get(f"/staff/photos/{processed.pk}/renditions/nope.jpg").status_code == 404


def test_press_approves_through_the_form(staff_client, press, processed):
    client = staff_client(press)
    page = client.get(f"/staff/photos/{processed.pk}/").content.decode()
    assert "Foto freigeben" in page
    r = client.post(f"/staff/photos/{processed.pk}/approve/")
    assert r.status_code == 302
    assert PhotoAnalysis.objects.get(photo=processed).state == AnalysisState.APPROVED
    r = client.post(f"/staff/photos/{processed.pk}/reject/", {"reason": ""}, follow=True)
    assert "Grund" in r.content.decode()
    assert PhotoAnalysis.objects.get(photo=processed).state == AnalysisState.APPROVED


def test_appeal_photos_partial(investigator, investigator2, processed):
    template = engines["django"].from_string('{% include "imaging/_appeal_photos.html" %}')
    request = RequestFactory().get("/")
    request.user = investigator
    html = template.render({"appeal": processed.appeal, "request": request})
    assert f"/staff/photos/{processed.pk}/" in html and "Bereit zur Prüfung" in html
    request.user = investigator2
    html = template.render({"appeal": processed.appeal, "request": request})
    assert f"/staff/photos/{processed.pk}/" not in html


def test_photo_index_lists_only_scope(staff_client, investigator, investigator2, press, processed):
    r = staff_client(investigator).get("/staff/photos/")
    assert r.status_code == 200 and f"/staff/photos/{processed.pk}/" in r.content.decode()
    r = staff_client(investigator2).get("/staff/photos/")
    assert r.status_code == 200 and f"/staff/photos/{processed.pk}/" not in r.content.decode()
    r = staff_client(press).get("/staff/photos/?state=ready_for_review")
    assert f"/staff/photos/{processed.pk}/" in r.content.decode()
    r = staff_client(press).get("/staff/photos/?state=approved")
    assert f"/staff/photos/{processed.pk}/" not in r.content.decode()


def test_flag_and_progress_labels_follow_the_viewer_language(processed):
    from django.utils import translation

    from fahndung.imaging import selectors

    analysis = PhotoAnalysis.objects.get(photo=processed)
    assert analysis.flags and analysis.progress_label == "Fertig"  # stored German
    with translation.override("en"):
        labels = selectors.analysis_flag_labels(analysis=analysis)
        assert selectors.analysis_progress_label(analysis=analysis) == "Done"
    with translation.override("de"):
        german = selectors.analysis_flag_labels(analysis=analysis)
    assert len(labels) == len(german) and all(en != de for en, de in zip(labels, german, strict=True))
