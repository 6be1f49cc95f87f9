"""Template helpers of the staff UI.

- ``{% include_if_exists "area/_partial.html" %}`` – renders another area's partial with the
  current context, or nothing when that area has not shipped it yet.
- ``{% template_exists "area/_partial.html" as flag %}``
- ``{{ appeal|status_badge }}`` / ``{% status_badge status_value label %}`` – coloured badge.
- ``{% deadline_badge dv %}`` – a DeadlineView as <time> with colour and live countdown.
- ``{{ form|field:"name" }}`` – bound field by name (for generated layouts).
- ``{{ bound_field|described }}`` – widget with aria-describedby/aria-invalid.
"""

from __future__ import annotations

import logging
from typing import Any

from django import template
from django.template.loader import get_template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from fahndung.appeals import workflow
from fahndung.appeals.choices import Status

register = template.Library()
log = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def include_if_exists(context: template.Context, name: str) -> str:
    try:
        tpl = get_template(name)
    except template.TemplateDoesNotExist:
        return ""
    try:
        return tpl.render(context.flatten(), context.get("request"))
    except Exception:
        # Another area's partial must never take the whole staff page down.
        log.exception("partial %s failed to render", name)
        return format_html('<div class="alert alert-warning">{}</div>', _("Dieser Bereich konnte nicht geladen werden."))


@register.simple_tag
def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except template.TemplateDoesNotExist:
        return False
    return True


@register.filter
def status_badge(value: Any) -> str:
    status = getattr(value, "status", value)
    try:
        label = Status(status).label
    except ValueError:
        label = str(status)
    return format_html('<span class="badge b-{}">{}</span>', status, label)


@register.simple_tag
def deadline_badge(dv: Any, empty: str = "—") -> str:
    if dv is None or dv.at is None:
        return format_html('<span class="muted">{}</span>', empty)
    local = timezone.localtime(dv.at)
    shown = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    if dv.css == "done":
        return format_html('<span class="deadline done" title="{}">✓ {}</span>', _("bestätigt"), shown)
    note = _("abgelaufen") if dv.lapsed else ""
    # Server-side relative text (works without JS); staff.js refreshes it every 30 s.
    relative = (
        _("überfällig seit %(t)s") % {"t": timesince(dv.at, depth=1)} if dv.lapsed
        else _("in %(t)s") % {"t": timeuntil(dv.at, depth=2)}
    )
    return format_html(
        '<span class="deadline {}"><span class="nowrap">{}</span>{} <small class="sub"><time data-countdown datetime="{}">{}</time></small></span>',
        dv.css, shown, format_html(" · <strong>{}</strong>", note) if note else "",
        local.isoformat(), relative,
    )


@register.filter
def described(bound: Any) -> str:
    """Render a bound field's widget linked to its help text and errors (screen readers)."""
    ids = []
    if bound.help_text:
        ids.append(f"{bound.id_for_label}-help")
    if bound.errors:
        ids.append(f"{bound.id_for_label}-errors")
    attrs: dict[str, str] = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    return bound.as_widget(attrs=attrs) if attrs else str(bound)


@register.filter
def action_label(action: str) -> str:
    """German label of a workflow action for the history (falls back to the code)."""
    return workflow.EVENT_LABELS.get(action, action)


@register.filter
def field(form: Any, name: str) -> Any:
    return form[name]


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
