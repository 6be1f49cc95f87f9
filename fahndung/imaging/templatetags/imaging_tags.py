"""Template helpers: {% appeal_photo_rows appeal as rows %} for the _appeal_photos partial."""

from __future__ import annotations

from typing import Any

from django import template

from fahndung.core.errors import NotFound
from fahndung.imaging import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def appeal_photo_rows(context: dict[str, Any], appeal: Any) -> list[selectors.PhotoRow]:
    request = context.get("request")
    if request is None or appeal is None:
        return []
    try:
        return selectors.appeal_photo_rows(user=request.user, appeal=appeal)
    except NotFound:
        return []
