"""Reads of tips, always scoped to the user.

Public surface:
- ``public_appeal_id(slug)`` – id of a published appeal (public intake), else NotFound.
- ``appeal_for_staff(user, appeal_id)`` – appeal the user may see, else NotFound.
- ``is_case_team(user, appeal)`` / ``require_case_team(user, appeal_id)``.
- ``tip_inbox(user, appeal_id, state=None)`` – case team only; metadata, no content loaded.
- ``tip_counts(user, appeal_id)`` – counts for anybody who may see the appeal (press office).
- ``tip_get_for_team(user, tip_id)`` – a tip of the user's case team, else NotFound/PermissionDenied.
- ``tip_chart_series(user, appeal_id)`` – tips per day by channel since publication.
- ``tipster_thread(tip)`` – the messages the tipster may read.
- ``case_team_users(appeal)``, ``appeal_for_system(appeal_id)``, ``tip_overview(user)``.
- ``intake_metrics()`` – system counts for /metrics (stored tips, outbox backlog and age).

Another unit's investigator gets NotFound (the appeal's existence does not leak); the
press office, which may see the appeal, gets PermissionDenied for content.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal
from fahndung.appeals.selectors import appeal_case_team_q, appeal_get, appeal_is_case_team_member
from fahndung.core import clock
from fahndung.core.errors import NotFound, PermissionDenied
from fahndung.core.ratelimit import CACHE_ERRORS
from fahndung.tips.choices import Channel, OutboxStatus, TipState
from fahndung.tips.models import OutboxMessage, Tip, TipAttachment, TipMessage, TipRead

_ENCRYPTED = ("secret_pending", "content", "observed_place", "contact_name", "contact_phone", "contact_email",
              "source_detail", "replay_secret")


def public_appeal_id_cache_key(slug: str) -> str:
    return f"tips:appeal-id:{str(slug)[:32]}"


def public_appeal_id(*, slug: str) -> int:
    """Id of a published appeal. Cached briefly: during a surge every tip would otherwise
    pay this query; a tip arriving seconds after closing is still stored for the team."""
    key = public_appeal_id_cache_key(slug)
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:  # shared cache down: the database answers, the tip is not lost
        cached, key = None, None
    if cached is None:
        row = Appeal.objects.filter(slug=str(slug)[:32], status=Status.PUBLISHED).values_list("pk", flat=True).first()
        cached = int(row) if row is not None else 0
        if key is not None:
            with contextlib.suppress(*CACHE_ERRORS):
                cache.set(key, cached, timeout=30 if cached else 5)
    if not cached:
        raise NotFound("Fahndung nicht gefunden oder nicht mehr aktiv.")
    return int(cached)


def public_appeal(*, slug: str) -> Appeal:
    appeal = Appeal.objects.filter(slug=str(slug)[:32], status=Status.PUBLISHED).first()
    if appeal is None:
        raise NotFound("Fahndung nicht gefunden oder nicht mehr aktiv.")
    return appeal


def appeal_for_system(*, appeal_id: int) -> Appeal:
    return Appeal.objects.select_related("unit").get(pk=appeal_id)


def appeal_for_staff(*, user: Any, appeal_id: int | str) -> Appeal:
    return appeal_get(user=user, pk=appeal_id)


def is_case_team(*, user: Any, appeal: Appeal) -> bool:
    return appeal_is_case_team_member(user=user, appeal=appeal)


_TEAM_ONLY = "Hinweise sind nur für das Ermittlungsteam dieser Fahndung sichtbar."


def require_case_team(*, user: Any, appeal_id: int | str) -> Appeal:
    appeal = appeal_for_staff(user=user, appeal_id=appeal_id)
    if not is_case_team(user=user, appeal=appeal):
        raise PermissionDenied(_TEAM_ONLY)
    return appeal


def case_team_users(*, appeal: Appeal) -> QuerySet:
    return get_user_model().objects.filter(appeal_case_team_q(appeal), is_active=True).distinct().order_by("username")


def tip_inbox(*, user: Any, appeal_id: int | str, state: str | None = None) -> QuerySet[Tip]:
    appeal = require_case_team(user=user, appeal_id=appeal_id)
    read = TipRead.objects.filter(tip=OuterRef("pk"), user=user, read_at__gte=OuterRef("last_activity_at"))
    qs = (
        Tip.objects.filter(appeal=appeal).defer(*_ENCRYPTED)
        .select_related("assigned_to", "logged_by")
        .annotate(is_read=Exists(read), attachment_count=Count("attachments", distinct=True))
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-received_at", "-id")


def tip_counts(*, user: Any, appeal_id: int | str) -> dict[str, Any]:
    """Counts only; the press office may see these without being in the team."""
    appeal = appeal_for_staff(user=user, appeal_id=appeal_id)
    rows = Tip.objects.filter(appeal=appeal).values("state").annotate(n=Count("id")).order_by()
    by_state = {s.value: 0 for s in TipState}
    for row in rows:
        by_state[row["state"]] = row["n"]
    since = clock.now() - timedelta(hours=24)
    result: dict[str, Any] = {
        "appeal_id": appeal.pk,
        "total": sum(by_state.values()),
        "new": by_state[TipState.NEW],
        "last_24h": Tip.objects.filter(appeal=appeal, received_at__gte=since).count(),
        "by_state": by_state,
        "is_case_team": is_case_team(user=user, appeal=appeal),
        "unread": None,
    }
    if result["is_case_team"]:
        read = TipRead.objects.filter(tip=OuterRef("pk"), user=user, read_at__gte=OuterRef("last_activity_at"))
        result["unread"] = Tip.objects.filter(appeal=appeal).filter(~Exists(read)).count()
    return result


def tip_get_for_team(*, user: Any, tip_id: int | str, appeal_id: int | str | None = None) -> Tip:
    try:
        tip = Tip.objects.select_related("appeal", "assigned_to", "logged_by", "duplicate_of").get(pk=int(tip_id))
    except (Tip.DoesNotExist, ValueError, TypeError):
        raise NotFound("Hinweis nicht gefunden.") from None
    if appeal_id is not None and str(tip.appeal_id) != str(appeal_id):
        raise NotFound("Hinweis nicht gefunden.")
    appeal_for_staff(user=user, appeal_id=tip.appeal_id)  # NotFound outside the user's scope
    if not is_case_team(user=user, appeal=tip.appeal):
        raise PermissionDenied(_TEAM_ONLY)
    return tip


def tip_chart_series(*, user: Any, appeal_id: int | str) -> dict[str, Any]:
    """Tips per day and channel since publication (or the first tip), for the case team."""
    appeal = require_case_team(user=user, appeal_id=appeal_id)
    tz = timezone.get_current_timezone()
    rows = list(Tip.objects.filter(appeal=appeal).values_list("received_at", "channel"))
    start_dt = appeal.published_at or (min(r[0] for r in rows) if rows else clock.now())
    start: date = timezone.localtime(start_dt, tz).date()
    end: date = timezone.localtime(clock.now(), tz).date()
    if rows:
        start = min(start, *(timezone.localtime(r[0], tz).date() for r in rows))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)][-120:]
    index = {d: i for i, d in enumerate(days)}
    series: OrderedDict[str, list[int]] = OrderedDict()
    for received_at, channel in rows:
        day = timezone.localtime(received_at, tz).date()
        if day in index:
            series.setdefault(channel, [0] * len(days))[index[day]] += 1
    labels = dict(Channel.choices)
    return {
        "days": days,
        "series": [{"channel": c, "label": str(labels.get(c, c)), "counts": v} for c, v in series.items()],
        "total": len(rows),
    }


def tipster_thread(*, tip: Tip) -> QuerySet[TipMessage]:
    return TipMessage.objects.filter(tip_id=tip.pk).order_by("at", "id").prefetch_related("attachments")


def tips_for_export(*, appeal: Appeal) -> QuerySet[Tip]:
    return (
        Tip.objects.filter(appeal=appeal).select_related("assigned_to", "logged_by", "duplicate_of")
        .prefetch_related("notes__author", "messages", "attachments__blob", "events__actor")
        .order_by("received_at", "id")
    )


def tip_overview(*, user: Any) -> list[dict[str, Any]]:
    """Appeals the user may see that are published or have tips, with counts (no content)."""
    from fahndung.appeals.selectors import appeal_list

    appeals = list(
        appeal_list(user=user).filter(Q(status=Status.PUBLISHED) | Q(tips__isnull=False)).distinct()
        .order_by("-updated_at")[:200]
    )
    counts = {
        row["appeal_id"]: row
        for row in Tip.objects.filter(appeal__in=appeals).values("appeal_id").order_by()
        .annotate(total=Count("id"), new=Count("id", filter=Q(state=TipState.NEW)))
    }
    return [
        {"appeal": a, "total": counts.get(a.pk, {}).get("total", 0), "new": counts.get(a.pk, {}).get("new", 0),
         "is_case_team": is_case_team(user=user, appeal=a)}
        for a in appeals
    ]


def intake_metrics(*, now: Any = None) -> dict[str, Any]:
    """System view for /metrics (no user scope, counts only, no content):
    stored tips by channel, pending outbox rows and the age of the oldest one in seconds."""
    now = now or clock.now()
    stored = dict(Tip.objects.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "stored_by_channel": {c: int(stored.get(c, 0)) for c in Channel.values},
        "outbox_pending": pending.count(),
        "outbox_failed": OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count(),
        "outbox_oldest_pending_seconds": max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
    }


def tip_attachments_received(*, tip_id: int) -> tuple[int, int]:
    """(count, total bytes) of the files stored with a tip – for the tipster's receipt, which
    confirms what arrived without showing any of it."""
    agg = TipAttachment.objects.filter(tip_id=tip_id).aggregate(n=Count("id"), size=Sum("blob__size_bytes"))
    return agg["n"] or 0, agg["size"] or 0
