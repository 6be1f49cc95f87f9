"""The engine that talks to platforms: publish one publication, withdraw one publication.

Rules: never hold a row lock during a remote call (lock, decide, mark, commit; call;
lock again, re-check, record). Every remote call is an attempt row. Transient errors
leave the row due again later (backoff); permanent ones end in failed/withdraw_failed.

Idempotency of publish: the external id is stored in the same transaction that ends the
call; if a previous attempt may have reached the platform without us learning the id
(timeout, worker crash), `find_existing` asks the platform first (Mastodon honours our
Idempotency-Key, Bluesky uses a deterministic record key, others are searched for the
same text) – a retried publish never creates a second post. On the platforms without such
a key a look-up only proves absence once no earlier create can still land: after a create
whose outcome is unknown (timeout/connection error without an HTTP answer, or a worker that
died mid-call) the retry waits conf.absent_settle_seconds() from the last publish activity
(publishing.settle)
(rescheduled via next_attempt_at, no attempt counted), then looks up, and only then creates.

Late publish: if the appeal was closed while the call was running (desired_state became
"withdrawn"), the fresh post is withdrawn immediately.

Public surface: publication_dispatch, publication_withdraw, DispatchOutcome, WithdrawOutcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from fahndung.appeals.selectors import appeal_is_publicly_showable, output_problems
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import NotFound
from fahndung.core.ratelimit import rate_limit_hit, window_remaining
from fahndung.publishing import conf, services_health
from fahndung.publishing.adapters.base import (
    AccountProblem,
    AdapterError,
    Payload,
    RemoteRef,
)
from fahndung.publishing.models import ManualPublishTask, Publication, PublicationAttempt
from fahndung.publishing.payloads import payload_for as _payload
from fahndung.publishing.posts.build import TEXT_PLATFORMS, press_lead
from fahndung.publishing.settle import confirm_absent as _confirm_absent
from fahndung.publishing.settle import settle_remaining as _settle_remaining
from fahndung.publishing.states import Channel, Desired, State

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchOutcome:
    status: str  # published | retry | failed | noop | cancelled | withdrawn
    retry_in: float | None = None
    error: str = ""


@dataclass(frozen=True)
class WithdrawOutcome:
    status: str  # withdrawn | already_withdrawn | manual_required | in_flight
    publication_id: int
    verified: bool = False


def _locked(publication_id: int) -> Publication:
    try:
        return Publication.objects.select_for_update(no_key=True).get(pk=publication_id)
    except Publication.DoesNotExist:
        raise NotFound("Veröffentlichung nicht gefunden.") from None


def _transition(publication: Publication, target: str, note: str = "") -> None:
    from fahndung.publishing.services import publication_transition

    publication_transition(publication, target, note=note)


def _recorder(publication_id: int):
    def record(operation: str, status: int | None, duration_ms: int, outcome: str, error: str) -> None:
        PublicationAttempt.objects.create(
            publication_id=publication_id, operation=operation, at=clock.now(), duration_ms=duration_ms,
            outcome=outcome, http_status=status, error=error,
        )
    return record


def _adapter(publication: Publication):
    from fahndung.publishing.adapters.registry import adapter_for

    adapter = adapter_for(publication.account)
    adapter.recorder = _recorder(publication.pk)
    return adapter


def publication_dispatch(*, publication_id: int) -> DispatchOutcome:
    """Publish one publication if it is due. Safe to call any number of times."""
    now = clock.now()
    with transaction.atomic():
        publication = _locked(publication_id)
        if publication.channel != Channel.API:
            return DispatchOutcome("noop")
        if publication.desired_state == Desired.WITHDRAWN:
            # Never publish a closed appeal. Rows that may already exist remotely are the
            # takedown's job (publication_withdraw looks them up first).
            if publication.state in (State.PENDING, State.FAILED) and publication.attempts == 0:
                _transition(publication, State.WITHDRAWN, "Vor der Veröffentlichung zurückgezogen")
                return DispatchOutcome("cancelled")
            return DispatchOutcome("noop")
        lease_over = publication.updated_at <= now - timedelta(seconds=conf.lease_seconds())
        due = publication.next_attempt_at is None or publication.next_attempt_at <= now + timedelta(seconds=1)
        takeover = publication.state == State.PUBLISHING and lease_over
        if not ((publication.state == State.PENDING and due) or takeover):
            return DispatchOutcome("noop")
        # An earlier create may still land (timeout, dead worker): no look-up and no
        # create before the settle window has passed, or a late post would be doubled.
        wait = _settle_remaining(publication, crashed=takeover)
        if wait > 0:
            return _wait_for_settle(publication, wait)
        throttled = services_health.account_throttled_for(account=publication.account)
        if throttled > 0:
            return _wait_for_account(publication, throttled)
        if takeover and publication.attempts >= conf.max_attempts():
            # A worker died mid-call on every attempt: no endless re-takes – a person decides.
            return _give_up(publication, f"Veröffentlichung nach {publication.attempts} Versuchen abgebrochen "
                                         "(Bearbeitung jeweils nicht abgeschlossen).")
        if takeover:
            publication.save(update_fields=["updated_at"])  # take over the expired lease
        else:
            _transition(publication, State.PUBLISHING, f"Versuch {publication.attempts + 1}")
        # First attempt only: nothing can exist remotely yet, so refusing leaves nothing behind
        # (later attempts send the same text, already checked).
        payload = _payload(publication)
        blocked = _gate_problem(publication, payload) if publication.attempts == 0 else ""
        if blocked:
            return _blocked_by_gate(publication, blocked)
        publication.attempts += 1
        publication.save(update_fields=["attempts", "updated_at"])
        may_exist = publication.attempts > 1 and not publication.external_id
    try:
        adapter = _adapter(publication)
        ref = adapter.find_existing(payload) if may_exist else None
        if ref is None:
            ref = adapter.publish(payload)
    except AdapterError as err:
        _note_account(publication, err)
        return _publish_failed(publication_id, err)
    except Exception as exc:  # a bug or an unexpected answer: never leave the row "publishing"
        log.exception("publish of publication %s failed unexpectedly", publication_id)
        return _publish_failed(publication_id, AdapterError(
            f"Unerwarteter Fehler: {type(exc).__name__}: {exc}", permanent=False))
    services_health.account_health_ok(account=publication.account)
    return _publish_succeeded(publication_id, ref)


def _note_account(publication: Publication, err: AdapterError) -> None:
    """Account-level errors (throttle, reconnect, version) go to the account's health."""
    if err.account_problem:
        services_health.account_health_record(account=publication.account, platform=publication.platform, error=err)


def _wait_for_account(publication: Publication, wait: float) -> DispatchOutcome:
    """The account is throttled: reschedule without a call and without counting an attempt."""
    wait = float(int(wait) + 1)
    return _reschedule(publication, wait, f"Konto gedrosselt; nächster Versuch in {int(wait)} s.")


def _reschedule(publication: Publication, wait: float, note: str) -> DispatchOutcome:
    """Back to pending (row locked) for `wait` seconds; counts no attempt."""
    publication.next_attempt_at = clock.now() + timedelta(seconds=wait)
    if publication.state == State.PUBLISHING:
        _transition(publication, State.PENDING, note)
    else:
        publication.save(update_fields=["next_attempt_at", "updated_at"])
    return DispatchOutcome("retry", retry_in=wait, error=note)


def _gate_problem(publication: Publication, payload: Payload) -> str:
    """Last check of the final payload (text and image alt texts) right before it leaves."""
    if not appeal_is_publicly_showable(appeal=publication.appeal):
        return "Die Anordnung ist erloschen oder die Fahndung abgelaufen (R3)."
    if publication.platform == "website":
        return ""  # the page itself passes the gate when it renders
    channel = publication.platform if publication.platform in TEXT_PLATFORMS else "press"
    texts = [payload.text, *(m.alt_text for m in payload.media if m.alt_text)]
    problems = output_problems(appeal=publication.appeal, texts={channel: texts},
                               lead={"press": press_lead(publication.appeal)})
    return next(iter(problems.values()))[0] if problems else ""


def _blocked_by_gate(publication: Publication, message: str) -> DispatchOutcome:
    publication.last_error = f"Ausgabe gesperrt: {message}"[:2000]
    publication.last_error_permanent = True
    publication.next_attempt_at = None
    _transition(publication, State.FAILED, publication.last_error)
    audit_record(actor=None, action="output.blocked", obj=publication, appeal_id=publication.appeal_id,
                 detail={"account": publication.account, "problem": message})
    return DispatchOutcome("failed", error=publication.last_error)


def _publish_failed(publication_id: int, err: AdapterError) -> DispatchOutcome:
    with transaction.atomic():
        publication = _locked(publication_id)
        if publication.state != State.PUBLISHING:
            return DispatchOutcome("noop", error=err.message)
        publication.last_error = err.message[:2000]
        publication.last_error_permanent = err.permanent
        give_up = err.permanent or publication.attempts >= conf.max_attempts()
        if give_up:
            reason = err.message if err.permanent else (
                f"Veröffentlichung nach {publication.attempts} Versuchen aufgegeben: {err.message}")
            return _give_up(publication, reason)
        delay = conf.backoff_seconds(publication.attempts, err.retry_after)
        # A create that timed out may still be carried out: retry after the settle window,
        # not after the (shorter) backoff. Errors the platform answered keep the backoff.
        delay = max(delay, _settle_remaining(publication, crashed=False))
        publication.next_attempt_at = clock.now() + timedelta(seconds=delay)
        _transition(publication, State.PENDING, f"Vorübergehender Fehler, neuer Versuch in {int(delay)} s: {err.message}")
        return DispatchOutcome("retry", retry_in=delay, error=err.message)


def _give_up(publication: Publication, reason: str) -> DispatchOutcome:
    """FAILED plus a task for a person (row locked): check whether the post is online, fix
    the account or post by hand; "Erneut versuchen" starts a fresh budget."""
    publication.next_attempt_at = None
    publication.last_error = reason[:2000]
    _transition(publication, State.FAILED, reason)
    if not publication.manual_tasks.filter(kind=ManualPublishTask.Kind.PUBLISH,
                                           status=ManualPublishTask.Status.OPEN).exists():
        ManualPublishTask.objects.create(
            publication=publication, kind=ManualPublishTask.Kind.PUBLISH, text=publication.text,
            created_at=clock.now(), instructions=(
                f"Automatische Veröffentlichung auf {publication.account_label or publication.account} "
                f"fehlgeschlagen: {reason[:500]} Bitte zuerst prüfen, ob der Beitrag schon online ist. "
                "Dann das Konto prüfen und „Erneut versuchen“ wählen oder den Text von Hand posten."))
    audit_record(actor=None, action="publication.failed", obj=publication, appeal_id=publication.appeal_id,
                 detail={"account": publication.account, "error": reason[:500]})
    return DispatchOutcome("failed", error=reason)


def _wait_for_settle(publication: Publication, wait: float) -> DispatchOutcome:
    """Reschedule (row locked) for the end of the settle window; counts no attempt."""
    wait = float(int(wait) + 1)
    return _reschedule(publication, wait, (
        f"Ausgang des letzten Veröffentlichungsversuchs unbekannt; ein verspätet angenommener Beitrag ist "
        f"noch möglich. Suche und neuer Versuch in {int(wait)} s."))


def _publish_succeeded(publication_id: int, ref: RemoteRef) -> DispatchOutcome:
    orphan = late = False
    with transaction.atomic():
        publication = _locked(publication_id)
        publication.external_id = ref.external_id
        publication.external_url = ref.url[:500]
        publication.extra_ids = list(ref.extra_ids)
        publication.last_error = ""
        publication.next_attempt_at = None
        if publication.state != State.PUBLISHING:
            # Someone else finished or withdrew it meanwhile; still keep the id we learned.
            publication.save(update_fields=["external_id", "external_url", "extra_ids", "last_error",
                                            "next_attempt_at", "updated_at"])
            orphan = publication.state == State.WITHDRAWN
        else:
            _transition(publication, State.PUBLISHED, ref.url or ref.external_id)
            audit_record(actor=None, action="publication.published", obj=publication,
                         appeal_id=publication.appeal_id,
                         detail={"account": publication.account, "external_id": ref.external_id})
            late = publication.desired_state == Desired.WITHDRAWN
    if orphan:
        _remove_orphan(publication_id, ref)
        return DispatchOutcome("noop")
    if late:
        # The appeal was closed while we were posting: take the new post down at once.
        try:
            publication_withdraw(publication_id=publication_id)
        except AdapterError as err:
            log.warning("late withdrawal of publication %s failed transiently: %s", publication_id, err.message)
        return DispatchOutcome("withdrawn")
    return DispatchOutcome("published" if publication.state == State.PUBLISHED else "noop")


def _remove_orphan(publication_id: int, ref: RemoteRef) -> None:
    """A post that appeared after its publication was already closed as withdrawn (a
    publish call outlived its lease): delete it. If that fails the publication is no
    longer withdrawn (withdrawn → withdraw_failed): it diverges again, so lifecycle's
    reconciliation reopens its takedown (API retries, then a ManualTakedownTask)."""
    publication = Publication.objects.get(pk=publication_id)
    try:
        adapter = _adapter(publication)
        adapter.withdraw(ref)
        if adapter.verify(ref):
            raise AdapterError("Beitrag ist nach dem Löschen noch abrufbar.", permanent=False)
    except AdapterError as err:
        with transaction.atomic():
            publication = _locked(publication_id)
            publication.last_error = f"Nachzügler-Beitrag nicht gelöscht: {err.message}"[:2000]
            publication.last_error_permanent = err.permanent
            publication.verified_absent_at = None
            if publication.state == State.WITHDRAWN:
                _transition(publication, State.WITHDRAW_FAILED, publication.last_error)
            else:
                publication.save()
        audit_record(actor=None, action="publication.orphan_manual", obj=publication,
                     appeal_id=publication.appeal_id, detail={"external_id": ref.external_id})
        return
    Publication.objects.filter(pk=publication_id).update(verified_absent_at=clock.now())
    audit_record(actor=None, action="publication.orphan_removed", obj=publication, appeal_id=publication.appeal_id,
                 detail={"external_id": ref.external_id})


def publication_withdraw(*, publication_id: int) -> WithdrawOutcome:
    """Take one publication down and verify it is gone.

    Returns withdrawn/already_withdrawn/manual_required/in_flight; raises AdapterError
    (permanent=False) for transient failures – the row stays "withdrawing" and due."""
    with transaction.atomic():
        publication = _locked(publication_id)
        if publication.desired_state != Desired.WITHDRAWN:
            publication.desired_state = Desired.WITHDRAWN
            publication.save(update_fields=["desired_state", "updated_at"])
        state = publication.state
        if state == State.WITHDRAWN:
            return WithdrawOutcome("already_withdrawn", publication_id, bool(publication.verified_absent_at))
        if state == State.PUBLISHING:
            lease_over = publication.updated_at <= clock.now() - timedelta(seconds=conf.lease_seconds())
            if not lease_over:
                return WithdrawOutcome("in_flight", publication_id)  # the publish path withdraws when done
            # The publishing worker died mid-call: its post may or may not exist.
            _transition(publication, State.PENDING, "Veröffentlichung abgebrochen (Lease abgelaufen)")
            state = publication.state
        if publication.channel == Channel.MANUAL:
            # A person removes it: lifecycle's ManualTakedownTask of the takedown.
            return WithdrawOutcome("manual_required", publication_id)
        never_sent = state in (State.PENDING, State.FAILED) and not publication.external_id
        if never_sent and publication.attempts == 0:
            _transition(publication, State.WITHDRAWN, "Nie veröffentlicht")
            return WithdrawOutcome("withdrawn", publication_id, verified=False)
        payload = _payload(publication)
        external_id, url = publication.external_id, publication.external_url
        extra_ids = tuple(publication.extra_ids or ())
    blocked = services_health.account_blocked(account=publication.account)
    if blocked is not None:
        # The account cannot give a trustworthy answer (token/rights/version): a person
        # removes the post; no API call, no "absent" from an answer that means "not allowed".
        return _withdraw_manual(publication_id, f"Konto: {blocked.get_status_display()} – Löschung per API "
                                                f"ausgesetzt, bitte manuell löschen. {blocked.last_error}")
    _account_wait(publication_id, services_health.account_throttled_for(account=publication.account))
    try:
        adapter = _adapter(publication)
        # Attempts were made but no id stored: ask the platform whether a post exists.
        found = adapter.find_existing(payload) if not external_id else None
    except AdapterError as err:
        _note_account(publication, err)
        if err.permanent:  # e.g. the account was removed from the configuration
            return _withdraw_manual(publication_id, err.message)
        _withdraw_retry_later(publication_id, err)
        raise
    if not external_id and found is None:
        try:
            found = _confirm_absent(publication_id, adapter, payload)
        except AdapterError as err:
            _note_account(publication, err)
            if err.permanent:
                return _withdraw_manual(publication_id, err.message)
            _withdraw_retry_later(publication_id, err)
            raise
        if found is None:
            return _conclude_absent(publication_id)
    if found is not None:  # a lost post: store its id, then delete it like any other
        with transaction.atomic():
            publication = _locked(publication_id)
            publication.external_id, publication.external_url = found.external_id, found.url[:500]
            publication.extra_ids = list(found.extra_ids)
            if publication.state in (State.PENDING, State.FAILED):
                _transition(publication, State.PUBLISHING, "Verlorener Beitrag gefunden")
                _transition(publication, State.PUBLISHED, found.url)
            external_id, url, extra_ids = found.external_id, found.url, found.extra_ids
            publication.save()
    if not adapter.capabilities.can_delete:
        return _withdraw_manual(publication_id, "Dieses Konto kann Beiträge nicht per API löschen.")
    rate = conf.delete_rate(publication.platform)
    if not rate_limit_hit("publishing:delete", publication.account, rate):
        # Mass takedown: stay inside the platform's delete limit; this is a wait, not a failure.
        _account_wait(publication_id, window_remaining(rate), reason="Löschlimit des Kontos erreicht")
    with transaction.atomic():
        publication = _locked(publication_id)
        if publication.state in (State.PUBLISHED, State.WITHDRAW_FAILED):
            _transition(publication, State.WITHDRAWING, "Rückzug gestartet")
        elif publication.state == State.WITHDRAWN:
            return WithdrawOutcome("already_withdrawn", publication_id)
    ref = RemoteRef(external_id, url, extra_ids)
    try:
        adapter.withdraw(ref)
        still_there = adapter.verify(ref)
    except AdapterError as err:
        _note_account(publication, err)
        if err.permanent:
            return _withdraw_manual(publication_id, err.message)
        _withdraw_retry_later(publication_id, err)
        raise
    if still_there:
        err = AdapterError("Beitrag ist nach dem Löschen noch abrufbar.", permanent=False)
        _withdraw_retry_later(publication_id, err)
        raise err
    services_health.account_health_ok(account=publication.account)
    with transaction.atomic():
        publication = _locked(publication_id)
        publication.verified_absent_at = clock.now()
        publication.last_error = ""
        publication.next_attempt_at = None
        if publication.state != State.WITHDRAWN:
            _transition(publication, State.WITHDRAWN, "Gelöscht und Abwesenheit geprüft")
        else:
            publication.save()
        audit_record(actor=None, action="publication.withdrawn", obj=publication, appeal_id=publication.appeal_id,
                     detail={"account": publication.account, "external_id": external_id})
    return WithdrawOutcome("withdrawn", publication_id, verified=True)


def _conclude_absent(publication_id: int) -> WithdrawOutcome:
    with transaction.atomic():
        publication = _locked(publication_id)
        if publication.state == State.WITHDRAWN:
            return WithdrawOutcome("already_withdrawn", publication_id, bool(publication.verified_absent_at))
        if publication.state not in (State.PENDING, State.FAILED):
            # Re-published meanwhile (publishing again): not ours to close; check again later.
            return WithdrawOutcome("in_flight", publication_id)
        now = clock.now()
        publication.verified_absent_at = now
        publication.last_error = ""
        publication.next_attempt_at = None
        _transition(publication, State.WITHDRAWN, "Kein Beitrag auf der Plattform gefunden (zweimal geprüft)")
        audit_record(actor=None, action="publication.withdrawn", obj=publication, appeal_id=publication.appeal_id,
                     detail={"account": publication.account, "external_id": "", "verified_absent": True})
    return WithdrawOutcome("withdrawn", publication_id, verified=True)


def _withdraw_retry_later(publication_id: int, err: AdapterError) -> None:
    with transaction.atomic():
        publication = _locked(publication_id)
        publication.last_error = err.message[:2000]
        publication.last_error_permanent = False
        attempt = publication.attempt_rows.filter(operation="withdraw").count()
        publication.next_attempt_at = clock.now() + timedelta(seconds=conf.backoff_seconds(max(1, attempt), err.retry_after))
        publication.save()


def _account_wait(publication_id: int, wait: float, reason: str = "Konto gedrosselt") -> None:
    """Raise a transient, THROTTLED AdapterError (no call was made) if `wait` > 0; the
    takedown does not count it as a failed attempt (lifecycle.services.takedown)."""
    if wait <= 0:
        return
    wait = float(int(wait) + 1)
    err = AdapterError(f"{reason}; Löschung in {int(wait)} s.", permanent=False, retry_after=wait,
                       account_problem=AccountProblem.THROTTLED)
    _withdraw_retry_later(publication_id, err)
    raise err


def _withdraw_manual(publication_id: int, message: str) -> WithdrawOutcome:
    with transaction.atomic():
        publication = _locked(publication_id)
        publication.last_error = message[:2000]
        publication.last_error_permanent = True
        publication.next_attempt_at = None
        if publication.state == State.PUBLISHED:
            _transition(publication, State.WITHDRAWING, "Rückzug gestartet")
        if publication.state == State.WITHDRAWING:
            _transition(publication, State.WITHDRAW_FAILED, message)
        audit_record(actor=None, action="publication.withdraw_failed", obj=publication,
                     appeal_id=publication.appeal_id, detail={"account": publication.account, "error": message[:500]})
    return WithdrawOutcome("manual_required", publication_id)


