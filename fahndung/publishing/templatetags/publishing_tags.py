"""Template tags for other areas' pages: `{% appeal_publications appeal as pubs %}` gives the
publications of an appeal (via publishing.selectors) for the summary card on the detail page."""

from __future__ import annotations

from typing import Any

from django import template

from fahndung.publishing import selectors

register = template.Library()


@register.simple_tag
def appeal_publications(appeal: Any) -> list[Any]:
    if appeal is None:
        return []
    return list(selectors.publications_for_appeal(appeal=appeal))
