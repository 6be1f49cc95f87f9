"""FAHNDUNG_LOG_FORMAT=json: one JSON object per line, still without client addresses."""

from __future__ import annotations

import io
import json
import logging

from fahndung.core.logging import JsonFormatter, ScrubClientDataFilter


def test_json_lines_carry_no_client_address_even_in_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubClientDataFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.json_logging")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ConnectionError("peer 203.0.113.9 reset, via 2001:db8::42:1")
        except ConnectionError:
            logger.exception("request from %s failed", "198.51.100.23")
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue().strip()
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "tests.json_logging"
    assert entry["message"] == "request from [addr] failed"
    assert "ConnectionError" in entry["exc"]
    for address in ("198.51.100.23", "203.0.113.9", "2001:db8::42:1"):
        assert address not in line
