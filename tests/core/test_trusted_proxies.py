"""The real client behind trusted reverse proxies (attack test: every rate limit keyed on
the proxy's address, so one client blocked tip intake for everyone behind it).

FAHNDUNG_TRUSTED_PROXIES lists addresses/networks; only when the direct peer is one of
them is X-Forwarded-For read, from the right, skipping trusted hops (the leftmost entries
are whatever the client sent). The address still never gets past the middleware.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from fahndung.core.middleware import (
    StripClientAddressMiddleware,
    client_address,
    client_fingerprint,
)

pytestmark = pytest.mark.django_db


def _seen(settings_proxies, settings, remote: str, forwarded: str | None = None):
    settings.FAHNDUNG_TRUSTED_PROXIES = settings_proxies
    seen = {}

    def view(request):
        seen["key"] = request.client_key
        seen["meta"] = dict(request.META)
        return HttpResponse("ok")

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    StripClientAddressMiddleware(view)(RequestFactory().get("/", **extra))
    return seen


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "client"), [
    ([], "10.0.0.5", "203.0.113.7", "10.0.0.5"),  # no trusted proxy: the header is ignored
    (["10.0.0.5"], "10.0.0.5", "203.0.113.7", "203.0.113.7"),
    (["10.0.0.0/8"], "10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.4", "203.0.113.7"),  # rightmost untrusted
    (["10.0.0.0/8"], "10.0.0.5", "10.1.1.1, 10.0.0.4", "10.1.1.1"),  # all trusted: the first hop
    (["10.0.0.0/8"], "192.0.2.9", "203.0.113.7", "192.0.2.9"),  # not from the proxy: spoofed header ignored
    (["10.0.0.0/8"], "10.0.0.5", None, "10.0.0.5"),  # proxy without header
    (["10.0.0.0/8"], "10.0.0.5", "garbage, 203.0.113.7", "203.0.113.7"),
    (["10.0.0.0/8"], "10.0.0.5", "203.0.113.7, not-an-ip", "not-an-ip"),  # an untrusted hop ends the walk
    (["2001:db8::/32"], "2001:db8::1", "2001:db8::2, 2a00:1450::5", "2a00:1450::5"),
    (["10.0.0.0/8"], "10.0.0.5", "203.0.113.7:4711", "203.0.113.7:4711"),
])
def test_client_address(proxies, remote, forwarded, client, settings):
    settings.FAHNDUNG_TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})}
    assert client_address(meta) == client


def test_key_is_the_keyed_hash_of_the_real_client_and_nothing_leaks(settings):
    seen = _seen(["10.0.0.5"], settings, "10.0.0.5", "203.0.113.7")
    assert seen["key"] == client_fingerprint("203.0.113.7") != client_fingerprint("10.0.0.5")
    assert "203.0.113.7" not in seen["key"]
    assert "HTTP_X_FORWARDED_FOR" not in seen["meta"] and seen["meta"]["REMOTE_ADDR"] == "0.0.0.0"
    assert "203.0.113.7" not in repr(seen["meta"])


def test_two_clients_behind_one_proxy_get_two_keys(settings):
    a = _seen(["10.0.0.5"], settings, "10.0.0.5", "203.0.113.7")["key"]
    b = _seen(["10.0.0.5"], settings, "10.0.0.5", "198.51.100.20")["key"]
    untrusted = [_seen([], settings, "10.0.0.5", ip)["key"] for ip in ("203.0.113.7", "198.51.100.20")]
    assert a != b and untrusted[0] == untrusted[1]


def test_invalid_proxy_setting_is_a_system_check_error(settings):
    from fahndung.core.checks import check_trusted_proxies

    settings.FAHNDUNG_TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example"]
    errors = check_trusted_proxies()
    assert [e.id for e in errors] == ["fahndung.E005"] and "proxy.example" in errors[0].msg
    settings.FAHNDUNG_TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    assert check_trusted_proxies() == []
