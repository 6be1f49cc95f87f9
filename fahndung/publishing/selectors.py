"""Reads of the publishing area.

Public surface:
  publications_for_appeal(*, appeal) -> QuerySet[Publication]
  publications_diverging() -> QuerySet[Publication]   desired != actual (takedown/publish work)
  publications_due_for_dispatch(*, now, lease_before) -> list[int]
  publication_get(*, user, pk) -> Publication          scoped via the appeal's visibility
  publication_attempts(*, publication) -> QuerySet[PublicationAttempt]
  manual_tasks_open(*, user) -> QuerySet[ManualPublishTask]   open manual *publish* tasks
  withdraw_instructions(*, account) -> str   copy-ready removal steps of a manual channel
  post_variants_for_appeal(*, appeal) -> QuerySet[PostVariant]
  account_health_overview(*, now=None) -> list[AccountHealthRow]   every API account's state
  publication_state_counts() -> dict[state, int]   system counts for /metrics
  publication_overview(*, user, limit=200) -> list[OverviewRow]   appeals with posts, per state
  media_block_reason(appeal) -> str   why no person image may leave the appeal page (R7, R14:
      witness, dead, minors, victims); "" = allowed (also used by the public list and feeds)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from fahndung.accounts.roles import ADMIN, PRESS_OFFICE, has_role_or_superuser
from fahndung.appeals.selectors import appeal_list
from fahndung.core.errors import NotFound
from fahndung.publishing.models import (
    AccountHealth,
    ManualPublishTask,
    PostVariant,
    Publication,
    PublicationAttempt,
)
from fahndung.publishing.posts import build
from fahndung.publishing.states import Channel, Desired, State


def publications_for_appeal(*, appeal: Any) -> QuerySet[Publication]:
    return Publication.objects.filter(appeal=appeal).order_by("platform", "account")


def publications_diverging() -> QuerySet[Publication]:
    withdraw_side = Q(desired_state=Desired.WITHDRAWN) & ~Q(state=State.WITHDRAWN)
    publish_side = Q(desired_state=Desired.PUBLISHED) & ~Q(state__in=[State.PUBLISHED, State.AWAITING_MANUAL])
    return Publication.objects.filter(withdraw_side | publish_side).select_related("appeal").order_by("id")


def publications_due_for_dispatch(*, now: datetime, lease_before: datetime) -> list[int]:
    due = Q(state=State.PENDING, desired_state=Desired.PUBLISHED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    stuck = Q(state=State.PUBLISHING, updated_at__lte=lease_before)
    return list(
        Publication.objects.filter(channel=Channel.API).filter(due | stuck).order_by("id").values_list("id", flat=True)[:500]
    )


def publication_get(*, user: Any, pk: int | str) -> Publication:
    from fahndung.appeals.selectors import appeal_visibility_q

    try:
        publication = Publication.objects.select_related("appeal").get(pk=int(pk))
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise NotFound("Veröffentlichung nicht gefunden.") from None
    from fahndung.appeals.models import Appeal

    if not Appeal.objects.filter(appeal_visibility_q(user), pk=publication.appeal_id).exists():
        raise NotFound("Veröffentlichung nicht gefunden.")
    return publication


def publication_attempts(*, publication: Publication) -> QuerySet[PublicationAttempt]:
    return publication.attempt_rows.order_by("-at", "-id")


def manual_tasks_open(*, user: Any) -> QuerySet[ManualPublishTask]:
    if not has_role_or_superuser(user, PRESS_OFFICE, ADMIN):
        return ManualPublishTask.objects.none()
    # Removals by hand are lifecycle's ManualTakedownTasks (dashboard /staff/takedowns/).
    return (ManualPublishTask.objects.filter(status=ManualPublishTask.Status.OPEN, kind=ManualPublishTask.Kind.PUBLISH)
            .select_related("publication", "publication__appeal").order_by("created_at", "id"))


def withdraw_instructions(*, account: str) -> str:
    """How a person removes a post of a manual channel (WhatsApp channel name, poster
    locations, media partners …); "" for API accounts or an unknown account."""
    from fahndung.publishing.adapters.registry import adapter_for

    try:
        adapter = adapter_for(account)
    except Exception:
        return ""
    if not getattr(adapter.capabilities, "manual", False):
        return ""
    return adapter.instructions("withdraw")


def post_variants_for_appeal(*, appeal: Any) -> QuerySet[PostVariant]:
    return PostVariant.objects.filter(appeal=appeal).order_by("platform")


@dataclass(frozen=True)
class AccountHealthRow:
    account: str
    label: str
    platform: str
    status: str  # AccountHealth.Status value; an expired throttle reads as "ok"
    status_label: str
    throttled_until: datetime | None
    since: datetime | None
    last_error: str
    last_error_at: datetime | None
    notified_at: datetime | None
    configured: bool


def account_health_overview(*, now: datetime | None = None) -> list[AccountHealthRow]:
    """Every configured API account (healthy ones have no row yet) plus rows of accounts
    no longer configured, with the state as of `now`."""
    from fahndung.core import clock
    from fahndung.publishing import conf

    now = now or clock.now()
    rows = {h.account: h for h in AccountHealth.objects.all()}
    out: list[AccountHealthRow] = []
    accounts = [a for a in conf.accounts_from_env() if not a.manual]
    labels = {a.key: (a.label, a.platform) for a in accounts}
    for key in sorted(set(labels) | set(rows)):
        health = rows.get(key)
        label, platform = labels.get(key, (key, health.platform if health else ""))
        status = health.status if health else AccountHealth.Status.OK
        if status == AccountHealth.Status.THROTTLED and (health.throttled_until is None or health.throttled_until <= now):
            status = AccountHealth.Status.OK
        out.append(AccountHealthRow(
            account=key, label=label, platform=platform, status=status,
            status_label=str(AccountHealth.Status(status).label),
            throttled_until=health.throttled_until if health and status == AccountHealth.Status.THROTTLED else None,
            since=health.since if health and status != AccountHealth.Status.OK else None,
            last_error=health.last_error if health else "", last_error_at=health.last_error_at if health else None,
            notified_at=health.notified_at if health else None, configured=key in labels,
        ))
    return out


def publication_state_counts() -> dict[str, int]:
    """System view for /metrics: number of publications per state (every state listed)."""
    counts = dict(Publication.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {state: int(counts.get(state, 0)) for state in State.values}


@dataclass(frozen=True)
class OverviewRow:
    appeal: Any
    published: int
    waiting: int  # pending, publishing or waiting for a person
    failed: int  # failed or withdrawal failed: needs a person
    withdrawn: int  # withdrawing or withdrawn


def publication_overview(*, user: Any, limit: int = 200) -> list[OverviewRow]:
    """The appeals the user may see that have publications, newest activity first."""
    appeals = list(appeal_list(user=user).filter(publications__isnull=False).distinct()
                   .order_by("-updated_at", "-id")[:limit])
    counts: dict[int, dict[str, int]] = {}
    for row in (Publication.objects.filter(appeal__in=appeals).values("appeal_id", "state")
                .annotate(n=Count("id"))):
        counts.setdefault(row["appeal_id"], {})[row["state"]] = row["n"]
    out = []
    for appeal in appeals:
        c = counts.get(appeal.pk, {})
        out.append(OverviewRow(
            appeal=appeal, published=c.get(State.PUBLISHED, 0),
            waiting=sum(c.get(s, 0) for s in (State.PENDING, State.PUBLISHING, State.AWAITING_MANUAL)),
            failed=sum(c.get(s, 0) for s in (State.FAILED, State.WITHDRAW_FAILED)),
            withdrawn=sum(c.get(s, 0) for s in (State.WITHDRAWING, State.WITHDRAWN)),
        ))
    return out


def media_block_reason(appeal: Any) -> str:
    """German reason why no person image may leave the appeal page (R7, R14); "" = allowed."""
    return build.media_block_reason(appeal)
