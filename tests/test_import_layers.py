"""The layer contract (.importlinter, run by `lint-imports`) holds, and it does catch a
lower layer importing a higher one (issue 12)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint(config: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports")
    assert exe, "import-linter is a dev dependency (uv sync)"
    return subprocess.run([exe, "--config", str(config), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_layer_contract_is_kept():
    result = _lint(ROOT / ".importlinter")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_contract_fails_on_an_import_from_a_lower_layer_into_a_higher_one(tmp_path):
    # Without the explicit list of known violations the contract must break on them.
    config = (ROOT / ".importlinter").read_text()
    stripped = re.sub(r"\nignore_imports =\n(?:[ \t]+[^\n]*\n)+", "\n", config)
    assert stripped != config
    (tmp_path / "contract.ini").write_text(stripped)
    result = _lint(tmp_path / "contract.ini")
    assert result.returncode != 0
    assert "fahndung.core is not allowed to import" in result.stdout
