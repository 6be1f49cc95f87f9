"""docs/rules.md stays honest: every rule R1–R20 of domain.md has a row, and every function
and test the table names exists (imported / found in the test file)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "rules.md"
TICKED = re.compile(r"`([^`]+)`")


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.match(r"R\d+\b", cells[0]):
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def _resolve(dotted: str) -> object:
    """`appeals.gate.text_problems` → fahndung.appeals.gate.text_problems (also api.…, attributes
    of classes such as `appeals.models.Person.nationality_justification`)."""
    parts = dotted.split(".")
    for prefix in ("fahndung.", ""):
        for cut in range(len(parts) - 1, 0, -1):
            try:
                obj = importlib.import_module(prefix + ".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attr in parts[cut:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                break
            return obj
    raise AssertionError(f"docs/rules.md names `{dotted}`, which does not exist")


def _tests(cell: str) -> list[tuple[Path, str | None]]:
    out: list[tuple[Path, str | None]] = []
    current: Path | None = None
    for token in TICKED.findall(cell):
        path, _, name = token.partition("::")
        if path:
            current = ROOT / path
        assert current is not None, f"test reference {token!r} without a file"
        out.append((current, re.sub(r"\[.*\]$", "", name) or None))
    return out


def test_every_rule_has_a_row():
    rules = {int(re.match(r"R(\d+)", rule).group(1)) for rule, _f, _t in _rows()}
    assert rules >= set(range(1, 21)), f"missing rows for R{sorted(set(range(1, 21)) - rules)}"


@pytest.mark.parametrize(("rule", "functions", "tests"), _rows(), ids=[r[0][:40] for r in _rows()])
def test_named_functions_and_tests_exist(rule, functions, tests):
    names = TICKED.findall(functions)
    assert names, f"{rule}: no function named"
    for dotted in names:
        _resolve(dotted)
    refs = _tests(tests)
    assert refs, f"{rule}: no test named"
    for path, name in refs:
        assert path.is_file(), f"{rule}: {path.relative_to(ROOT)} does not exist"
        if name:
            source = path.read_text(encoding="utf-8")
            assert re.search(rf"^\s*(async\s+)?def {re.escape(name)}\(", source, re.M), (
                f"{rule}: {path.relative_to(ROOT)}::{name} does not exist"
            )


def test_checker_rejects_what_does_not_exist():
    with pytest.raises(AssertionError):
        _resolve("appeals.gate.no_such_function")
    assert _tests("`tests/test_rules_doc.py::test_every_rule_has_a_row`, `::x`")[1] == (
        ROOT / "tests" / "test_rules_doc.py", "x")
