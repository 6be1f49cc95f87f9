"""The appeal's public URL and hotline each have one home (fahndung/appeals/links.py)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from fahndung.appeals.links import appeal_hotline, appeal_public_url
from tests.factories import AppealFactory

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for pkg in ("fahndung", "api") for p in (ROOT / pkg).rglob("*") if p.suffix in {".py", ".html", ".txt"}]
HOME = ROOT / "fahndung" / "appeals" / "links.py"


def test_public_url_is_the_canonical_page(db, settings):
    settings.PUBLIC_BASE_URL = "https://polizei.example"
    appeal = AppealFactory(slug="raub-koenigstrasse")
    assert appeal_public_url(appeal) == "https://polizei.example/fahndung/raub-koenigstrasse/"


def test_hotline_falls_back_to_the_default(settings):
    settings.FAHNDUNG_DEFAULT_HOTLINE = "0711 111"
    assert appeal_hotline(SimpleNamespace(hotline="0711 222")) == "0711 222"
    assert appeal_hotline(SimpleNamespace(hotline="")) == "0711 111"


def test_no_module_builds_the_public_url_or_hotline_default_by_hand():
    by_hand = re.compile(r"(?<![\w/])/fahndung/\{")  # f"…/fahndung/{slug}/" or "/fahndung/{{ appeal.slug }}"
    offenders = []
    for path in SOURCES:
        if path == HOME or "/migrations/" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        if by_hand.search(text) or ("FAHNDUNG_DEFAULT_HOTLINE" in text and path.name != "settings.py"):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
