"""Input hygiene for free text from the public: encoding, control characters, length.

Public surface: ``clean_text(value, field=, label=, max_length=, required=) -> str``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from fahndung.core.errors import ValidationFailed

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}: Text erwartet.", fields={field: ["Text erwartet."]})
    # Django decodes form data with errors="replace": U+FFFD means the bytes were not UTF-8.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = "\ufffd"
    if "\ufffd" in value:
        raise ValidationFailed(
            f"{label}: ungültige Zeichenkodierung (bitte UTF-8 verwenden).",
            code="invalid_encoding", fields={field: ["Ungültige Zeichenkodierung."]},
        )
    value = unicodedata.normalize("NFC", _CONTROL.sub("", value)).strip()
    if required and not value:
        raise ValidationFailed(f"{label}: Bitte ausfüllen.", fields={field: ["Pflichtfeld."]})
    if len(value) > max_length:
        raise ValidationFailed(
            f"{label}: höchstens {max_length} Zeichen.", fields={field: [f"Höchstens {max_length} Zeichen."]}
        )
    return value
