"""Reads for the public side. Nobody is logged in here: "scope" means status.

Public surface:
- ``PUBLIC_STATUSES`` / ``CLOSED_STATUSES``
- ``public_appeal_list(*, kind=None, region=None, date_from=None, date_to=None) -> QuerySet[Appeal]``
  published appeals, newest first; region = district, dates = publication day (Europe/Berlin).
- ``public_regions() -> list[str]``   districts of the published appeals (filter options).
- ``public_search(appeals, query) -> list[Appeal]``   full text over the published texts only
  (presenters.public_texts: an unpublished name or the internal title never matches).
- ``public_appeal_get(*, slug) -> PublicAppeal``   published → full page; closed/archived →
  ``closed=True`` (the page shows only the neutral notice); anything else → NotFound.
- ``public_page_state(*, slug) -> PageState | None``   one indexed query (status, updated_at,
  close_reason) used as the cache version of a page.
- ``public_list_state() -> tuple``   cache version of the list/feeds (count, last change).
- ``public_images(*, appeal, rendition="website") -> list``   approved processed renditions via
  the imaging contract; an imaging app without that contract means "no photos".
- ``public_shared_images(*, appeal) -> list[SharedImage]``   the approved website renditions
  with absolute URL and byte size for list thumbnails, the JSON feed and RSS enclosures –
  none where the rules keep images on the appeal page (publishing.selectors.media_block_reason).
- ``tip_form_template() -> str | None``   the tips app's public form template, if it exists.
- ``public_output_problems(*, appeal) -> dict[str, list[str]]``   what the output gate says
  about the public renderings of the appeal (page, title/og, card) – for staff: a non-empty
  answer means the page and its feed items are withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Max, QuerySet, Sum
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fahndung.appeals.choices import Kind, Status
from fahndung.appeals.models import Appeal, LegalOrder
from fahndung.appeals.selectors import (
    appeal_is_publicly_showable,
    appeal_showable_q,
    order_allows_showing,
    output_problems,
)
from fahndung.appeals.textnorm import normalise
from fahndung.core import clock
from fahndung.core.errors import NotFound
from fahndung.public import presenters
from fahndung.publishing.selectors import media_block_reason

PUBLIC_STATUSES = (Status.PUBLISHED,)
CLOSED_STATUSES = (Status.CLOSED, Status.ARCHIVED)
TIP_FORM_TEMPLATE = "tips/public_form.html"


@dataclass(frozen=True)
class PublicAppeal:
    appeal: Appeal
    closed: bool


@dataclass(frozen=True)
class PageState:
    pk: int
    status: str
    updated_at: datetime
    close_reason: str
    content_revision: int = 0
    showable: bool = True  # appeals' rule: not expired, order not lapsed (checked per request)

    @property
    def visible(self) -> bool:
        return (self.status in PUBLIC_STATUSES and self.showable) or self.status in CLOSED_STATUSES


def public_appeal_list(*, kind: str | None = None, region: str | None = None,
                       date_from: date | None = None, date_to: date | None = None) -> QuerySet[Appeal]:
    qs = (
        Appeal.objects.filter(appeal_showable_q())
        .select_related("order")
        .prefetch_related("persons")
        .order_by("-published_at", "-id")
    )
    if kind and kind in Kind.values:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(district=region)
    if date_from:
        qs = qs.filter(published_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(published_at__date__lte=date_to)
    return qs


def public_regions() -> list[str]:
    rows = Appeal.objects.filter(appeal_showable_q()).exclude(district="").values_list("district", flat=True)
    return sorted(set(rows), key=str.casefold)


def public_search(appeals: Any, query: str) -> list[Appeal]:
    words = [w for w in normalise(query).split() if w]
    if not words:
        return list(appeals)
    found = []
    for appeal in appeals:
        texts = presenters.public_texts(appeal)
        haystack = normalise(" ".join([*texts["page"], *texts["card"]]))
        if all(w in haystack for w in words):
            found.append(appeal)
    return found


def public_appeal_get(*, slug: str) -> PublicAppeal:
    appeal = (
        Appeal.objects.filter(slug=slug, status__in=(*PUBLIC_STATUSES, *CLOSED_STATUSES))
        .select_related("order")
        .prefetch_related("persons")
        .first()
    )
    if appeal is None or (appeal.status in PUBLIC_STATUSES and not appeal_is_publicly_showable(appeal=appeal)):
        raise NotFound("Diese Fahndung gibt es nicht oder sie ist nicht öffentlich.")
    return PublicAppeal(appeal=appeal, closed=appeal.status in CLOSED_STATUSES)


def _state_sql() -> str:
    meta, order_meta = Appeal._meta, LegalOrder._meta
    q = connection.ops.quote_name
    a, o = q(meta.db_table), q(order_meta.db_table)
    cols = ", ".join(f"{a}.{q(meta.get_field(f).column)}" for f in (
        "id", "status", "updated_at", "close_reason", "content_revision", "expires_at"))
    order_cols = ", ".join(f"{o}.{q(order_meta.get_field(f).column)}" for f in ("confirmation_due_at", "confirmed_at"))
    join = f"{o}.{q(order_meta.get_field('appeal').column)} = {a}.{q(meta.pk.column)}"
    # Identifiers come from the models, the slug is a bound parameter.
    return (f"SELECT {cols}, {order_cols} FROM {a} LEFT JOIN {o} ON {join} "  # noqa: S608
            f"WHERE {a}.{q(meta.get_field('slug').column)} = %s")


def _aware(value: Any) -> datetime | None:
    if isinstance(value, str):  # SQLite hands back text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def public_page_state(*, slug: str) -> PageState | None:
    # Hot path of a viral page: hand-written SQL, because compiling the ORM query costs
    # several times more than running it against the unique slug index. The order's
    # deadline comes along: a lapsed order is never shown, even before the sweep.
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, status, updated_at, close_reason, revision, expires_at, due_at, confirmed_at = row
    now = clock.now()
    expires_at = _aware(expires_at)
    showable = (expires_at is None or expires_at > now) and order_allows_showing(
        due_at=_aware(due_at), confirmed_at=_aware(confirmed_at), at=now)
    return PageState(pk, status, _aware(updated_at), close_reason or "", int(revision or 0), showable)


def public_list_state() -> tuple[int, str]:
    # Closing removes a row (count changes); publishing adds the newest updated_at.
    agg = Appeal.objects.filter(appeal_showable_q()).aggregate(
        n=Count("id"), last=Max("updated_at"), rev=Sum("content_revision"))
    return agg["n"], (agg["last"].isoformat() if agg["last"] else "-") + f"|{agg['rev'] or 0}"


def public_images(*, appeal: Appeal, rendition: str = "website") -> list[Any]:
    """Processed, approved renditions only (never originals, R15). Closed appeals: none."""
    if appeal.status not in PUBLIC_STATUSES:
        return []
    try:
        from fahndung.imaging.selectors import public_renditions_for_appeal
    except (ImportError, AttributeError):
        # The imaging contract is not installed yet: show no photo rather than fail.
        return []
    return list(public_renditions_for_appeal(appeal=appeal, rendition=rendition))


@dataclass(frozen=True)
class SharedImage:
    url: str  # absolute (canonical server, R7)
    width: int
    height: int
    bytes: int
    mime_type: str
    alt: str


def _size(name: str) -> int:
    try:
        return default_storage.size(name)
    except (OSError, NotImplementedError, ValueError, SuspiciousOperation):  # gone or outside storage
        return 0


def public_shared_images(*, appeal: Appeal) -> list[SharedImage]:
    if appeal.status not in PUBLIC_STATUSES or media_block_reason(appeal):
        return []
    base = settings.PUBLIC_BASE_URL
    return [
        SharedImage(url=base + img.url if img.url.startswith("/") else img.url, width=img.width,
                    height=img.height, bytes=_size(img.path), mime_type="image/jpeg", alt=img.alt)
        for img in public_images(appeal=appeal)
    ]


def tip_form_template() -> str | None:
    try:
        get_template(TIP_FORM_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return TIP_FORM_TEMPLATE


def public_output_problems(*, appeal: Appeal) -> dict[str, list[str]]:
    return output_problems(appeal=appeal, texts=presenters.public_texts(appeal, public_images(appeal=appeal)))
