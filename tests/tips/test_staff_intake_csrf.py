"""Staff tip intake with CSRF enforced, as a browser meets it.

The default test client skips the CSRF check; with it on, the CSRF middleware (HTML view)
or DRF's session authentication (API) read the multipart body before the view installed
its upload-quota handler, and every such request answered 500.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fahndung.tips.models import Tip
from tests.tips.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client(settings):
    settings.FAHNDUNG_REQUIRE_OTP = False  # the OTP step is covered by the accounts tests

    def make(user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


def _token(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()


def _form(token: str, **extra) -> dict:
    return {"csrfmiddlewaretoken": token, "channel": "phone", "content": "Anruf: Mann am Bahnhof gesehen.",
            "observed_place": "Hauptbahnhof", **extra}


@pytest.mark.parametrize("who", ["investigator", "press"])
def test_staff_ui_logs_tip_with_file_under_csrf(csrf_client, personas, published, who):
    client = csrf_client(personas[who])
    url = f"/staff/tips/appeal/{published.pk}/new/"
    r = client.post(url, _form(_token(client, url), attachments=[upload("foto.jpg", image_bytes())]))
    assert r.status_code == 302, r.content[:500]
    tip = Tip.objects.get()
    assert tip.channel == "phone" and tip.logged_by == personas[who] and tip.attachments.count() == 1


def test_staff_ui_without_token_is_refused_not_500(csrf_client, investigator, published):
    client = csrf_client(investigator)
    r = client.post(f"/staff/tips/appeal/{published.pk}/new/", _form("x" * 32))
    assert r.status_code == 403 and not Tip.objects.exists()


@pytest.mark.parametrize("who", ["investigator2", "liaison"])
def test_staff_ui_roles_that_may_not_log_get_a_clear_refusal(csrf_client, personas, investigator, published, who):
    # A token from a page the user may open (the dashboard sets the same CSRF cookie).
    client = csrf_client(personas[who])
    client.get("/staff/")
    token = client.cookies["csrftoken"].value
    r = client.post(f"/staff/tips/appeal/{published.pk}/new/", _form(token))
    assert r.status_code in {403, 404} and not Tip.objects.exists()


def test_staff_ui_quota_under_csrf_gives_a_message(csrf_client, settings, investigator, published):
    settings.FAHNDUNG_TIP_MAX_TOTAL_BYTES = 1000
    client = csrf_client(investigator)
    url = f"/staff/tips/appeal/{published.pk}/new/"
    r = client.post(url, _form(_token(client, url), attachments=[upload("big.jpg", image_bytes(size=(400, 400)) + b"\0" * 5000)]))
    assert r.status_code == 400 and "zusammen größer".encode() in r.content and not Tip.objects.exists()


@pytest.mark.parametrize("fmt", ["multipart", "form"])
def test_staff_api_with_session_and_form_body(csrf_client, investigator, published, fmt):
    client = csrf_client(investigator)
    client.get("/staff/")
    token = client.cookies["csrftoken"].value
    data = {"channel": "email", "content": "E-Mail: Sichtung in Feuerbach."}
    url = f"/api/v1/appeals/{published.pk}/tips/"
    if fmt == "multipart":
        r = client.post(url, {**data, "attachments": [upload("foto.jpg", image_bytes())]}, headers={"X-CSRFToken": token})
    else:
        from urllib.parse import urlencode

        r = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded",
                        headers={"X-CSRFToken": token})
    assert r.status_code == 201, r.content[:500]
    tip = Tip.objects.get(reference=r.json()["reference"])
    assert tip.attachments.count() == (1 if fmt == "multipart" else 0)


def test_staff_api_session_without_csrf_header_is_refused(csrf_client, investigator, published):
    client = csrf_client(investigator)
    r = client.post(f"/api/v1/appeals/{published.pk}/tips/", {"channel": "email", "content": "x" * 20})
    assert r.status_code == 403 and r.json()["error"] and not Tip.objects.exists()


def test_staff_api_with_token_and_multipart_still_works(api_as, investigator, published):
    r = api_as(investigator).post(f"/api/v1/appeals/{published.pk}/tips/",
                                  {"channel": "phone", "content": "Telefonischer Hinweis.",
                                   "attachments": [upload("foto.jpg", image_bytes())]}, format="multipart")
    assert r.status_code == 201
    assert Tip.objects.get(reference=r.json()["reference"]).attachments.count() == 1


def test_staff_api_quota_with_session_gives_the_json_error(csrf_client, settings, investigator, published):
    settings.FAHNDUNG_TIP_MAX_TOTAL_BYTES = 1000
    client = csrf_client(investigator)
    client.get("/staff/")
    r = client.post(f"/api/v1/appeals/{published.pk}/tips/",
                    {"channel": "email", "content": "Zu große Datei.",
                     "attachments": [upload("big.jpg", image_bytes(size=(400, 400)) + b"\0" * 5000)]},
                    headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert r.status_code == 400 and r.json()["error"]["code"] == "attachments_too_large"
    assert not Tip.objects.exists()
