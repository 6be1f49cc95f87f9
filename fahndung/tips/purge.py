"""The tips app's part of purging an appeal (R19): tips with their events, notes, messages,
reads and attachments, the encrypted files (TipBlob + private storage tips/<appeal id>/),
the notification state, deliveries and outbox rows that name the appeal, and the cached
slug → id lookup of the intake.

`Tip.appeal` and `TipBlob.appeal` are PROTECT on purpose: a tip is never lost by a stray
appeal delete. Only this service, called by the retention purge (or draft deletion),
removes them, in the order the PROTECT edges need.
"""

from __future__ import annotations

from django.core.cache import cache

from fahndung.core.purge import PurgePlan
from fahndung.tips.models import (
    NotificationDelivery,
    NotificationState,
    OutboxMessage,
    Tip,
    TipAttachment,
    TipBlob,
)
from fahndung.tips.selectors import public_appeal_id_cache_key


def tips_purge_appeal(*, appeal_id: int, slug: str = "") -> PurgePlan:
    plan = PurgePlan()
    tips = Tip.objects.filter(appeal_id=appeal_id)
    # A tip of another appeal marked as duplicate of one of these keeps its own content.
    Tip.objects.filter(duplicate_of__in=tips).exclude(appeal_id=appeal_id).update(duplicate_of=None)
    tips.update(duplicate_of=None)
    blobs = TipBlob.objects.filter(appeal_id=appeal_id)
    plan.files.extend(("private", name) for name in blobs.values_list("storage_name", flat=True) if name)
    plan.prefixes.append(("private", f"tips/{appeal_id}"))
    deliveries = NotificationDelivery.objects.filter(appeal_id=appeal_id)
    outbox = OutboxMessage.objects.filter(payload__appeal_id=appeal_id)
    for queryset in (
        TipAttachment.objects.filter(tip__appeal_id=appeal_id), TipAttachment.objects.filter(blob__in=blobs),
        tips, blobs, NotificationDelivery.objects.filter(outbox__in=outbox), deliveries, outbox,
        NotificationState.objects.filter(appeal_id=appeal_id),
    ):
        _total, per_model = queryset.delete()
        plan.add_rows(per_model)
    if slug:
        cache.delete(public_appeal_id_cache_key(slug))
    return plan
