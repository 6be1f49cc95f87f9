"""The wizard in a real browser (headless Debian chromium via Playwright).

Skipped when /usr/bin/chromium is missing. Covers what only JavaScript does: the legal
basis filter, inline validation before "Weiter", the live confirmation deadline and
adding a person.
"""

from __future__ import annotations

import os

import pytest
from django.db import connections

from fahndung.accounts.services import totp_device_enrol
from tests.accounts.helpers import current_token

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM work of the
    # test happens before it starts, the server runs in its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="de-DE")
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.js_errors = errors  # type: ignore[attr-defined]
        yield pg
        # ORM calls made while Playwright's loop runs open a connection in the loop's context,
        # which the test-database teardown does not see; left open, dropping the PostgreSQL
        # test database fails.
        connections.close_all()
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_wizard_javascript(page, live_server, investigator):
    device, _ = totp_device_enrol(user=investigator)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "investigator")
    page.fill("#id_password", "correct horse battery")
    page.click("button.btn-primary")
    page.fill("#id_token", current_token(device))
    page.click("button.btn-primary")
    page.wait_for_url(f"{base}/staff/")

    page.goto(f"{base}/staff/appeals/new/")
    assert page.is_visible("#step-basis") and not page.is_visible("#step-order")
    page.select_option("#id_kind", "witness")
    allowed = page.eval_on_selector_all("#id_legal_basis option:not([disabled])", "os => os.map(o => o.value)")
    assert allowed == ["", "stpo_131a_3", "stpo_131b_2"]

    page.click("#step-basis [data-next]")  # title and file number missing
    assert page.locator("#step-basis ul.errorlist").count() == 2
    assert not page.is_visible("#step-order")
    page.fill("#id_title", "Zeugenaufruf")
    page.fill("#id_file_number_police", "ST/1/26")
    page.click("#step-basis [data-next]")
    assert page.is_visible("#step-order")

    page.select_option("#id_order-issuer_type", "police")
    page.check("#id_order-is_emergency")
    page.fill("#id_order-decided_at", "2026-11-20T10:00")
    page.dispatch_event("#id_order-decided_at", "change")
    page.wait_for_function("document.querySelector('[data-preview-text]').textContent.includes('27.11.2026')")

    page.click("[data-step-link=persons]")
    page.click("[data-add-person]")
    assert page.locator("#persons [data-person]").count() == 2
    assert page.input_value("#id_persons-TOTAL_FORMS") == "2"
    assert page.is_checked("#id_persons-1-pub_clothing") and not page.is_checked("#id_persons-1-pub_name")
    assert page.js_errors == []
