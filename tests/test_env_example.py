"""`.env.example` documents every FAHNDUNG_ variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Test-only hooks and per-account platform credentials (documented as a pattern).
NOT_FOR_OPERATORS = {"FAHNDUNG_TEST_NOTIFY_DELAY", "FAHNDUNG_CLOCK_OFFSET_SECONDS"}
ACCOUNT_PATTERN = re.compile(r"FAHNDUNG_(X|FACEBOOK|INSTAGRAM|MASTODON|BLUESKY|LINKEDIN|WHATSAPP|PRESS|POSTER)_")


def test_every_variable_read_by_the_code_is_documented():
    documented = set(re.findall(r"FAHNDUNG_[A-Z0-9_]+", (ROOT / ".env.example").read_text()))
    used: set[str] = set()
    for path in [*ROOT.glob("fahndung/**/*.py"), *ROOT.glob("api/**/*.py")]:
        if "migrations" in path.parts:
            continue
        used |= set(re.findall(r"[\"'](FAHNDUNG_[A-Z0-9_]+)[\"']", path.read_text(encoding="utf-8")))
    missing = {
        name for name in used - documented - NOT_FOR_OPERATORS
        if not ACCOUNT_PATTERN.match(name) and not name.endswith("_")
    }
    assert not missing, f"add to .env.example: {sorted(missing)}"
