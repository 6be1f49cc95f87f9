"""Choice labels (TextChoices/IntegerChoices) are German msgids with an English translation.

The classes are found by scanning the project's source (not a hand-kept list), so a new
enumeration without translations makes these tests fail.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("fahndung", "api", "fakeplatform")

# Labels that are correctly the same in German and English.
SAME_IN_BOTH = {"—", "Relevant"}


def _base_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _modules_with_choices() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(
                isinstance(node, ast.ClassDef) and any(_base_name(b).endswith("Choices") for b in node.bases)
                for node in ast.walk(tree)
            ):
                found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.extend([sub, *_subclasses(sub)])
    return out


def _project_choices() -> list[type[models.Choices]]:
    for name in _modules_with_choices():
        importlib.import_module(name)
    classes = {c for c in _subclasses(models.Choices) if c.__module__.split(".")[0] in PACKAGES}
    return sorted(classes, key=lambda c: f"{c.__module__}.{c.__qualname__}")


CHOICES = _project_choices()
LABELS = [
    pytest.param(member.label, id=f"{cls.__module__}.{cls.__qualname__}.{member.name}")
    for cls in CHOICES
    for member in cls
]


def _msgid(label: object) -> str:
    with translation.override(None):  # no catalogue: the marked source text
        return str(label)


def test_discovery_finds_the_known_enumerations():
    names = {f"{c.__module__}.{c.__qualname__}" for c in CHOICES}
    assert {
        "fahndung.appeals.choices.Kind",
        "fahndung.tips.choices.TipState",
        "fahndung.imaging.models.BoxKind",
        "fahndung.publishing.states.State",
        "fahndung.publishing.models.ManualPublishTask.Status",
        "fahndung.lifecycle.models.ReviewState",
    } <= names


@pytest.mark.parametrize("label", LABELS)
def test_label_has_an_english_translation(label):
    msgid = _msgid(label)
    if msgid in SAME_IN_BOTH:
        return
    assert isinstance(label, Promise), f"label {msgid!r} is not marked for translation"
    with translation.override("en"):
        english = str(label)
    assert english.strip(), msgid
    assert english != msgid, f"no English translation for {msgid!r}"


@pytest.mark.parametrize("label", LABELS)
def test_german_label_is_the_unchanged_msgid(label):
    with translation.override("de"):
        assert str(label) == _msgid(label)


def test_same_german_word_is_disambiguated_where_the_meaning_differs():
    from fahndung.appeals.choices import Status
    from fahndung.publishing.models import ManualPublishTask

    with translation.override("de"):
        assert str(Status.CLOSED.label) == str(ManualPublishTask.Status.DONE.label) == "Erledigt"
    with translation.override("en"):
        assert str(Status.CLOSED.label) == "Closed"
        assert str(ManualPublishTask.Status.DONE.label) == "Done"


def test_model_display_follows_the_active_language_and_values_stay_unchanged():
    from fahndung.appeals.models import Appeal
    from fahndung.lifecycle.models import ReviewState

    appeal = Appeal(kind="witness", status="closed")
    with translation.override("en"):
        assert appeal.get_kind_display() == "Witness"
        assert appeal.get_status_display() == "Closed"
        assert ReviewState("lapsed").label == "Missed (appeal ended)"
    with translation.override("de"):
        assert appeal.get_kind_display() == "Zeugin/Zeuge"
        assert appeal.get_status_display() == "Erledigt"
    assert appeal.status == "closed" and ReviewState.LAPSED.value == "lapsed"
