"""Staff UI: dashboard, appeal partial, manual confirmation form, extension page,
commands reconcile_takedowns / run_deadlines / takedown_status."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory

from fahndung.appeals.services import appeal_close
from fahndung.lifecycle.models import ExtensionRequest, ManualTakedownTask, Takedown

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(published, press, make_pub, scripted):
    make_pub(published, "x")
    make_pub(published, "whatsapp", channel="manual")
    appeal_close(actor=press, appeal_id=published.pk, reason="arrested")
    return published


def test_dashboard_page(staff_client, press, closed):
    response = staff_client(press).get("/staff/takedowns/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Älteste Abweichung" in html and "WhatsApp" in html and closed.file_number_police in html


def test_dashboard_requires_login_and_role(client, staff_client, investigator):
    assert client.get("/staff/takedowns/").status_code == 302
    assert staff_client(investigator).get("/staff/takedowns/").status_code == 403


def test_manual_confirm_form(staff_client, press, closed):
    task = ManualTakedownTask.objects.get()
    client = staff_client(press)
    response = client.post(f"/staff/takedowns/aufgaben/{task.pk}/bestaetigen/", {"note": "im Kanal gelöscht"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "confirmed"
    response = client.post(f"/staff/takedowns/aufgaben/{task.pk}/bestaetigen/", {"note": "x"}, follow=True)
    assert "nicht möglich" in response.content.decode()


def test_appeal_partial_renders_for_case_team(staff_client, investigator, closed):
    request = RequestFactory().get("/staff/appeals/1/")
    request.user = investigator
    html = render_to_string("lifecycle/_appeal_takedown.html", {"appeal": closed, "request": request})
    assert "Rücknahme und Fristen" in html and "Manuelle Löschung" in html
    assert "Entfernung bestätigen" not in html  # investigators cannot confirm takedowns
    response = staff_client(investigator).get(f"/staff/takedowns/fahndung/{closed.pk}/")
    assert response.status_code == 200 and "Verteiler" in response.content.decode()


def test_extension_one_click_page(staff_client, investigator, published):
    client = staff_client(investigator)
    page = client.get(f"/staff/takedowns/verlaengern/{published.pk}/")
    assert page.status_code == 200 and 'type="date"' in page.content.decode()
    response = client.post(f"/staff/takedowns/verlaengern/{published.pk}/", {"reason": "weiter nötig"})
    assert response.status_code == 302
    assert ExtensionRequest.objects.get(appeal=published).state == "pending"


def test_recipient_forms(staff_client, press, published):
    client = staff_client(press)
    client.post(f"/staff/takedowns/fahndung/{published.pk}/verteiler/",
                {"kind": "media", "name": "SZ", "email": "sz@example.org"})
    html = client.get(f"/staff/takedowns/fahndung/{published.pk}/").content.decode()
    assert "sz@example.org" in html


def test_commands(closed, capsys):
    call_command("takedown_status")
    out = capsys.readouterr().out
    assert "oldest divergence:" in out and "open takedowns: 2" in out
    call_command("reconcile_takedowns")
    result = json.loads(capsys.readouterr().out)
    assert result["due"] == 1  # the API one; the manual one waits for a person
    assert Takedown.objects.get(platform="x").state == "withdrawn"
    call_command("takedown_status", "--json")
    status = json.loads(capsys.readouterr().out)
    assert len(status["open_takedowns"]) == 1 and status["manual_tasks_open"] == 1
    call_command("run_deadlines")
    assert "expired" in json.loads(capsys.readouterr().out)
