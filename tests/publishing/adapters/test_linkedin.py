"""LinkedIn adapter against the realistic fake (fakeplatform/linkedin.py): a current API
version kept in one place and checked by `manage.py check`, 426 as a configuration alarm,
images with alt text through the Images API, expired member tokens (issue 11, finding 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import management
from django.core.management.base import SystemCheckError

from fahndung.core import clock
from fahndung.publishing import checks, conf
from fahndung.publishing.adapters.base import AdapterError, MediaItem
from fahndung.publishing.adapters.registry import adapter_for
from tests.publishing.adapters.test_adapters import JPEG, payload

ACCOUNT = "linkedin:ppstuttgart"


def test_default_version_is_accepted_by_the_platform(fake_platform):
    ref = adapter_for(ACCOUNT).publish(payload())
    assert adapter_for(ACCOUNT).verify(ref) is True
    sent = {b["headers"]["linkedin-version"] for b in fake_platform.store.bodies if b["platform"] == "linkedin"}
    assert sent == {conf.LINKEDIN_VERSION}


@pytest.mark.parametrize("operation", ["publish", "withdraw", "verify"])
def test_sunset_version_426_is_a_configuration_alarm(fake_platform, monkeypatch, operation):
    ref = adapter_for(ACCOUNT).publish(payload())
    monkeypatch.setenv("FAHNDUNG_LINKEDIN_PPSTUTTGART_VERSION", "202505")
    adapter = adapter_for(ACCOUNT)
    with pytest.raises(AdapterError) as exc:
        adapter.publish(payload("k2", text="Andere Fahndung")) if operation == "publish" else getattr(adapter, operation)(ref)
    assert exc.value.http_status == 426 and exc.value.permanent is True
    assert "Konfiguration" in exc.value.message
    assert exc.value.account_problem == "version_outdated"


def test_image_goes_through_images_api_with_alt_text(fake_platform):
    adapter_for(ACCOUNT).publish(payload(media=[MediaItem(JPEG, "image/jpeg", "Foto der vermissten Person")]))
    post = fake_platform.posts("linkedin", live=True)[0]
    media = post["data"]["body"]["content"]["media"]
    assert media["altText"] == "Foto der vermissten Person"
    assert fake_platform.store.media[media["id"]]["status"] == "AVAILABLE"
    assert fake_platform.store.media[media["id"]]["size"] == len(JPEG)


def test_expired_member_token_means_reconnect(fake_platform):
    fake_platform.store.options["linkedin_expired_tokens"] = {"fake-linkedin-token"}
    with pytest.raises(AdapterError) as exc:
        adapter_for(ACCOUNT).publish(payload())
    assert exc.value.permanent is True and "neu verbunden" in exc.value.message
    assert exc.value.account_problem == "reconnect_needed"


def _ids(monkeypatch, **env) -> set[str]:
    for key, value in env.items():
        monkeypatch.setenv(f"FAHNDUNG_LINKEDIN_PPSTUTTGART_{key}", value)
    return {m.id for m in checks.linkedin_accounts()}


def test_system_check_version_age(fake_platform, monkeypatch):
    clock.set_now(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    try:
        assert _ids(monkeypatch) == set()  # the default is current
        assert _ids(monkeypatch, VERSION="202601") == {"publishing.W001"}  # 11 months
        assert _ids(monkeypatch, VERSION="202505") == {"publishing.E001"}  # sunset
        assert _ids(monkeypatch, VERSION="2025-5") == {"publishing.E003"}
    finally:
        clock.set_now(None)


def test_default_version_is_younger_than_the_warning_age():
    age = conf.linkedin_version_age_months(conf.LINKEDIN_VERSION, date.today())
    assert age is not None and 0 <= age < conf.LINKEDIN_VERSION_WARN_MONTHS, (
        f"conf.LINKEDIN_VERSION {conf.LINKEDIN_VERSION} is {age} months old: raise it")


def test_system_check_token_expiry(fake_platform, monkeypatch):
    today = clock.now().date()
    assert _ids(monkeypatch, TOKEN_EXPIRES=(today + timedelta(days=40)).isoformat()) == set()
    assert _ids(monkeypatch, TOKEN_EXPIRES=(today + timedelta(days=10)).isoformat()) == {"publishing.W002"}
    assert _ids(monkeypatch, TOKEN_EXPIRES=(today - timedelta(days=1)).isoformat()) == {"publishing.E002"}


def test_manage_py_check_fails_on_a_sunset_version(fake_platform, monkeypatch):
    monkeypatch.setenv("FAHNDUNG_LINKEDIN_PPSTUTTGART_VERSION", "202401")
    with pytest.raises(SystemCheckError, match=r"publishing\.E001"):
        management.call_command("check")
