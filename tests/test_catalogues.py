"""The English catalogues are complete, compiled and consistent with each other.

Django merges all catalogues into one lookup: fahndung/locale first, then the apps in
INSTALLED_APPS order. So an app's translation of a msgid that a catalogue before it also
has is never shown; different meanings need a context (pgettext / `context "..."`).
"""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "fahndung"
# Lookup order (first wins), as Django merges them for the settings in force.
CATALOGUES = {
    "main": SRC / "locale",
    "imaging": SRC / "imaging" / "locale",
    "publishing": SRC / "publishing" / "locale",
    "lifecycle": SRC / "lifecycle" / "locale",
    "tips": SRC / "tips" / "locale",
    "public": SRC / "public" / "locale",
}
GETTEXT_NAMES = {
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
    "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy",
}


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """Active entries of a .po file (obsolete `#~` entries are skipped), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines belong to
    flags_pending = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags_pending = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = Entry(fuzzy=flags_pending, line=number)
            entries.append(entry)
            flags_pending = False
        assert entry is not None, f"{path}:{number}: unexpected {keyword}"
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, 0)
        elif keyword.startswith("msgstr"):
            entry.msgstr.append(_unquote(rest))
            target = ("msgstr", len(entry.msgstr) - 1)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    return entries


def _po(name: str) -> Path:
    return CATALOGUES[name] / "en" / "LC_MESSAGES" / "django.po"


def _translations(name: str) -> list[Entry]:
    return [e for e in parse_po(_po(name)) if e.msgid]  # without the header


def test_parser_reads_plurals_contexts_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy\nmsgctxt "ctx"\nmsgid "A"\nmsgstr "a"\n\n'
        'msgid ""\n"long "\n"text"\nmsgstr ""\n"lang"\n\n'
        'msgid "%(n)s Datei"\nmsgid_plural "%(n)s Dateien"\nmsgstr[0] "%(n)s file"\nmsgstr[1] ""\n\n'
        '#~ msgid "old"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    header, ctx, long, plural = parse_po(po)
    assert (header.msgid, header.msgstr) == ("", ["Language: en\n"])
    assert (ctx.key, ctx.msgstr, ctx.fuzzy) == (("ctx", "A"), ["a"], True)
    assert (long.msgid, long.msgstr, long.fuzzy) == ("long text", ["lang"], False)
    assert (plural.msgid_plural, plural.msgstr) == ("%(n)s Dateien", ["%(n)s file", ""])


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_catalogue_has_no_untranslated_or_fuzzy_entry(name):
    entries = _translations(name)
    assert entries, f"{name}: catalogue is empty"
    empty = [f"{e.line}: {e.msgid}" for e in entries if not all(e.msgstr)]
    fuzzy = [f"{e.line}: {e.msgid}" for e in entries if e.fuzzy]
    assert not empty, f"{_po(name)}: untranslated: {empty}"
    assert not fuzzy, f"{_po(name)}: fuzzy (never shown): {fuzzy}"


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_compiled_catalogue_matches_po(name):
    """The committed .mo is what Django reads: it must carry every translation of the .po."""
    mo = _po(name).with_suffix(".mo")
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in _translations(name):
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            ok = compiled.get(msgid) == e.msgstr[0]
        else:
            ok = all(compiled.get((msgid, i)) == text for i, text in enumerate(e.msgstr))
        if not ok:
            stale.append(e.msgid)
    assert not stale, f"{mo} is out of date (run msgfmt, see docs/ui.md): {stale[:10]}"


def test_no_translation_is_shadowed_by_an_earlier_catalogue():
    """Same msgid in two catalogues: the earlier one wins, so they must agree (else: context)."""
    seen: dict[tuple[str | None, str], tuple[str, list[str]]] = {}
    shadowed = []
    for name in CATALOGUES:
        for e in _translations(name):
            first = seen.setdefault(e.key, (name, e.msgstr))
            if first[0] != name and first[1] != e.msgstr:
                shadowed.append(f"{name} {e.key}: {e.msgstr} hidden by {first[0]} {first[1]}")
    assert not shadowed, shadowed


def _template_messages(path: Path) -> set[tuple[str | None, str]]:
    template = engines["django"].engine.from_string(path.read_text(encoding="utf-8"))
    found = set()
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        if node.filter_expression.var.literal is None:  # {% translate variable %}
            continue
        context = node.message_context.resolve({}) if node.message_context else None
        found.add((context, str(node.filter_expression.var.literal)))
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        context = node.message_context.resolve({}) if node.message_context else None
        found.add((context, node.render_token_list(node.singular)[0]))
    return found


def _python_messages(path: Path) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in GETTEXT_NAMES:
            continue
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if name.startswith(("pgettext", "npgettext")):
            if len(args) > 1 and args[0] is not None and args[1] is not None:
                found.add((args[0], args[1]))
        elif args[0] is not None:
            found.add((None, args[0]))
    return found


def _sources(pattern: str) -> list[Path]:
    return sorted(p for p in SRC.rglob(pattern) if "migrations" not in p.parts)


def test_every_marked_string_has_an_english_translation():
    """What templates and code mark for translation is in the merged English lookup."""
    messages: dict[tuple[str | None, str], str] = {}
    for path in _sources("*.html"):
        if "templates" in path.parts:
            for key in _template_messages(path):
                messages.setdefault(key, str(path.relative_to(ROOT)))
    for path in _sources("*.py"):
        for key in _python_messages(path):
            messages.setdefault(key, str(path.relative_to(ROOT)))
    assert len(messages) > 500  # the scan found the UI, not nothing
    catalog = translation.trans_real.translation("en")._catalog
    missing = []
    for (context, msgid), where in sorted(messages.items(), key=lambda item: item[1]):
        key = msgid if context is None else f"{context}\x04{msgid}"
        if key not in catalog and (key, 0) not in catalog:
            missing.append(f"{where}: {context or ''} {msgid!r}")
    assert not missing, missing
