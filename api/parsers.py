"""The API's JSON parser: DRF's, with German messages and a bounded nesting depth.

DRF's JSONParser turns only ValueError into a ParseError; JSON nested some thousand levels
deep raises RecursionError inside the decoder and became a 500. Both now answer the one
error shape with code "parse_error" (api.exceptions).
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Far deeper than any payload of this API (appeal → persons → fields is 3), far below
# the interpreter's recursion limit.
MAX_DEPTH = 64


class JSONParseError(ParseError):
    default_code = "parse_error"


def _depth_exceeded(text: str, limit: int) -> bool:
    """Bracket depth outside strings, in one pass (before the recursive decoder runs)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError:
            raise JSONParseError("Der Anfragetext ist kein gültiges UTF-8.") from None
        # Cheap prefilter: only a body with that many brackets can be that deep.
        if text.count("[") + text.count("{") > MAX_DEPTH and _depth_exceeded(text, MAX_DEPTH):
            raise JSONParseError(f"Der Anfragetext ist zu tief verschachtelt (höchstens {MAX_DEPTH} Ebenen).")
        try:
            return json.loads(text, parse_constant=self._reject_constant)
        except json.JSONDecodeError as exc:
            raise JSONParseError(
                f"Der Anfragetext ist kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno})."
            ) from None
        except (ValueError, RecursionError):
            raise JSONParseError("Der Anfragetext ist kein gültiges JSON.") from None

    @staticmethod
    def _reject_constant(name: str):
        raise ValueError(f"{name} ist in JSON nicht zulässig")
