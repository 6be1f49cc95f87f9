"""Fixtures of the public pages: published/closed appeals and a fake imaging contract."""

from __future__ import annotations

import importlib
import sys
import types
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache

from fahndung.appeals.choices import Status
from fahndung.core import clock
from tests.factories import AppealFactory, LegalOrderFactory


@dataclass(frozen=True)
class FakeImage:
    url: str
    path: str
    alt: str
    width: int
    height: int
    photo_id: int


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_published(investigator, unit_a):
    """make_published(**fields) -> a published appeal of unit A with a judge's order."""

    def make(**fields):
        fields.setdefault("status", Status.PUBLISHED)
        fields.setdefault("published_at", clock.now() - timedelta(hours=2))
        order_fields = fields.pop("order", {})
        appeal = AppealFactory(owner=investigator, unit=unit_a, **fields)
        LegalOrderFactory(appeal=appeal, **order_fields)
        return appeal

    return make


@pytest.fixture
def published(make_published):
    return make_published()


@pytest.fixture
def fake_renditions(monkeypatch):
    """Install a fake `public_renditions_for_appeal`; returns the list it serves (mutable)."""
    images: list[FakeImage] = []
    calls: list[dict] = []

    def public_renditions_for_appeal(*, appeal, rendition="website"):
        calls.append({"appeal": appeal.pk, "rendition": rendition})
        return list(images)

    try:
        module = importlib.import_module("fahndung.imaging.selectors")
        monkeypatch.setattr(module, "public_renditions_for_appeal", public_renditions_for_appeal, raising=False)
    except ImportError:
        module = types.ModuleType("fahndung.imaging.selectors")
        module.public_renditions_for_appeal = public_renditions_for_appeal
        monkeypatch.setitem(sys.modules, "fahndung.imaging.selectors", module)
    images.append(FakeImage("/media/renditions/abc/website.jpg", "/tmp/x.jpg", "Bild aus Überwachungskamera", 800, 600, 1))
    return types.SimpleNamespace(images=images, calls=calls)
