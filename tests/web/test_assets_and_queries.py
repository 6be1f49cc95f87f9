"""Static assets are served locally (no CDN) and the dashboard does not do N+1 queries."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AppealFactory, LegalOrderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_login_page_uses_only_local_assets(live_server):
    with urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=10) as resp:
        html = resp.read().decode()
    refs = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert not [r for r in refs if r.startswith(("http://", "https://", "//"))]
    for ref in [r for r in refs if r.startswith("/static/")]:
        with urllib.request.urlopen(f"{live_server.url}{ref}", timeout=10) as asset:
            assert asset.status == 200 and len(asset.read()) > 500, ref


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/staff/").status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_is_flat(investigator, unit_a, staff_client):
    client = staff_client(investigator)
    for _ in range(3):
        LegalOrderFactory(appeal=AppealFactory(owner=investigator, unit=unit_a))
    few = _dashboard_queries(client)
    for _ in range(20):
        LegalOrderFactory(appeal=AppealFactory(owner=investigator, unit=unit_a))
    many = _dashboard_queries(client)
    assert many == few, (few, many)
