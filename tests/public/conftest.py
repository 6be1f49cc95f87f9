"""Fixtures of the public pages: published/closed appeals and a fake imaging contract."""

from __future__ import annotations

import importlib
import sys
import types
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class FakeImage:
    url: str
    path: str
    alt: str
    width: int
    height: int
    photo_id: int






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
