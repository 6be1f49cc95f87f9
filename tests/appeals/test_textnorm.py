"""The one normaliser of the content rules (appeals.textnorm): spelling variants and
invisible characters never get a barred word past a rule (issue 10, finding 3)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fahndung.appeals import textnorm

INVISIBLES = sorted(textnorm._INVISIBLE)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Tatverdächtiger", "tatverdaechtiger"),
    ("TATVERDAECHTIGER", "tatverdaechtiger"),
    ("Tat\u00adverdächtiger", "tatverdaechtiger"),        # soft hyphen
    ("Tat\u200bverdächtiger", "tatverdaechtiger"),        # zero-width space
    ("Ta\u0308ter", "taeter"),                            # combining diaeresis
    ("Ｔäｔｅｒ", "taeter"),                                 # full-width letters (NFKC)
    ("Straße", "strasse"), ("STRASSE", "strasse"), ("ẞ", "ss"),
    ("Über  \n Öl", "ueber oel"),
    ("\ufeffBOM", "bom"),
    ("Tätеr", "taeter"),                                   # Cyrillic е
    ("ТАТVЕRDÄСНТIGЕR", "tatverdaechtiger"),               # Cyrillic Т, А, Е, С, Н
])
def test_normalise_examples(raw, expected):
    assert textnorm.normalise(raw) == expected


# The word forms live in one place; every listed form is caught, alone and in a sentence.
ALL_FORMS = [(lemma, form) for lemma, forms in textnorm.WITNESS_BLOCKED_FORMS.items() for form in forms]


@pytest.mark.parametrize(("lemma", "form"), ALL_FORMS)
def test_every_listed_form_is_caught(lemma, form):
    assert lemma in textnorm.witness_blocked_terms(f"Gesucht wird der {form.capitalize()} vom Bahnhof.")


@pytest.mark.parametrize("text", [
    "B. ist Mittäter", "Haupttatverdächtiger", "Täterbeschreibung", "die Verdächtige", "der Beschuldigte",
    "Tatverdaechtige", "Taeterin", "TÄTERINNEN",
])
def test_compounds_and_spellings_are_caught(text):
    assert textnorm.witness_blocked_terms(text)


@pytest.mark.parametrize("text", [
    "Die Polizei sucht eine Zeugin.", "später am Abend", "Tatort Königstraße", "Straßenbahn", "Vertrag",
])
def test_ordinary_words_are_not_caught(text):
    assert textnorm.witness_blocked_terms(text) == []


def _spell(word: str, draw_case, draw_umlaut, draw_invisible) -> str:
    out = []
    for ch in word:
        if ch in "äöü" and draw_umlaut:
            ch = {"ä": "ae", "ö": "oe", "ü": "ue"}[ch]
        elif ch in "äöü":
            ch = unicodedata.normalize("NFD", ch)  # decomposed: letter + combining diaeresis
        out.append(ch.upper() if draw_case else ch)
        out.append(draw_invisible)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(
    form=st.sampled_from([f for _lemma, f in ALL_FORMS]),
    upper=st.booleans(),
    ascii_umlaut=st.booleans(),
    invisible=st.sampled_from(["", *INVISIBLES]),
    lookalike=st.booleans(),
    prefix=st.text(alphabet=" .,;:!?-\n\t", max_size=3),
    before=st.sampled_from(["", "Der ", "Zeuge oder ", "ein "]),
)
def test_property_spelling_variants_and_invisible_characters(form, upper, ascii_umlaut, invisible, lookalike, prefix,
                                                             before):
    word = _spell(form, upper, ascii_umlaut, invisible)
    if lookalike:  # Cyrillic look-alikes for e/a/o/c (upper or lower case)
        word = word.translate(str.maketrans("eaocEAOC", "еаосЕАОС"))
    text = before + prefix + word + prefix
    assert textnorm.witness_blocked_terms(text), repr(text)
    # Normalising is idempotent and leaves no invisible character behind.
    once = textnorm.normalise(text)
    assert textnorm.normalise(once) == once
    assert not any(ch in textnorm._INVISIBLE for ch in once)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_property_normalise_is_idempotent_and_has_no_invisibles(text):
    once = textnorm.normalise(text)
    assert textnorm.normalise(once) == once
    assert not any(unicodedata.category(ch) == "Cf" for ch in once)
    assert not any(ch in "äöüß" for ch in once)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), st.sampled_from(INVISIBLES))
def test_property_invisible_insertion_changes_nothing(text, invisible):
    spread = invisible.join(text)
    assert textnorm.normalise(spread) == textnorm.normalise(text)


@pytest.mark.parametrize(("value", "ok"), [
    (".", False), ("", False), ("- - - - - - - - -", False), ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", False),
    ("Begründung folgt", False), ("ja ja ja ja ja ja ja ja ja ja", False),
    ("Angehörige nicht erreichbar, akute Lebensgefahr", True),
    ("Medienanfrage mit berechtigtem öffentlichem Interesse", True),
])
def test_justification_needs_real_text(value, ok):
    assert textnorm.is_real_text(value) is ok


def test_invisible_between_letter_and_combining_mark():
    assert textnorm.normalise("Ta\u200b\u0308ter") == "taeter"
