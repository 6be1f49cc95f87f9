"""``{{ value|de_date }}`` and ``{{ value|de_datetime }}`` (see fahndung.core.formatting)."""

from __future__ import annotations

from django import template

from fahndung.core.formatting import format_date, format_datetime

register = template.Library()
register.filter("de_date", format_date)
register.filter("de_datetime", format_datetime)
