"""The Content-Security-Policy is enforced (not report-only, which without a report address
does nothing) and the pages still work under it: a real browser tours the staff, public,
tip, API-docs and admin pages and fails on any violation it reports (tests/plugins/browser.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.plugins.browser import CHROMIUM_MARKS, browser_login


@pytest.mark.django_db
def test_policy_is_enforced_not_report_only(published):
    for url in ("/fahndung/", f"/fahndung/{published.slug}/", "/accounts/login/", "/api/v1/docs/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy-Report-Only" not in response.headers, url
        policy = response.headers["Content-Security-Policy"]
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "default-src 'self'" in policy and "'self'" in script_src, url
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, url
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, url


@pytest.mark.django_db(transaction=True)
@CHROMIUM_MARKS[0]
@CHROMIUM_MARKS[1]
def test_pages_work_under_the_enforced_policy(browser, live_server, investigator, published):
    base = live_server.url
    public = browser.new_page()
    for path in ("/fahndung/", f"/fahndung/{published.slug}/", f"/hinweise/{published.slug}/", "/api/v1/docs/"):
        response = public.goto(f"{base}{path}")
        assert response.status == 200, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
    public.wait_for_selector(".swagger-ui .opblock")  # Swagger UI's scripts ran
    public.goto(f"{base}/django-admin/login/")

    staff = browser.new_page()
    browser_login(staff, base, investigator)
    for path in ("/staff/", f"/staff/appeals/{published.pk}/", "/staff/tips/", "/staff/appeals/new/"):
        response = staff.goto(f"{base}{path}")
        assert response.status == 200, path
    # The wizard's script ran (it hides the later steps).
    assert staff.is_visible("#step-basis") and not staff.is_visible("#step-order")
    assert browser.js_errors == []
