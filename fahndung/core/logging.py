"""Logging filter that removes request objects and anything shaped like an IP address, and the
JSON line formatter for production logs."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b")
# Compressed IPv6 ("2001:db8::42:1", "fe80::1", "::1"): a "::" with at least one group after it.
_IPV6_COMPRESSED = re.compile(
    r"(?<![\w:])(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?::[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6}(?![\w:])"
)


def scrub(text: str) -> str:
    return _IPV6.sub("[addr]", _IPV6_COMPRESSED.sub("[addr]", _IPV4.sub("[addr]", text)))


class ScrubClientDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        try:
            message = record.getMessage()
        except Exception:
            return True
        record.msg = scrub(message)
        record.args = ()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (FAHNDUNG_LOG_FORMAT=json): ts, level, logger, message, and exc
    for tracebacks. Message and traceback are scrubbed here too (the filter sees only the
    message), so an address inside an exception text does not get out either."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
