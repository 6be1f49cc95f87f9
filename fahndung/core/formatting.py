"""German display of dates and times, always in the configured time zone (Europe/Berlin).

Public surface: ``format_date(value) -> str`` ("03.05.1990"), ``format_datetime(value) ->
str`` ("02.12.2026, 06:53 Uhr"). Both accept date/datetime objects or ISO 8601 strings
(selectors that also feed the JSON API hand over ISO strings) and return "" for empty
values. Templates: ``{% load de_format %}`` → ``{{ value|de_date }}``, ``{{ value|de_datetime }}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _


def _coerce(value: Any) -> date | datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    return parse_datetime(text) or parse_date(text)


def format_date(value: Any) -> str:
    parsed = _coerce(value)
    if parsed is None:
        return str(value or "")
    if isinstance(parsed, datetime) and timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime("%d.%m.%Y")


def format_datetime(value: Any) -> str:
    parsed = _coerce(value)
    if parsed is None:
        return str(value or "")
    if not isinstance(parsed, datetime):
        return parsed.strftime("%d.%m.%Y")
    local = timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
    return _("%(date)s, %(time)s Uhr") % {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M")}
