"""Real-browser tests: headless Debian chromium through Playwright.

- CHROMIUM_MARKS: put in a module's `pytestmark`; skips with a reason when chromium is missing.
- fixture `browser`: browser.new_page() -> a page in a fresh context (own cookies, German
  locale); browser.js_errors collects uncaught page errors of every page;
  browser.csp_violations collects every Content-Security-Policy violation the browser
  reports on the console (enforced or report-only) — any one fails the test at teardown.
- browser_login(page, base_url, user): password, then the TOTP form (the password is the
  personas' one from tests/conftest.py).
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from django.db import connections

from fahndung.accounts.services import totp_device_enrol
from tests.accounts.helpers import current_token

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's ORM work happens
    # between browser steps, the live server runs in its own threads.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        errors: list[str] = []
        csp: list[str] = []

        def on_console(page, message) -> None:
            if "Content Security Policy" in message.text:
                csp.append(f"{page.url}: {message.text}")

        def new_page(viewport: dict[str, int] | None = None):
            context = chromium.new_context(locale="de-DE", viewport=viewport or {"width": 1280, "height": 900})
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
            page.on("console", lambda message: on_console(page, message))
            return page

        yield SimpleNamespace(new_page=new_page, js_errors=errors, csp_violations=csp)
        # ORM calls made while Playwright's loop runs open a connection in the loop's context,
        # which the test-database teardown does not see; left open, dropping the PostgreSQL
        # test database fails.
        connections.close_all()
        chromium.close()
    assert csp == [], "Content-Security-Policy violations:\n" + "\n".join(csp)


def browser_login(page, base: str, user) -> None:
    device, _ = totp_device_enrol(user=user)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery")
    page.click("button.btn-primary")
    page.fill("#id_token", current_token(device))
    page.click("button.btn-primary")
    page.wait_for_url(f"{base}/staff/")
