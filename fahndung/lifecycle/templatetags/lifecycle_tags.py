"""Template tags for the lifecycle partial embedded in other apps' pages."""

from __future__ import annotations

from django import template

from fahndung.core.errors import ApplicationError
from fahndung.lifecycle.models import RecipientKind

register = template.Library()


@register.simple_tag(takes_context=True)
def appeal_takedown_summary(context, appeal):
    """{% appeal_takedown_summary appeal as td %} – scoped to the request's user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or appeal is None:
        return None
    from fahndung.lifecycle.selectors import appeal_takedown_summary as summary

    try:
        return summary(user=user, appeal=appeal)
    except ApplicationError:
        return None


@register.simple_tag
def recipient_kinds():
    return RecipientKind.choices
