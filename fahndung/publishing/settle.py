"""When may a retried create or a "nothing found" be trusted? The settle window.

A create our client gave up on (timeout, dead worker) may still be carried out by the
platform; until conf.absent_settle_seconds() after the last publish activity a look-up that
finds nothing proves nothing, and a retried create could double the post.

Public surface (used by services_remote): IDEMPOTENT_CREATE, settle_remaining(publication,
crashed=), last_publish_activity(publication_id), confirm_absent(publication_id, adapter,
payload).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Max

from fahndung.core import clock
from fahndung.publishing import conf
from fahndung.publishing.adapters.base import AdapterError, Payload, RemoteRef
from fahndung.publishing.models import Publication, PublicationAttempt, PublicationEvent
from fahndung.publishing.states import State

# Platforms whose create is idempotent on its own (Mastodon: Idempotency-Key; Bluesky: a
# record key derived from the publication; the website is local): a retry cannot double.
IDEMPOTENT_CREATE = frozenset({"mastodon", "bluesky", "website"})


def settle_remaining(publication: Publication, *, crashed: bool) -> float:
    """Seconds until a retried create is safe; 0 if it is safe now.

    Only when the outcome of the last create is unknown: the worker died mid-call
    (`crashed`, lease expired) or the last publish/upload call ended without an HTTP
    answer (timeout, connection reset). Then the platform may still carry it out up to
    conf.absent_settle_seconds() after the last publish activity, and a look-up before
    that proves nothing. Answered errors (429/500 …) created nothing: no wait."""
    if publication.platform in IDEMPOTENT_CREATE or publication.external_id:
        return 0.0
    if not crashed:
        last_call = (PublicationAttempt.objects
                     .filter(publication_id=publication.pk,
                             operation__in=[PublicationAttempt.Operation.PUBLISH, PublicationAttempt.Operation.UPLOAD])
                     .order_by("-at", "-pk").first())
        if last_call is None or last_call.http_status is not None or last_call.outcome == PublicationAttempt.Outcome.OK:
            return 0.0
    last = last_publish_activity(publication.pk)
    if last is None:
        return 0.0
    return max(0.0, (last + timedelta(seconds=conf.absent_settle_seconds()) - clock.now()).total_seconds())


def last_publish_activity(publication_id: int) -> datetime | None:
    """When a publish request of this publication was last started or answered: the
    latest publish/upload attempt row (written when the call returned) or entry into
    "publishing" (written just before the call) – whichever is later."""
    calls = PublicationAttempt.objects.filter(
        publication_id=publication_id,
        operation__in=[PublicationAttempt.Operation.PUBLISH, PublicationAttempt.Operation.UPLOAD],
    ).aggregate(last=Max("at"))["last"]
    started = PublicationEvent.objects.filter(
        publication_id=publication_id, to_state=State.PUBLISHING,
    ).aggregate(last=Max("at"))["last"]
    moments = [m for m in (calls, started) if m is not None]
    return max(moments) if moments else None


def confirm_absent(publication_id: int, adapter, payload: Payload) -> RemoteRef | None:
    """The look-up found no post. That only proves absence once no publish request can
    still land: a POST that timed out on our side may be carried out by the platform
    seconds later. Until the settle window (conf.absent_settle_seconds) has passed, raise
    a transient error – the reconciliation asks again. Afterwards look up once more (the
    verification) and return what that finds."""
    last = last_publish_activity(publication_id)
    if last is not None:
        remaining = (last + timedelta(seconds=conf.absent_settle_seconds()) - clock.now()).total_seconds()
        if remaining > 0:
            raise AdapterError(
                f"Kein Beitrag gefunden, aber der letzte Veröffentlichungsversuch liegt erst "
                f"{int((clock.now() - last).total_seconds())} s zurück; ein verspätet angenommener Beitrag "
                f"ist noch möglich. Erneute Prüfung in {int(remaining) + 1} s.",
                permanent=False, retry_after=float(int(remaining) + 1),
            )
    return adapter.find_existing(payload)
