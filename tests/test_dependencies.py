"""Every third-party module that fahndung/ and api/ import is a declared dependency, and each
job has one library (issue 12: `requests` was imported but undeclared; two QR libraries)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Modules documented as dev-only (tests, benchmarks, demo); they may import the dev group.
DEV_ONLY = {"fahndung/imaging/samples.py"}


def _declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = set()
    for spec in data["project"]["dependencies"]:
        name = spec.split(";")[0].split("[")[0]
        for sep in "<>=!~ ":
            name = name.split(sep)[0]
        names.add(name.strip().lower().replace("_", "-"))
    return names


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    paths = [p for pkg in ("fahndung", "api") for p in (ROOT / pkg).rglob("*.py")]
    for path in paths:
        if path.relative_to(ROOT).as_posix() in DEV_ONLY:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    local = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    return found - set(sys.stdlib_module_names) - local - {"__future__"}


def test_every_imported_third_party_module_is_a_declared_dependency():
    declared = _declared()
    dists = packages_distributions()
    undeclared = {}
    for module in sorted(_imported_top_levels()):
        owners = {d.lower().replace("_", "-") for d in dists.get(module, [])}
        if not owners:
            pytest.fail(f"{module} is imported but not installed")
        if not owners & declared:
            undeclared[module] = sorted(owners)
    assert undeclared == {}


def test_one_qr_library():
    assert len(_declared() & {"qrcode", "segno", "pyqrcode"}) == 1
