"""Template tags of the tips app.

``{% tips_summary_for appeal as summary %}`` – counts for the current user (None when
the user may not see the appeal); used by tips/_appeal_tips_summary.html.
``{% tips_chart_svg series %}`` – inline SVG chart.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from fahndung.core.errors import ApplicationError
from fahndung.tips import selectors
from fahndung.tips.chart import render_chart_svg

register = template.Library()


@register.simple_tag(takes_context=True)
def tips_summary_for(context: Any, appeal: Any) -> dict[str, Any] | None:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if appeal is None or user is None:
        return None
    try:
        return selectors.tip_counts(user=user, appeal_id=appeal.pk)
    except ApplicationError:
        return None


@register.simple_tag
def tips_chart_svg(series: dict[str, Any]) -> str:
    # render_chart_svg escapes every label; the rest is numbers.
    return mark_safe(render_chart_svg(series))


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return (mapping or {}).get(key, 0)
