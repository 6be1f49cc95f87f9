"""Core guarantees: client addresses never pass the middleware; the audit log is append-only;
settings helpers fail loudly."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from fahndung.core.audit import audit_record
from fahndung.core.env import env_bool, env_int, env_list, env_secret
from fahndung.core.logging import ScrubClientDataFilter, scrub
from fahndung.core.middleware import StripClientAddressMiddleware, client_fingerprint
from fahndung.core.models import AuditEvent


def test_middleware_replaces_address_and_agent_by_keyed_hash():
    seen = {}

    def view(request):
        seen.update(request.META)
        seen["client_key"] = request.client_key
        return None

    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR="198.51.100.1", HTTP_USER_AGENT="Tipster/1.0"
    )
    StripClientAddressMiddleware(view)(request)
    values = " ".join(str(v) for v in seen.values())
    assert "203.0.113.77" not in values and "198.51.100.1" not in values and "Tipster/1.0" not in values
    assert seen["client_key"] == client_fingerprint("203.0.113.77")
    assert seen["client_key"] != client_fingerprint("203.0.113.78")


def test_log_filter_removes_addresses_and_request():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "client %s failed", ("203.0.113.77",), None)
    record.request = object()
    assert ScrubClientDataFilter().filter(record)
    assert record.getMessage() == "client [addr] failed"
    assert record.request is None
    assert scrub("from 2001:db8::1 and 2001:0db8:85a3:0000:0000:8a2e:0370:7334") .count("[addr]") >= 1


@pytest.mark.django_db
def test_audit_events_are_append_only(investigator):
    event = audit_record(actor=investigator, action="test.view", object_type="x", object_id=1)
    assert event.actor_label == "investigator"
    event.detail = {"tampered": True}
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == {}


@pytest.mark.django_db
def test_every_transition_is_audited_with_actor(appeal, investigator, press):
    from fahndung.appeals import services

    services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.appeal_approve(actor=press, appeal_id=appeal.pk)
    rows = list(AuditEvent.objects.filter(appeal_id=appeal.pk).order_by("id").values_list("action", "actor_label"))
    assert ("appeal.submit", "investigator") in rows
    assert ("appeal.approve", "press") in rows
    assert ("appeal.publish", "press") in rows


def test_env_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "yes")
    assert env_bool("X_BOOL") is True
    monkeypatch.setenv("X_BOOL", "vielleicht")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "zwölf")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST") == ["a", "b", "c"]
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_secret("X_SECRET") == "s3cret"


@pytest.mark.django_db
def test_reading_an_appeal_record_is_audited(appeal, investigator, api_as):
    assert api_as(investigator).get(f"/api/v1/appeals/{appeal.pk}/").status_code == 200
    assert AuditEvent.objects.filter(appeal_id=appeal.pk, action="appeal.view", actor=investigator).count() == 1
