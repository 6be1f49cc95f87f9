"""/api/v1/docs/ works offline and pinned: Swagger UI comes from a package
(drf-spectacular-sidecar) through our static files, never from a CDN at @latest."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.plugins.browser import CHROMIUM_MARKS


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.urls.append(value)


def _page_and_assets(client: Client) -> tuple[str, list[str]]:
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    parser = _Assets()
    parser.feed(html)
    return html, parser.urls


@pytest.mark.django_db
def test_docs_reference_only_local_assets_that_answer():
    client = Client()
    html, urls = _page_and_assets(client)
    assert "cdn.jsdelivr.net" not in html and "@latest" not in html and "unpkg" not in html
    # Every URL the page or its scripts name is on this server.
    assert not re.findall(r"https?://(?!testserver)[\w.-]+/", html), re.findall(r"https?://[^\s\"']+", html)
    scripts = [u for u in urls if u.endswith(".js") or "script" in u]
    assert any("swagger-ui-bundle" in u for u in urls) and scripts
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body, url


@pytest.mark.django_db(transaction=True)
@CHROMIUM_MARKS[0]
@CHROMIUM_MARKS[1]
def test_docs_render_in_a_browser_without_internet(browser, live_server):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    outside: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert outside == [] and browser.js_errors == []
