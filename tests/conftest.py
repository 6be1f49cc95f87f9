"""Shared fixtures: one persona per role, API clients, private/public media in tmp_path.

Personas: investigator (unit A), investigator2 (unit B), press, press2, liaison, admin.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fahndung.accounts.roles import ADMIN, INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON
from tests.factories import AppealFactory, LegalOrderFactory, UnitFactory, UserFactory

# Plugins of other areas (e.g. tests.plugins.fake_platform) are added here as they land.
pytest_plugins = ["tests.plugins.services", "tests.plugins.fake_platform", "tests.plugins.browser"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.FAHNDUNG_REQUIRE_OTP = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.files.storage import storages

    storages._storages = {}
    from django.core.cache import cache

    from fahndung.celery import app

    cache.clear()  # rate-limit counters and page caches must not leak between tests
    app.conf.task_always_eager = True
    yield
    storages._storages = {}


@pytest.fixture
def unit_a(db):
    return UnitFactory(code="unit-a", name="Kriminalinspektion 1")


@pytest.fixture
def unit_b(db):
    return UnitFactory(code="unit-b", name="Kriminalinspektion 2")


@pytest.fixture
def investigator(unit_a):
    return UserFactory(username="investigator", roles=[INVESTIGATOR], unit=unit_a)


@pytest.fixture
def investigator_a2(unit_a):
    return UserFactory(username="investigator_a2", roles=[INVESTIGATOR], unit=unit_a)


@pytest.fixture
def investigator2(unit_b):
    return UserFactory(username="investigator2", roles=[INVESTIGATOR], unit=unit_b)


@pytest.fixture
def press(db):
    return UserFactory(username="press", roles=[PRESS_OFFICE], unit=None)


@pytest.fixture
def press2(db):
    return UserFactory(username="press2", roles=[PRESS_OFFICE], unit=None)


@pytest.fixture
def liaison(db):
    return UserFactory(username="liaison", roles=[PROSECUTOR_LIAISON], unit=None)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=[ADMIN], unit=None)


@pytest.fixture
def personas(investigator, investigator2, press, press2, liaison, admin_user):
    return {
        "investigator": investigator,
        "investigator2": investigator2,
        "press": press,
        "press2": press2,
        "liaison": liaison,
        "admin": admin_user,
    }


@pytest.fixture
def appeal(investigator, unit_a):
    """A complete draft appeal of unit A with a judge's order."""
    obj = AppealFactory(owner=investigator, unit=unit_a)
    LegalOrderFactory(appeal=obj)
    return obj


@pytest.fixture
def make_published(investigator, unit_a):
    """make_published(**fields) -> a published appeal of unit A with a judge's order (no workflow run)."""
    from datetime import timedelta

    from fahndung.appeals.choices import Status
    from fahndung.core import clock

    def make(**fields):
        fields.setdefault("status", Status.PUBLISHED)
        fields.setdefault("published_at", clock.now() - timedelta(hours=2))
        order_fields = fields.pop("order", {})
        obj = AppealFactory(owner=investigator, unit=unit_a, **fields)
        LegalOrderFactory(appeal=obj, **order_fields)
        return obj

    return make


@pytest.fixture
def published(make_published):
    return make_published()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> APIClient authenticated with the user's API token."""
    from rest_framework.authtoken.models import Token

    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
