"""Poster data from an appeal, access rules, staff download view and API."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from fahndung.appeals.choices import CloseReason, Kind, LegalBasis, Status
from fahndung.appeals.models import Appeal
from fahndung.core.errors import NotFound, ValidationFailed
from fahndung.core.models import AuditEvent
from fahndung.posters.services import poster_data_for_appeal, poster_render
from tests.accounts.helpers import verified_client

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range().split())


def test_poster_data_uses_only_published_fields(published, poster_photo):
    person = published.persons.get()
    person.name = "Xaverius Quellbrunn"
    person.address = "Musterweg 99"
    person.published_fields = ["hair", "clothing"]
    person.save()
    data = poster_data_for_appeal(appeal=published)
    labels = dict(data.details)
    assert labels["Haare"] == "kurz, dunkel"
    assert labels["Straftat"] == "Schwerer Raub"
    assert "Größe" not in labels
    flat = repr(data)
    assert "Xaverius" not in flat and "Musterweg" not in flat
    assert data.headline == "FAHNDUNG"
    assert data.url.endswith(f"/fahndung/{published.slug}/")
    assert data.case_reference == published.file_number_police
    assert data.photo_paths and poster_photo == [{"appeal": published.pk, "rendition": "poster"}]


def test_poster_for_witness_dangerous_and_reward(published):
    Appeal.objects.filter(pk=published.pk).update(
        kind=Kind.WITNESS, legal_basis=LegalBasis.STPO_131B_2, is_dangerous=True,
        reward_amount=3000, reward_reference="1 Js 1/26",
    )
    published.refresh_from_db()
    data = poster_data_for_appeal(appeal=published)
    assert data.headline == "ZEUGEN GESUCHT"
    assert "nicht tatverdächtig" in data.witness_notice
    assert "sofort 110" in data.danger_notice
    assert "3.000 Euro" in data.reward


def test_unknown_dead_poster_has_no_photo(published, poster_photo):
    Appeal.objects.filter(pk=published.pk).update(kind=Kind.UNKNOWN_DEAD, legal_basis=LegalBasis.POLICE_LAW)
    published.refresh_from_db()
    assert poster_data_for_appeal(appeal=published).photo_paths == ()


def test_poster_is_german_even_for_an_english_request(published, settings):
    from django.utils import translation

    with translation.override("en"):
        data = poster_data_for_appeal(appeal=published)
    assert data.headline == "FAHNDUNG"


def test_render_is_audited(published, press):
    pdf, filename = poster_render(actor=press, appeal_id=published.pk, page_size="a3")
    assert pdf.startswith(b"%PDF") and filename.endswith("-a3.pdf")
    assert AuditEvent.objects.filter(action="poster.download", appeal_id=published.pk).count() == 1


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CLOSED, Status.ARCHIVED])
def test_no_poster_unless_published(published, press, status):
    Appeal.objects.filter(pk=published.pk).update(status=status, close_reason=CloseReason.ARRESTED if status in (Status.CLOSED, Status.ARCHIVED) else "")
    with pytest.raises(NotFound):
        poster_render(actor=press, appeal_id=published.pk)


def test_other_unit_cannot_get_the_poster(published, investigator2):
    with pytest.raises(NotFound):
        poster_render(actor=investigator2, appeal_id=published.pk)


def test_bad_format(published, press):
    with pytest.raises(ValidationFailed):
        poster_render(actor=press, appeal_id=published.pk, page_size="letter")


def test_staff_download_view(published, investigator, client):
    anonymous = client.get(f"/staff/posters/{published.pk}/poster.pdf")
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
    staff = verified_client(investigator)
    response = staff.get(f"/staff/posters/{published.pk}/poster.pdf", {"format": "a3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "FAHNDUNG" in _text(response.content)
    assert staff.get(f"/staff/posters/{published.pk}/poster.pdf", {"format": "x"}).status_code == 400


def test_staff_download_stops_when_closed(published, investigator, press):
    staff = verified_client(investigator)
    assert staff.get(f"/staff/posters/{published.pk}/poster.pdf").status_code == 200
    from fahndung.appeals.services import appeal_close

    appeal_close(actor=press, appeal_id=published.pk, reason=CloseReason.ARRESTED)
    assert staff.get(f"/staff/posters/{published.pk}/poster.pdf").status_code == 404


def test_api_download(published, api_as, press, investigator2):
    url = f"/api/v1/appeals/{published.pk}/poster.pdf"
    ok = api_as(press).get(url, {"format": "a4"})
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"
    page = pdfium.PdfDocument(ok.content)[0]
    assert page.get_size() == pytest.approx((595.3, 841.9), abs=0.5)
    a3 = api_as(press).get(url, {"format": "a3"})
    assert pdfium.PdfDocument(a3.content)[0].get_size() == pytest.approx((841.9, 1190.6), abs=0.5)
    bad = api_as(press).get(url, {"format": "letter"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_failed"
    assert api_as(investigator2).get(url).status_code == 404
    from rest_framework.test import APIClient

    assert APIClient().get(url).status_code in (401, 403)
    Appeal.objects.filter(pk=published.pk).update(status=Status.CLOSED, close_reason=CloseReason.ARRESTED)
    gone = api_as(press).get(url)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
