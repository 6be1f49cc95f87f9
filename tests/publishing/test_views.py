"""Staff UI of publishing: state page with links/attempts, editor with server counter,
preview cards, manual task list, access control."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from fahndung.appeals import services as appeal_services
from fahndung.publishing.models import ManualPublishTask, PostVariant, Publication
from fahndung.publishing.states import State
from tests.accounts.helpers import verified_client


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_publications_page_shows_states_links_and_attempts(appeal, publish_appeal, fake_platform, press):
    fake_platform.add_fault("linkedin", status=401, count=1)
    publish_appeal(appeal)
    client = verified_client(press)
    response = client.get(f"/staff/publishing/appeal/{appeal.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    x_pub = Publication.objects.filter(appeal=appeal, platform="x").first()
    assert x_pub.external_url in html
    assert "Fehlgeschlagen" in html and "Erneut versuchen" in html  # linkedin failed permanently
    assert "API-Aufrufe" in html and "HTTP 401" in html
    assert "Wartet auf manuelle Veröffentlichung" in html
    assert 'class="pub-preview pub-preview-x"' in html


@pytest.mark.django_db
def test_press_edits_variant_via_form_and_cannot_approve_over_limit(appeal, investigator, press, press2):
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    client = verified_client(press)
    page = client.get(f"/staff/publishing/appeal/{appeal.pk}/")
    assert page.status_code == 200 and "Plattformtexte" in page.content.decode()
    text = PostVariant.objects.get(appeal=appeal, platform="x").text + " " + "x" * 300
    r = client.post(f"/staff/publishing/appeal/{appeal.pk}/variant/x/", {"text": text, "action": "save"})
    assert r.status_code == 302
    assert PostVariant.objects.get(appeal=appeal, platform="x").is_edited
    page = client.get(f"/staff/publishing/appeal/{appeal.pk}/").content.decode()
    assert "zu lang" in page
    assert 'value="approve"' not in page  # approved with the appeal, not per platform
    checklist = {"offender_warning": "on", "copycat_risk": "on", "no_perpetrator_knowledge": "on",
                 "data_minimisation": "on"}
    r = verified_client(press2).post(f"/staff/appeals/{appeal.pk}/approve/", checklist, follow=True)
    assert "zu lang" in r.content.decode()
    assert PostVariant.objects.get(appeal=appeal, platform="x").approved_at is None


@pytest.mark.django_db
def test_count_endpoint_is_exact(press):
    client = verified_client(press)
    r = client.post("/staff/publishing/count/", {"platform": "x", "text": "👩‍👩‍👧 https://a.example/x ä"})
    assert r.status_code == 200
    assert r.json() == {"platform": "x", "count": 2 + 1 + 23 + 1 + 1, "limit": 280, "ok": True, "problems": []}
    assert client.post("/staff/publishing/count/", {"platform": "myspace", "text": ""}).status_code == 400


@pytest.mark.django_db
def test_manual_tasks_page_and_completion(appeal, publish_appeal, fake_platform, press):
    publish_appeal(appeal)
    client = verified_client(press)
    html = client.get("/staff/publishing/tasks/").content.decode()
    task = ManualPublishTask.objects.filter(publication__account="whatsapp:ppstuttgart").get()
    assert task.instructions[:30] in html and appeal.slug in html
    r = client.post(f"/staff/publishing/tasks/{task.pk}/done/", {"note": "gepostet", "external_url": ""})
    assert r.status_code == 302
    assert Publication.objects.get(pk=task.publication_id).state == State.PUBLISHED


@pytest.mark.django_db
def test_mark_withdrawn_form(appeal, publish_appeal, fake_platform, press):
    publish_appeal(appeal)
    publication = Publication.objects.get(appeal=appeal, account="whatsapp:ppstuttgart")
    client = verified_client(press)
    client.post(f"/staff/publishing/publication/{publication.pk}/withdrawn/", {"note": "im Kanal gelöscht"})
    publication.refresh_from_db()
    assert publication.state == State.WITHDRAWN and publication.confirmed_by == press


@pytest.mark.django_db
def test_other_unit_cannot_see_publications(appeal, publish_appeal, fake_platform, investigator2):
    publish_appeal(appeal)
    client = verified_client(investigator2)
    assert client.get(f"/staff/publishing/appeal/{appeal.pk}/").status_code == 404


@pytest.mark.django_db
def test_pages_require_login(appeal):
    from django.test import Client

    assert Client().get(f"/staff/publishing/appeal/{appeal.pk}/").status_code == 302
    assert Client().get("/staff/publishing/tasks/").status_code == 302


@pytest.mark.django_db
def test_summary_card_on_appeal_detail(appeal, publish_appeal, fake_platform, press):
    publish_appeal(appeal)
    html = verified_client(press).get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert f"/staff/publishing/appeal/{appeal.pk}/" in html
    assert Publication.objects.filter(appeal=appeal, platform="mastodon").get().external_url in html


@pytest.mark.django_db
def test_task_page_lists_publish_tasks_only_and_links_removals_to_the_takedown_dashboard(
    appeal, publish_appeal, fake_platform, press, django_capture_on_commit_callbacks,
):
    from fahndung.appeals.services import appeal_close
    from fahndung.lifecycle.models import ManualTakedownTask

    publish_appeal(appeal)
    client = verified_client(press)
    whatsapp = Publication.objects.get(appeal=appeal, account="whatsapp:ppstuttgart")
    publish_task = ManualPublishTask.objects.get(publication=whatsapp, kind="publish")
    html = client.get("/staff/publishing/tasks/").content.decode()
    assert f'id="task-text-{publish_task.pk}"' in html
    assert 'href="/staff/takedowns/" data-takedown-dashboard' in html

    with django_capture_on_commit_callbacks(execute=True):
        appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
    # The removal is one lifecycle task; a stray legacy row would not be listed here either.
    legacy = ManualPublishTask.objects.create(publication=whatsapp, kind="withdraw", instructions="alt",
                                              text="alt", created_at=publish_task.created_at)
    lifecycle_task = ManualTakedownTask.objects.get(takedown__publication_id=whatsapp.pk)
    assert lifecycle_task.is_open
    html = client.get("/staff/publishing/tasks/").content.decode()
    assert f'id="task-text-{legacy.pk}"' not in html
    assert 'href="/staff/takedowns/" data-takedown-dashboard' in html
    dashboard = client.get("/staff/takedowns/").content.decode()
    assert f"/staff/takedowns/aufgaben/{lifecycle_task.pk}/bestaetigen/" in dashboard
