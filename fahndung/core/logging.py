"""Logging filter that removes request objects and anything shaped like an IP address."""

from __future__ import annotations

import logging
import re

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b")


def scrub(text: str) -> str:
    return _IPV6.sub("[addr]", _IPV4.sub("[addr]", text))


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
