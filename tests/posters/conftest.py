"""Poster fixtures: a published appeal of unit A and a fake poster-rendition contract."""

from __future__ import annotations

import importlib
import sys
import types
from datetime import timedelta

import pytest
from PIL import Image

from fahndung.appeals.choices import Status
from fahndung.core import clock
from tests.factories import AppealFactory, LegalOrderFactory


@pytest.fixture
def published(investigator, unit_a):
    appeal = AppealFactory(owner=investigator, unit=unit_a, status=Status.PUBLISHED,
                           published_at=clock.now() - timedelta(hours=1))
    LegalOrderFactory(appeal=appeal)
    return appeal


@pytest.fixture
def poster_photo(monkeypatch, tmp_path):
    """Serve one processed poster rendition through the imaging contract."""
    path = tmp_path / "poster-rendition.jpg"
    Image.new("RGB", (600, 800), (80, 90, 100)).save(path)
    calls: list[dict] = []

    def rendition_file_path(*, appeal, rendition):
        calls.append({"appeal": appeal.pk, "rendition": rendition})
        return [str(path)]

    try:
        module = importlib.import_module("fahndung.imaging.selectors")
        monkeypatch.setattr(module, "rendition_file_path", rendition_file_path, raising=False)
    except ImportError:
        module = types.ModuleType("fahndung.imaging.selectors")
        module.rendition_file_path = rendition_file_path
        monkeypatch.setitem(sys.modules, "fahndung.imaging.selectors", module)
    return calls
