"""German error pages for 400/403/404/500 in the public and the staff design (issue 10
finding 11): never Django's English defaults, never a debug page, also in the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client

from tests.accounts.helpers import verified_client as staff_login

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DJANGO_DEFAULTS = ("Not Found", "Server Error (500)", "Bad Request (400)", "403 Forbidden", "CSRF verification failed",
                   "The requested resource", "Django", "URLconf", "Traceback")


def _page(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    for text in DJANGO_DEFAULTS:
        assert text not in body, f"{text!r} in the {status} page"
    return body


def _public(body: str) -> None:
    assert 'class="site-header"' in body and "Notruf" in body and 'lang="de"' in body


def _staff(body: str) -> None:
    assert 'class="topbar"' in body and "Interner Bereich" in body


@pytest.mark.parametrize("path", ["/fahndung/gibt-es-nicht/", "/nirgendwo/", "/fahndung/a/b/c/"])
def test_public_404_is_german_in_the_public_design(path):
    body = _page(Client().get(path), 404)
    _public(body)
    assert "Seite nicht gefunden" in body


def test_public_404_in_english_on_request():
    body = _page(Client().get("/fahndung/gibt-es-nicht/?lang=en"), 404)
    assert "Page not found" in body and 'lang="en"' in body


def test_staff_404_is_german_in_the_staff_design(investigator):
    body = _page(staff_login(investigator).get("/staff/gibt-es-nicht/"), 404)
    _staff(body)
    assert "Seite nicht gefunden" in body and "Zur Übersicht" in body


def test_staff_404_anonymous_shows_no_navigation():
    body = _page(Client().get("/staff/gibt-es-nicht/"), 404)
    _staff(body)
    assert 'class="sidebar"' not in body


def test_csrf_failure_public_side_is_a_german_403():
    client = Client(enforce_csrf_checks=True)
    body = _page(client.post("/i18n/setlang/", {"language": "en", "next": "/fahndung/"}), 403)
    _public(body)
    assert "Formular abgelaufen" in body


def test_csrf_failure_staff_login_is_a_german_403():
    client = Client(enforce_csrf_checks=True)
    body = _page(client.post("/accounts/login/", {"username": "x", "password": "y"}), 403)
    _staff(body)
    assert "Formular abgelaufen" in body


@pytest.mark.parametrize(("exc", "status"), [
    (PermissionDenied(), 403), (SuspiciousOperation("x"), 400), (RuntimeError("kaputt"), 500),
])
def test_public_errors_raised_in_a_view(monkeypatch, exc, status):
    from fahndung.public import selectors

    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(selectors, "public_list_state", boom)
    client = Client(raise_request_exception=False)
    body = _page(client.get("/fahndung/"), status)
    _public(body)
    assert "kaputt" not in body


def test_staff_500_is_german_in_the_staff_design(investigator, monkeypatch):
    from fahndung.web.views import dashboard

    def boom(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(dashboard, "appeal_dashboard_counts", boom)
    client = staff_login(investigator)
    client.raise_request_exception = False
    body = _page(client.get("/staff/"), 500)
    _staff(body)
    assert "Interner Fehler" in body and "kaputt" not in body


def test_disallowed_host_is_a_german_400():
    body = _page(Client(HTTP_HOST="boese.example").get("/fahndung/"), 400)
    assert "Ungültige Anfrage" in body


def test_error_page_survives_a_failing_template(monkeypatch):
    from fahndung.core import error_pages

    def broken(*args, **kwargs):
        raise RuntimeError("template kaputt")

    monkeypatch.setattr(error_pages, "public_error_page", broken)
    body = _page(Client().get("/fahndung/gibt-es-nicht/"), 404)
    assert "Seite nicht gefunden" in body and "Notruf: 110" in body


def _settings_debug(env: dict[str, str]) -> str:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.DEV_MODE)"
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "fahndung.settings", **env}
    full.pop("FAHNDUNG_DEBUG_PAGES", None) if "FAHNDUNG_DEBUG_PAGES" not in env else None
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=60, check=True).stdout.strip()


def test_dev_mode_shows_no_debug_pages_unless_asked():
    assert _settings_debug({"FAHNDUNG_DEBUG": "true"}) == "False True"
    assert _settings_debug({"FAHNDUNG_DEBUG": "true", "FAHNDUNG_DEBUG_PAGES": "true"}) == "True True"
    assert _settings_debug({"FAHNDUNG_DEBUG": "false", "FAHNDUNG_DEBUG_PAGES": "true",
                            "FAHNDUNG_SECRET_KEY": "x" * 50, "FAHNDUNG_TIPS_KEYS": ""}).startswith("False False")


def test_demo_children_never_get_debug_pages(monkeypatch):
    from fahndung.core.management.commands.demo import Command

    monkeypatch.setenv("FAHNDUNG_DEBUG_PAGES", "true")
    env = Command()._child_env(8000, "http://127.0.0.1:8765")
    assert env["FAHNDUNG_DEBUG_PAGES"] == "false"
    assert _settings_debug({k: v for k, v in env.items() if k.startswith("FAHNDUNG_")}).startswith("False")
