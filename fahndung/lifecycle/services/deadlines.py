"""Automatic expiry, expiry warnings, extension requests, emergency-order lapse (R3)
and the half-yearly review (R8).

Public surface:
  deadlines_run(*, now=None) -> dict                  (the deadline sweep, all steps)
  appeals_close_expired / appeals_close_lapsed_orders / expiry_warnings_send /
  reviews_ensure / reviews_close_overdue (*, now) -> int   (its steps; reminders and
  escalation before a review is due live in lifecycle.services.reviews)
  extension_request(*, actor, appeal_id, expires_at, reason="") -> ExtensionRequest | Appeal
  extension_decide(*, actor, request_id, approve, note="") -> ExtensionRequest
  review_record(*, actor, appeal_id, note) -> ReviewTask

Extension design: an unpublished appeal is simply edited (appeal_update sends an
approved appeal back to approval). A published appeal cannot be edited, so the
extension is a pending ExtensionRequest that a second press-office person approves;
only then does expires_at change (within the per-kind maximum, counted from today).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from fahndung.accounts.roles import (
    ADMIN,
    PRESS_OFFICE,
    PROSECUTOR_LIAISON,
    has_role_or_superuser,
    roles_of,
)
from fahndung.appeals.choices import CloseReason, Kind, Status
from fahndung.appeals.models import Appeal, LegalOrder
from fahndung.appeals.rules import max_expiry_days, order_lapsed
from fahndung.appeals.selectors import appeal_can_edit, appeal_get
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from fahndung.lifecycle import conf, machines
from fahndung.lifecycle.models import (
    ExpiryWarning,
    ExtensionRequest,
    ReviewState,
    ReviewTask,
)
from fahndung.lifecycle.services import reviews
from fahndung.lifecycle.services.reviews import press_office_emails

logger = logging.getLogger(__name__)
EXPIRING_STATUSES = (Status.APPROVED, Status.PUBLISHED)


def _close(appeal_id: int, reason: str, comment: str) -> bool:
    from fahndung.appeals.services import appeal_close

    try:
        appeal_close(actor=None, appeal_id=appeal_id, reason=reason, comment=comment)
    except ApplicationError as exc:  # one bad appeal must not stop the sweep
        logger.warning("automatic close of appeal %s failed: %s", appeal_id, exc.message)
        return False
    return True


def appeals_close_expired(*, now: datetime) -> int:
    ids = list(Appeal.objects.filter(status__in=EXPIRING_STATUSES, expires_at__lte=now).values_list("pk", flat=True))
    return sum(_close(pk, CloseReason.EXPIRED, "Ablaufdatum erreicht (automatisch)") for pk in ids)


def appeals_close_lapsed_orders(*, now: datetime) -> int:
    """R3: an emergency order not confirmed in time ends internet use at once."""
    orders = LegalOrder.objects.filter(
        appeal__status=Status.PUBLISHED, confirmation_due_at__lte=now, confirmed_at__isnull=True
    ).select_related("appeal")
    ids = [o.appeal_id for o in orders if order_lapsed(o)]
    return sum(
        _close(pk, CloseReason.ORDER_LAPSED, "Eilanordnung nicht fristgerecht bestätigt (automatisch, R3)") for pk in ids
    )


def _extension_url(appeal: Appeal) -> str:
    from django.urls import reverse

    return settings.PUBLIC_BASE_URL + reverse("lifecycle:extension_request", args=[appeal.pk])


def expiry_warnings_send(*, now: datetime) -> int:
    """Warn the owner once per expiry date, some days ahead, with the one-click link. For a
    protected appeal (minor, missing person) the press office and its lead are told too:
    its end must never come unseen."""
    horizon = now + timedelta(days=conf.expiry_warning_days())
    appeals = Appeal.objects.filter(status=Status.PUBLISHED, expires_at__gt=now, expires_at__lte=horizon).select_related("owner")
    sent = 0
    for appeal in appeals:
        email = appeal.owner.email or ""
        recipients = [email] if email else []
        if reviews.review_protected(appeal):
            recipients = sorted(set(recipients + press_office_emails() + reviews.press_lead_emails()))
        try:
            with transaction.atomic():
                ExpiryWarning.objects.create(appeal=appeal, expires_at=appeal.expires_at, sent_at=now, email=email)
                audit_record(actor=None, action="lifecycle.expiry_warning", obj=appeal, appeal_id=appeal.pk,
                             detail={"expires_at": appeal.expires_at.isoformat()})
        except IntegrityError:
            continue  # already warned about this date
        if recipients:
            subject = f"[Fahndung] Läuft ab am {timezone.localtime(appeal.expires_at):%d.%m.%Y}: {appeal.file_number_police}"
            body = (
                f"Die Fahndung „{appeal.title}“ ({appeal.file_number_police}) endet automatisch am "
                f"{timezone.localtime(appeal.expires_at):%d.%m.%Y %H:%M}. Danach werden alle Beiträge entfernt.\n\n"
                f"Verlängerung beantragen (mit einem Klick, Freigabe durch die Pressestelle):\n{_extension_url(appeal)}\n"
            )
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
            except Exception as exc:
                logger.warning("expiry warning mail failed: %s", type(exc).__name__)
        sent += 1
    return sent


# --- extension ------------------------------------------------------------------------------

def _validate_new_expiry(appeal: Appeal, expires_at: datetime, now: datetime) -> None:
    if expires_at is None or timezone.is_naive(expires_at):
        raise ValidationFailed("Bitte ein gültiges Ablaufdatum angeben.", fields={"expires_at": ["Ungültig."]})
    if expires_at <= max(now, appeal.expires_at):
        raise ValidationFailed("Das neue Ablaufdatum muss nach dem bisherigen liegen.", fields={"expires_at": ["Zu früh."]})
    limit = now + timedelta(days=max_expiry_days(appeal.kind))
    if expires_at > limit:
        raise ValidationFailed(
            f"Für diese Fahndungsart sind höchstens {max_expiry_days(appeal.kind)} Tage ab heute zulässig.",
            fields={"expires_at": ["Zu lang."]},
        )


def extension_default_until(appeal: Appeal) -> datetime:
    """The longest expiry allowed for the kind, counted from now (pre-filled in the form)."""
    return clock.now() + timedelta(days=max_expiry_days(appeal.kind))


def extension_request(*, actor: Any, appeal_id: int, expires_at: datetime | None = None, reason: str = "") -> Any:
    """Request a later expiry. Published: a pending request for the press office.
    Not yet published: an edit through appeal_update (back to approval)."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    if not (appeal_can_edit(user=actor, appeal=appeal) or roles_of(actor) & {PRESS_OFFICE}):
        raise PermissionDenied("Nur die Sachbearbeitung oder die Pressestelle kann eine Verlängerung beantragen.")
    now = clock.now()
    expires_at = expires_at or now + timedelta(days=max_expiry_days(appeal.kind))
    if appeal.status in (Status.CLOSED, Status.ARCHIVED):
        raise Conflict("Eine erledigte Fahndung kann nicht verlängert werden; bitte neu anlegen.")
    _validate_new_expiry(appeal, expires_at, now)
    if appeal.status != Status.PUBLISHED:
        from fahndung.appeals.services import appeal_update

        return appeal_update(actor=actor, appeal_id=appeal_id, data={"expires_at": expires_at})
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                appeal=appeal, requested_by=actor, requested_at=now, previous_expires_at=appeal.expires_at,
                requested_expires_at=expires_at, reason=(reason or "").strip(),
            )
            audit_record(actor=actor, action="lifecycle.extension_request", obj=request, appeal_id=appeal.pk,
                         detail={"until": expires_at.isoformat()})
            recipients = [e for e in press_office_emails() if e != (actor.email or "")]
            if recipients:
                subject = f"[Fahndung] Verlängerung beantragt: {appeal.file_number_police}"
                body = (
                    f"{actor.get_username()} beantragt die Verlängerung der Fahndung „{appeal.title}“ bis "
                    f"{timezone.localtime(expires_at):%d.%m.%Y}.\nBegründung: {request.reason or '-'}\n\n"
                    f"Entscheidung: {settings.PUBLIC_BASE_URL}/staff/takedowns/\n"
                )
                transaction.on_commit(
                    lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True),
                    robust=True,
                )
    except IntegrityError:
        raise Conflict("Für diese Fahndung liegt bereits ein offener Verlängerungsantrag vor.") from None
    return request


def extension_decide(*, actor: Any, request_id: int, approve: bool, note: str = "") -> ExtensionRequest:
    if not has_role_or_superuser(actor, PRESS_OFFICE):
        raise PermissionDenied("Nur die Pressestelle entscheidet über Verlängerungen.")
    with transaction.atomic():
        request = ExtensionRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound("Antrag nicht gefunden.")
        if request.requested_by_id == actor.pk:
            raise PermissionDenied("Vier-Augen-Prinzip: Wer beantragt, darf nicht selbst genehmigen.")
        request.decided_by = actor
        request.decided_at = clock.now()
        request.decision_note = (note or "").strip()
        if not approve:
            machines.transition(request, "reject", actor=actor, note=request.decision_note)
            audit_record(actor=actor, action="lifecycle.extension_reject", obj=request, appeal_id=request.appeal_id)
            return request
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=request.appeal_id)
        if appeal.status != Status.PUBLISHED:
            raise Conflict("Die Fahndung ist nicht mehr veröffentlicht; die Verlängerung entfällt.")
        _validate_new_expiry(appeal, request.requested_expires_at, clock.now())
        machines.transition(request, "approve", actor=actor, note=request.decision_note)
        _appeal_set_expiry(appeal=appeal, actor=actor, expires_at=request.requested_expires_at)
    return request


def _appeal_set_expiry(*, appeal: Appeal, actor: Any, expires_at: datetime) -> None:
    from fahndung.appeals.services import appeal_extend

    appeal_extend(actor=actor, appeal_id=appeal.pk, expires_at=expires_at)


# --- review (R8) ------------------------------------------------------------------------------

def _protected(appeal: Appeal) -> bool:
    return bool(appeal.protects_minor or appeal.is_victim or appeal.kind == Kind.UNKNOWN_DEAD)


def review_interval(appeal: Appeal) -> timedelta:
    return timedelta(days=conf.review_days(protected=_protected(appeal)))


def reviews_ensure(*, now: datetime) -> int:
    """Every published appeal has one open review task, due at most one interval after
    publication or the last recorded review."""
    created = 0
    appeals = Appeal.objects.filter(status=Status.PUBLISHED).exclude(review_tasks__state=ReviewState.OPEN)
    for appeal in appeals:
        last = appeal.review_tasks.filter(state=ReviewState.DONE).order_by("-recorded_at").first()
        base = last.recorded_at if last else (appeal.published_at or now)
        try:
            with transaction.atomic():
                ReviewTask.objects.create(appeal=appeal, created_at=now, due_at=base + review_interval(appeal))
        except IntegrityError:
            continue
        created += 1
    return created


def reviews_close_overdue(*, now: datetime) -> int:
    """Overdue reviews. Unprotected: closed (R8 auto-expire), owner and press office told.
    Protected (minor, missing person): never closed silently – at the due date the alarm
    goes out (owner, press office, press lead, duty officer) and the task stays open and
    overdue on the dashboard. A missing person's appeal (police law, danger to life) is then
    never closed by the sweep; a minor's StPO appeal is closed once the alarm is
    FAHNDUNG_REVIEW_GRACE_HOURS old and still nobody recorded the review (R14: the short
    interval protects the minor, the appeal must not run on unreviewed)."""
    closed = 0
    for task in ReviewTask.objects.filter(state=ReviewState.OPEN, due_at__lte=now).select_related("appeal"):
        published = task.appeal.status == Status.PUBLISHED
        if published and reviews.review_protected(task.appeal):
            reviews.review_overdue_alarm(task=task, now=now)
            if not reviews.review_grace_over(task=task, now=now):
                continue
        with transaction.atomic():
            locked = ReviewTask.objects.select_for_update().get(pk=task.pk)
            if locked.state != ReviewState.OPEN:
                continue
            machines.transition(locked, "lapse" if published else "cancel", note="Keine Überprüfung bis zur Frist")
        if published and _close(task.appeal_id, CloseReason.EXPIRED, "Überprüfung (R8) nicht fristgerecht erfasst"):
            reviews.review_closed_notify(task=task, now=now)
            closed += 1
    # Appeals closed otherwise: their open review is no longer needed.
    for task in ReviewTask.objects.filter(state=ReviewState.OPEN).exclude(appeal__status=Status.PUBLISHED):
        with transaction.atomic():
            locked = ReviewTask.objects.select_for_update().get(pk=task.pk)
            if locked.state == ReviewState.OPEN:
                machines.transition(locked, "cancel", note="Fahndung nicht mehr veröffentlicht")
    return closed


def review_record(*, actor: Any, appeal_id: int, note: str) -> ReviewTask:
    """StA re-confirmation recorded (by the liaison or the press office); the next
    review is due one interval later."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    if not has_role_or_superuser(actor, PROSECUTOR_LIAISON, PRESS_OFFICE, ADMIN):
        raise PermissionDenied("Nur StA-Verbindung oder Pressestelle erfassen Überprüfungen.")
    if not (note or "").strip():
        raise ValidationFailed("Bitte die Bestätigung (wer, Aktenzeichen) notieren.", fields={"note": ["Pflichtfeld."]})
    now = clock.now()
    with transaction.atomic():
        task = ReviewTask.objects.select_for_update().filter(appeal=appeal, state=ReviewState.OPEN).first()
        if task is None:
            if appeal.status != Status.PUBLISHED:
                raise Conflict("Für diese Fahndung ist keine Überprüfung offen.")
            task = ReviewTask.objects.create(appeal=appeal, created_at=now, due_at=now)
        task.recorded_by = actor
        task.recorded_at = now
        task.note = note.strip()
        machines.transition(task, "record", actor=actor, note=task.note)
        next_task = ReviewTask.objects.create(appeal=appeal, created_at=now, due_at=now + review_interval(appeal))
        audit_record(actor=actor, action="lifecycle.review_record", obj=task, appeal_id=appeal.pk,
                     detail={"next_due": next_task.due_at.isoformat()})
    return task


def deadlines_run(*, now: datetime | None = None) -> dict[str, int]:
    """The deadline sweep: every step is idempotent and independent of the others."""
    from fahndung.lifecycle.services.manual import manual_tasks_escalate
    from fahndung.lifecycle.services.notices import notices_send_pending

    now = now or clock.now()
    result = {
        "orders_lapsed": appeals_close_lapsed_orders(now=now),
        "expired": appeals_close_expired(now=now),
        "reviews_created": reviews_ensure(now=now),
        "review_reminders": reviews.review_reminders_send(now=now),
        "review_escalations": reviews.review_escalations_send(now=now),
        "reviews_lapsed": reviews_close_overdue(now=now),
        "warnings": expiry_warnings_send(now=now),
        "escalated": manual_tasks_escalate(now=now),
        "notices_sent": notices_send_pending(),
    }
    return result
