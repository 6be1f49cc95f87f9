"""The "erledigt" notice (R13) and the page cache: a closed appeal is never served as active."""

from __future__ import annotations

import pytest

from fahndung.appeals.choices import CloseReason, Kind, LegalBasis, Status
from fahndung.appeals.models import Appeal, Person
from fahndung.public.services import public_cache_invalidate
from tests.public.conftest import FakeImage

pytestmark = pytest.mark.django_db

ALL_FLAGS = list(Person.PUBLISHABLE_FIELDS)

EXPECTED = {
    CloseReason.ARRESTED: "festgenommen",
    CloseReason.IDENTIFIED: "identifiziert",
    CloseReason.FOUND_SAFE: "Persönlichkeitsschutzes",
    CloseReason.FOUND_DEAD: "Rücksicht auf die Angehörigen",
    CloseReason.ORDER_LIFTED: "Ersuchen der Behörden",
    CloseReason.ORDER_LAPSED: "Ersuchen der Behörden",
    CloseReason.EXPIRED: "Ersuchen der Behörden",
    CloseReason.WITHDRAWN: "Ersuchen der Behörden",
}


def _named(appeal: Appeal) -> Appeal:
    person = appeal.persons.get()
    person.name = "Xaverius Quellbrunn"
    person.last_seen_place = "Feuerseeplatz"
    person.published_fields = ALL_FLAGS
    person.save()
    return appeal


@pytest.mark.parametrize("reason", list(CloseReason))
@pytest.mark.parametrize("status", [Status.CLOSED, Status.ARCHIVED])
def test_closed_page_is_a_neutral_notice(client, make_published, fake_renditions, reason, status):
    missing = reason in (CloseReason.FOUND_SAFE, CloseReason.FOUND_DEAD)
    appeal = _named(make_published(
        kind=Kind.MISSING if missing else Kind.SUSPECT_KNOWN,
        legal_basis=LegalBasis.POLICE_LAW if missing else LegalBasis.STPO_131_3,
        status=status, close_reason=reason, order={"name_allowed": True},
    ))
    response = client.get(f"/fahndung/{appeal.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert EXPECTED[reason] in html
    for leaked in ("Xaverius", "Feuerseeplatz", appeal.public_facts, appeal.place, "<img", "website.jpg", appeal.offence):
        assert leaked not in html, leaked
    assert 'name="robots" content="noindex' in html
    assert "<form" not in html  # no tip form on a closed appeal
    # The request to delete shared copies is always part of the notice.
    assert any(w in html for w in ("löschen", "entfernen"))
    assert "og-neutral.png" in html


def test_closing_through_the_service_replaces_the_cached_page_at_once(client, published, press, fake_renditions):
    from fahndung.appeals.services import appeal_close

    first = client.get(f"/fahndung/{published.slug}/").content.decode()
    assert "website.jpg" in first
    appeal_close(actor=press, appeal_id=published.pk, reason=CloseReason.ARRESTED)
    after = client.get(f"/fahndung/{published.slug}/").content.decode()
    assert "festgenommen" in after
    assert "website.jpg" not in after


def test_cache_is_keyed_on_status_even_without_invalidation(client, published):
    before = client.get(f"/fahndung/{published.slug}/")
    # A raw update neither touches updated_at nor calls the invalidation hook.
    Appeal.objects.filter(pk=published.pk).update(status=Status.CLOSED, close_reason=CloseReason.EXPIRED)
    after = client.get(f"/fahndung/{published.slug}/")
    assert "Ersuchen der Behörden" in after.content.decode()
    assert before["ETag"] != after["ETag"]
    # A conditional request with the old ETag must not get a 304 for the old active page.
    again = client.get(f"/fahndung/{published.slug}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 200


def test_page_is_served_from_cache(client, published, django_assert_max_num_queries):
    client.get(f"/fahndung/{published.slug}/")
    with django_assert_max_num_queries(1):
        response = client.get(f"/fahndung/{published.slug}/")
    assert response.status_code == 200


def test_invalidate_shows_new_renditions(client, published, fake_renditions):
    client.get(f"/fahndung/{published.slug}/")
    fake_renditions.images.append(FakeImage("/media/renditions/new/website.jpg", "x", "Neues Bild", 800, 600, 2))
    assert "new/website.jpg" not in client.get(f"/fahndung/{published.slug}/").content.decode()
    public_cache_invalidate(appeal=published)
    assert "new/website.jpg" in client.get(f"/fahndung/{published.slug}/").content.decode()


def test_http_caching_headers_and_conditional_get(client, published):
    response = client.get(f"/fahndung/{published.slug}/")
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]
    assert "Accept-Language" in response["Vary"]
    cached = client.get(f"/fahndung/{published.slug}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert cached.status_code == 304
    assert cached["ETag"] == response["ETag"]
    # The 304 keeps the page's cache headers (shared caches treat it like the page).
    assert cached["Cache-Control"] == response["Cache-Control"]
    assert cached["Content-Language"] == response["Content-Language"] == "de"
    assert "Accept-Language" in cached["Vary"] and "Cookie" in cached["Vary"]
    assert cached.content == b""


def test_conditional_get_costs_one_query_and_honours_language(
    client, published, django_assert_max_num_queries
):
    response = client.get(f"/fahndung/{published.slug}/")
    with django_assert_max_num_queries(1):
        cached = client.get(f"/fahndung/{published.slug}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert cached.status_code == 304
    # The English page is another representation: the German ETag does not match it.
    english = client.get(
        f"/fahndung/{published.slug}/", {"lang": "en"}, HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert english.status_code == 200 and english["Content-Language"] == "en"
    assert client.get(f"/fahndung/{published.slug}/", HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get("/fahndung/does-not-exist/", HTTP_IF_NONE_MATCH="*").status_code == 404


def test_list_answers_conditional_get(client, published):
    response = client.get("/fahndung/")
    assert response.status_code == 200 and response["ETag"]
    cached = client.get("/fahndung/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert cached.status_code == 304
    assert cached["ETag"] == response["ETag"]
    assert cached["Cache-Control"] == response["Cache-Control"]


def test_languages_are_cached_separately(client, published):
    assert "WANTED" not in client.get(f"/fahndung/{published.slug}/").content.decode()
    assert "WANTED" in client.get(f"/fahndung/{published.slug}/", {"lang": "en"}).content.decode()


def test_list_drops_a_closed_appeal_immediately(client, published):
    assert published.slug in client.get("/fahndung/").content.decode()
    Appeal.objects.filter(pk=published.pk).update(status=Status.CLOSED, close_reason=CloseReason.ARRESTED)
    assert published.slug not in client.get("/fahndung/").content.decode()


def test_tip_form_with_csrf_token_is_not_shared(client, published, settings, tmp_path):
    (tmp_path / "tips").mkdir()
    (tmp_path / "tips" / "public_form.html").write_text("<form method='post'>{% csrf_token %}</form>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    first = client.get(f"/fahndung/{published.slug}/")
    assert "csrfmiddlewaretoken" in first.content.decode()
    assert first["Cache-Control"].startswith("private")
    other = type(client)()
    second = other.get(f"/fahndung/{published.slug}/")
    token = lambda r: r.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]  # noqa: E731
    assert token(first) != token(second)


def test_csrf_free_tip_form_is_cached_with_the_page(client, published, settings, tmp_path, django_assert_max_num_queries):
    (tmp_path / "tips").mkdir()
    (tmp_path / "tips" / "public_form.html").write_text('<form id="tip" data-slug="{{ appeal.slug }}"></form>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    client.get(f"/fahndung/{published.slug}/")
    with django_assert_max_num_queries(1):
        response = client.get(f"/fahndung/{published.slug}/")
    assert f'<form id="tip" data-slug="{published.slug}"></form>' in response.content.decode()
    assert response["Cache-Control"].startswith("public")


def test_closed_notice_in_english(client, make_published):
    appeal = make_published(kind=Kind.MISSING, legal_basis=LegalBasis.POLICE_LAW, status=Status.CLOSED,
                            close_reason=CloseReason.FOUND_SAFE)
    html = client.get(f"/fahndung/{appeal.slug}/", {"lang": "en"}).content.decode()
    assert "found safe and well" in html
    assert "RESOLVED" in html
