"""The wizard in a real browser (headless Debian chromium via Playwright).

Skipped when /usr/bin/chromium is missing. Covers what only JavaScript does: the legal
basis filter, inline validation before "Weiter", the live confirmation deadline and
adding a person.
"""

from __future__ import annotations

import pytest

from tests.plugins.browser import CHROMIUM_MARKS, browser_login

pytestmark = CHROMIUM_MARKS


@pytest.mark.django_db(transaction=True)
def test_wizard_javascript(browser, live_server, investigator):
    base = live_server.url
    page = browser.new_page()
    browser_login(page, base, investigator)

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
    page.wait_for_function("() => document.querySelector('[data-preview-text]').textContent.includes('27.11.2026')")

    page.click("[data-step-link=persons]")
    page.click("[data-add-person]")
    assert page.locator("#persons [data-person]").count() == 2
    assert page.input_value("#id_persons-TOTAL_FORMS") == "2"
    assert page.is_checked("#id_persons-1-pub_clothing") and not page.is_checked("#id_persons-1-pub_name")
    assert browser.js_errors == []
