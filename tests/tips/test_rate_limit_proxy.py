"""Tip intake behind a reverse proxy: the rate limit applies per real client, not to
everyone behind the proxy (attack test, issue 15 finding 6)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _submit(api_client, published, client_ip: str):
    return api_client.post(f"/api/v1/public/appeals/{published.slug}/tips/", {"content": "Sichtung am Bahnhof, 14 Uhr."},
                           format="json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=client_ip)


def test_one_client_behind_the_proxy_does_not_block_the_others(api_client, published, settings):
    settings.FAHNDUNG_TIP_RATE_LIMIT = "2/600"
    settings.FAHNDUNG_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert [_submit(api_client, published, "203.0.113.7").status_code for _ in range(3)] == [201, 201, 429]
    assert _submit(api_client, published, "198.51.100.20").status_code == 201


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_limit(api_client, published, settings):
    settings.FAHNDUNG_TIP_RATE_LIMIT = "2/600"
    settings.FAHNDUNG_TRUSTED_PROXIES = []
    codes = [_submit(api_client, published, f"203.0.113.{n}").status_code for n in range(3)]
    assert codes == [201, 201, 429]
