"""The one text normaliser of the content rules, and the word lists they match.

Every comparison of an outgoing text with a rule (blocked words, withheld facts, names,
sensitive data) goes through ``normalise`` first, so spelling variants and invisible
characters cannot slip a word past a rule:

- Unicode NFKC (full-width letters, ligatures, combining diaeresis → one form),
- soft hyphens, zero-width and other invisible format characters removed,
- case-folded (also ẞ/ß → ss), Cyrillic/Greek look-alike letters mapped to Latin,
- ä/ae, ö/oe, ü/ue, ß/ss unified (to ae, oe, ue, ss),
- every run of whitespace → one space.

Public surface:
  normalise(text) -> str
  tokens(text) -> tuple[str, ...]           normalised words (letters/digits)
  WITNESS_BLOCKED_FORMS                     lemma -> word forms barred in witness appeals (R5)
  witness_blocked_terms(text) -> list[str]  lemmas whose forms occur in text
  contains_phrase(text, phrase) -> bool     normalised, on word boundaries
  SPECIAL_CATEGORY_TERMS / special_category_terms(text)   BDSG § 46 Nr. 14 indicators
  SUICIDE_TERMS, REWARD_TERMS, NATIONALITY_TERMS
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that render as nothing (or a break opportunity only) and are used to split a
# word so that a plain substring search misses it.
_INVISIBLE = {
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u061c",  # arabic letter mark
    "\u115f", "\u1160", "\u3164", "\uffa0",  # hangul fillers
    "\u180e",  # mongolian vowel separator
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero width space/non-joiner/joiner, marks
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # bidi embeddings/overrides
    "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",  # word joiner, invisible operators
    "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
    "\ufeff",  # zero width no-break space / BOM
}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Cyrillic/Greek letters that look like Latin ones ("Tätеr" with a Cyrillic е): matching only,
# applied after case folding (so lower-case forms suffice). NFKC does not map these.
_LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ϲ": "c",
})
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")


def _visible(ch: str) -> bool:
    # Category Cf (format) covers the invisible characters above and newer ones;
    # variation selectors (Mn) change no letter either.
    if ch in _INVISIBLE or unicodedata.category(ch) == "Cf":
        return False
    return not ("\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef")


def _strip_invisible(text: str) -> str:
    if text.isascii():  # ASCII has no invisible format characters (fast path)
        return text
    return "".join(ch for ch in text if ch.isascii() or _visible(ch))


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    # Invisibles go first, so "a" + ZWSP + combining diaeresis still composes to "ä".
    text = unicodedata.normalize("NFKC", _strip_invisible(text or ""))
    text = _strip_invisible(text)
    # NFKC again after case folding (it can leave decomposed sequences), then the umlauts.
    # Look-alikes on the decomposed form, so a Cyrillic "ӓ" (а + diaeresis) becomes "ä" too.
    text = unicodedata.normalize("NFD", text.casefold()).translate(_LOOKALIKES)
    text = unicodedata.normalize("NFKC", text).translate(_UMLAUTS)
    return _SPACE.sub(" ", text).strip()


@functools.lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))


def contains_phrase(text: str, phrase: str) -> bool:
    """True if the normalised phrase's words occur in order as whole words of text."""
    wanted = tokens(phrase)
    if not wanted:
        return False
    have = tokens(text)
    n = len(wanted)
    return any(have[i:i + n] == wanted for i in range(len(have) - n + 1))


# --- R5: words that call a witness a suspect -----------------------------------------
# One place for the word forms (German inflection of the nouns/adjectives). A word of an
# output is barred if it IS one of these forms or a compound that begins or ends with one
# (Mittäter, Haupttatverdächtiger, Täterbeschreibung).
WITNESS_BLOCKED_FORMS: dict[str, tuple[str, ...]] = {
    "Täter": ("täter", "täterin", "täterinnen", "tätern", "täters"),
    "Tatverdächtige": (
        "tatverdächtig", "tatverdächtige", "tatverdächtiger", "tatverdächtigen", "tatverdächtigem",
        "tatverdächtiges", "tatverdacht",
    ),
    "Verdächtige": ("verdächtig", "verdächtige", "verdächtiger", "verdächtigen", "verdächtigem", "verdächtigte"),
    "Beschuldigte": ("beschuldigt", "beschuldigte", "beschuldigter", "beschuldigten", "beschuldigtem"),
}
_FORMS = {lemma: tuple(sorted({normalise(f) for f in forms}, key=len, reverse=True))
          for lemma, forms in WITNESS_BLOCKED_FORMS.items()}


def _word_has_form(word: str, forms: tuple[str, ...]) -> bool:
    return any(word == f or word.startswith(f) or word.endswith(f) for f in forms)


def witness_blocked_terms(text: str) -> list[str]:
    words = tokens(text)
    return [lemma for lemma, forms in _FORMS.items() if any(_word_has_form(w, forms) for w in words)]


# --- sensitive data: indicators in free text ------------------------------------------
# Word beginnings (normalised); matched at the start of a word ("x " = the whole word x). Deliberately short lists of
# unambiguous stems: they catch what a field's publish flag does not (a press officer
# typing it into a post). The fields themselves are governed by their flags.
SPECIAL_CATEGORY_TERMS: dict[str, tuple[str, ...]] = {
    "Gesundheit": (
        "suizid", "selbstmord", "selbsttoetung", "antidepress", "depressi", "psychos", "psychisch",
        "psychiatr", "schizophren", "demenz", "dement", "alzheimer", "epilep", "diabet", "insulin",
        "medikament", "tabletten", "hiv ", "aids ", "krebserkrank", "erkrankt", "krankheit", "behinder",
        "suchterkrank", "drogenabhaengig", "alkoholkrank",
    ),
    "ethnische Herkunft": ("ethnisch", "roma ", "sinti ", "volkszugehoerig", "abstammung"),
    "Religion": ("religi", "muslim", "moslem", "islam", "christlich", "katholisch", "evangelisch", "juedisch",
                 "jude ", "juden ", "juedin", "hindu", "buddhist", "konfession", "glaubens"),
    "Sexualleben": ("homosex", "heterosex", "bisex", "transsex", "schwul", "lesbisch", "sexuelle orientierung",
                    "sexualleben", "sexuelle identitaet"),
}
SUICIDE_TERMS = ("suizid", "selbstmord", "selbsttoetung", "freitod", "lebensmuede")
REWARD_TERMS = ("belohnung", "ausgelobt", "auslobung", "praemie", "kopfgeld")
NATIONALITY_TERMS = ("staatsangehoerig", "nationalitaet", "staatsbuerger")


def _starts(text: str, stems: tuple[str, ...]) -> list[str]:
    norm = " " + " ".join(tokens(text)) + " "
    return [s for s in stems if (" " + s) in norm]


def special_category_terms(text: str) -> list[str]:
    return [category for category, stems in SPECIAL_CATEGORY_TERMS.items() if _starts(text, stems)]


def has_term(text: str, stems: tuple[str, ...]) -> bool:
    return bool(_starts(text, stems))


# --- justifications: real text, not punctuation ---------------------------------------
MIN_JUSTIFICATION_LETTERS = 20
MIN_JUSTIFICATION_WORDS = 3


def is_real_text(value: str, *, min_letters: int = MIN_JUSTIFICATION_LETTERS,
                 min_words: int = MIN_JUSTIFICATION_WORDS) -> bool:
    """A justification/exception counts only with enough letters in enough words: ".",
    "xxxxxxxxxxxxxxxxxxxxxxx" or "- - - -" do not document anything."""
    words = [w for w in tokens(value) if sum(ch.isalpha() for ch in w) >= 2]
    letters = sum(ch.isalpha() for w in words for ch in w)
    distinct = {w for w in words}
    return letters >= min_letters and len(words) >= min_words and len(distinct) >= min_words
