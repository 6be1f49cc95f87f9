"""The only place where lifecycle talks to the publishing app.

Everything goes through publishing's public services/selectors, imported lazily so
that lifecycle imports cleanly while publishing evolves and so that tests can swap
the implementation. Publications are identified by id.

Public surface: PublicationInfo, publications_for_appeal, publication_get,
publications_diverging_withdrawn, publications_request_withdrawal, nothing_online,
may_have_lost_post, withdraw_by_api, can_delete_by_api, withdraw, mark_withdrawn_manually,
withdraw_instructions, adapter_error_class.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

WITHDRAWN = "withdrawn"
# Publication states that are not "published" but may still hide a post: a publish
# request that timed out (or whose worker died) may have been carried out by the
# platform without us learning the id. Only a row that NEVER had a publish attempt is
# certainly not online (see nothing_online); all others go through publishing's
# publication_withdraw, which looks the post up.
NOT_PUBLISHED_STATES = frozenset({"pending", "failed"})


@dataclass(frozen=True)
class PublicationInfo:
    id: int
    appeal_id: int
    platform: str
    account: str
    account_label: str
    channel: str
    state: str
    desired_state: str
    external_url: str
    text: str
    verified_absent_at: Any
    withdrawn_at: Any
    confirmed_by_id: int | None
    last_error: str = ""
    attempts: int = 0
    external_id: str = ""

    @property
    def is_withdrawn(self) -> bool:
        return self.state == WITHDRAWN


def _info(pub: Any) -> PublicationInfo:
    return PublicationInfo(
        id=pub.pk, appeal_id=pub.appeal_id, platform=pub.platform, account=pub.account,
        account_label=getattr(pub, "account_label", "") or pub.account, channel=pub.channel,
        state=pub.state, desired_state=pub.desired_state, external_url=pub.external_url or "",
        text=pub.text or "", verified_absent_at=pub.verified_absent_at, withdrawn_at=pub.withdrawn_at,
        confirmed_by_id=pub.confirmed_by_id, last_error=pub.last_error or "",
        attempts=int(getattr(pub, "attempts", 0) or 0), external_id=getattr(pub, "external_id", "") or "",
    )


def _selector(name: str):
    """publishing.selectors.<name>, or None while publishing does not provide it."""
    try:
        from fahndung.publishing import selectors
    except ImportError:
        return None
    return getattr(selectors, name, None)


def _services():
    from fahndung.publishing import services

    return services


def publications_for_appeal(*, appeal_id: int) -> list[PublicationInfo]:
    from fahndung.appeals.models import Appeal

    selector = _selector("publications_for_appeal")
    if selector is not None:
        appeal = Appeal.objects.get(pk=appeal_id)
        return [_info(p) for p in selector(appeal=appeal)]
    from fahndung.publishing.models import Publication

    return [_info(p) for p in Publication.objects.filter(appeal_id=appeal_id).order_by("id")]


def publication_get(*, publication_id: int) -> PublicationInfo | None:
    from fahndung.publishing.models import Publication

    pub = Publication.objects.filter(pk=publication_id).first()
    return _info(pub) if pub is not None else None


def publications_diverging_withdrawn() -> list[PublicationInfo]:
    """Publications that should be withdrawn but are not (yet)."""
    selector = _selector("publications_diverging")
    if selector is not None:
        return [_info(p) for p in selector() if p.desired_state == WITHDRAWN]
    from fahndung.publishing.models import Publication

    rows = Publication.objects.filter(desired_state=WITHDRAWN).exclude(state=WITHDRAWN).order_by("id")
    return [_info(p) for p in rows]


def publications_request_withdrawal(*, appeal: Any, actor: Any) -> list[PublicationInfo]:
    """Set desired_state="withdrawn" on every publication of the appeal (inside the
    caller's transaction, via publishing) and return them."""
    _services().publications_request_withdrawal(appeal=appeal, actor=actor)
    return publications_for_appeal(appeal_id=appeal.pk)


def nothing_online(pub: PublicationInfo) -> bool:
    """True only when no publish request was ever sent: withdrawing is then a bookkeeping
    step publishing performs without a remote call. A pending/failed row with attempts
    (or an id) may have a lost post online."""
    return pub.state in NOT_PUBLISHED_STATES and pub.attempts == 0 and not pub.external_id


def may_have_lost_post(pub: PublicationInfo) -> bool:
    """An API publication that is not "published" but had publish attempts: a post may
    exist without us knowing its id; only publishing's look-up can tell."""
    return pub.channel == "api" and pub.state in NOT_PUBLISHED_STATES and not nothing_online(pub)


def withdraw_by_api(pub: PublicationInfo) -> bool:
    """Should the takedown call publication_withdraw? Yes when nothing can be online
    (bookkeeping), when the platform deletes by API, or when a lost post must be looked
    up first (publishing answers manual_required if it finds one it cannot delete)."""
    return nothing_online(pub) or may_have_lost_post(pub) or can_delete_by_api(pub)


def can_delete_by_api(pub: PublicationInfo) -> bool:
    if pub.channel != "api":
        return False
    try:
        from fahndung.publishing import conf as publishing_conf
        from fahndung.publishing.adapters.registry import capabilities_for

        # Instagram's delete capability depends on the account's token type.
        account = publishing_conf.account_get(pub.account)
        caps = capabilities_for(pub.platform, account)
    except Exception:  # unknown platform or broken config: a person must look at it
        logger.warning("no capabilities for platform %s", pub.platform)
        return False
    return bool(caps.can_delete) and not bool(getattr(caps, "manual", False))


def withdraw(*, publication_id: int) -> tuple[str, PublicationInfo | None]:
    """Run publishing's withdraw (remote check, delete, verify GET). Returns (outcome,
    publication) with outcome withdrawn | already_withdrawn | manual_required | in_flight;
    raises AdapterError (transient) when the platform failed for now."""
    outcome = _services().publication_withdraw(publication_id=publication_id)
    return str(getattr(outcome, "status", "")), publication_get(publication_id=publication_id)


def mark_withdrawn_manually(*, publication_id: int, actor: Any, note: str) -> None:
    _services().publication_mark_withdrawn_manually(publication_id=publication_id, actor=actor, note=note)


def withdraw_instructions(pub: PublicationInfo) -> str:
    """Publishing's copy-ready removal steps for a manual channel (channel name, poster
    locations, media partners); "" when publishing has none."""
    selector = _selector("withdraw_instructions")
    if selector is None or pub.channel != "manual":
        return ""
    try:
        return str(selector(account=pub.account) or "")
    except Exception:  # broken account config: the generic instructions still apply
        logger.warning("no withdraw instructions for account %s", pub.account)
        return ""


def adapter_error_class() -> type[Exception]:
    from fahndung.publishing.adapters.base import AdapterError

    return AdapterError


def publishing_purge_appeal(*, appeal_id: int) -> Any:
    """R19: publishing's part of the purge (a core.purge.PurgePlan)."""
    return _services().publishing_purge_appeal(appeal_id=appeal_id)
