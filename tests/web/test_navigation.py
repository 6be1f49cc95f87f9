"""Role-aware navigation: every link the sidebar shows a role answers 200 for that role
(found in a real browser: "Veröffentlichung" was a 404 for everyone, and roles saw links
that answered 403)."""

from __future__ import annotations

import re

import pytest

from fahndung.appeals import services as appeal_services
from tests.accounts.helpers import verified_client

pytestmark = pytest.mark.django_db
ROLES = ["investigator", "press", "liaison", "admin"]


def _sidebar_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="sidebar".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="(/[^"]*)"', nav)


@pytest.mark.parametrize("who", ROLES)
def test_every_sidebar_link_answers_200_for_the_role(personas, published, who):
    client = verified_client(personas[who])
    home = client.get("/staff/")
    assert home.status_code == 200
    links = _sidebar_links(home.content.decode())
    assert "/staff/" in links and len(links) >= 3
    for url in dict.fromkeys(links):
        response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)


@pytest.mark.parametrize(("who", "shown", "hidden"), [
    ("investigator", ["/staff/appeals/new/", "/staff/tips/"], ["/staff/review/", "/staff/publishing/tasks/"]),
    ("press", ["/staff/review/", "/staff/publishing/", "/staff/publishing/tasks/", "/staff/takedowns/"],
     ["/staff/appeals/new/"]),
])
def test_sidebar_shows_what_the_role_does(personas, who, shown, hidden):
    links = _sidebar_links(verified_client(personas[who]).get("/staff/").content.decode())
    assert set(shown) <= set(links), links
    assert not set(hidden) & set(links), links


def test_publishing_overview_lists_appeals_with_posts(appeal, fake_platform, investigator, press, investigator2,
                                                      django_capture_on_commit_callbacks):
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_approve(actor=press, appeal_id=appeal.pk, checklist={})
    html = verified_client(press).get("/staff/publishing/").content.decode()
    assert appeal.file_number_police in html and f"/staff/publishing/appeal/{appeal.pk}/" in html
    other_unit = verified_client(investigator2).get("/staff/publishing/").content.decode()
    assert appeal.file_number_police not in other_unit
