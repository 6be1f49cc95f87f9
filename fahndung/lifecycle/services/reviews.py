"""Review reminders and escalation (R8, R14): nobody is surprised by a review deadline.

Public surface (steps of the deadline sweep, each idempotent through ReviewNotice's
unique (task, kind, days_before)):
  review_protected(appeal) -> bool          minors and missing persons: never closed silently
  review_grace_over(*, task, now) -> bool   a protected appeal may now be closed (never: missing)
  review_reminders_send(*, now) -> int      owner + press office, FAHNDUNG_REVIEW_REMINDER_DAYS before
  review_escalations_send(*, now) -> int    press-office lead, FAHNDUNG_REVIEW_ESCALATION_DAYS before
  review_overdue_alarm(*, task, now) -> bool   a protected appeal's review is overdue: it stays
                                            published, everyone above plus the duty officer is told
  review_closed_notify(*, task, now) -> bool   an unprotected appeal was closed for want of review

Each notice writes one audit row (lifecycle.review_reminder / _escalate / _overdue / _closed)
and e-mails through the same path as the takedown escalation.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from fahndung.accounts.roles import PRESS_OFFICE
from fahndung.appeals.choices import Kind, Status
from fahndung.appeals.models import Appeal
from fahndung.core.audit import audit_record
from fahndung.lifecycle import conf
from fahndung.lifecycle.models import ReviewNotice, ReviewNoticeKind, ReviewState, ReviewTask
from fahndung.lifecycle.services.manual import flagged_staff_emails, mail_send

logger = logging.getLogger(__name__)
AUDIT_ACTIONS = {
    ReviewNoticeKind.REMINDER: "lifecycle.review_reminder", ReviewNoticeKind.ESCALATION: "lifecycle.review_escalate",
    ReviewNoticeKind.OVERDUE: "lifecycle.review_overdue", ReviewNoticeKind.CLOSED: "lifecycle.review_closed",
}


def review_protected(appeal: Appeal) -> bool:
    """Minors (R14) and missing persons (R12): a missed review must not take the appeal
    down unseen – the alarm goes out first and a person decides."""
    return bool(appeal.protects_minor or appeal.kind == Kind.MISSING)


def review_grace_over(*, task: ReviewTask, now: datetime) -> bool:
    """A missing person's appeal is never closed by a missed review (police law, no StA
    re-confirmation; closing it could cost a life). A minor's StPO appeal is closed once the
    overdue alarm is FAHNDUNG_REVIEW_GRACE_HOURS old."""
    if task.appeal.kind == Kind.MISSING:
        return False
    alarm = task.notices.filter(kind=ReviewNoticeKind.OVERDUE).order_by("sent_at").first()
    return alarm is not None and now >= alarm.sent_at + timedelta(hours=conf.review_grace_hours())


def press_office_emails() -> list[str]:
    users = get_user_model().objects.filter(Q(groups__name=PRESS_OFFICE), is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def press_lead_emails() -> list[str]:
    return flagged_staff_emails("is_press_lead")


def _owner_email(appeal: Appeal) -> list[str]:
    email = getattr(appeal.owner, "email", "") if appeal.owner_id else ""
    return [email] if email else []


def _open_tasks(**filters: object) -> list[ReviewTask]:
    return list(
        ReviewTask.objects.filter(state=ReviewState.OPEN, appeal__status=Status.PUBLISHED, **filters)
        .select_related("appeal", "appeal__owner").order_by("due_at", "pk")
    )


def _record(task: ReviewTask, kind: str, days_before: int, now: datetime, emails: list[str],
            subject: str, body: str, detail: dict) -> bool:
    """Write the notice and its audit row once, then mail. False if already sent.
    The sweep runs outside a transaction, so the row is committed before the mail goes
    out; a failed mail is logged and stays visible as the notice with its audit row."""
    try:
        with transaction.atomic():
            ReviewNotice.objects.create(task=task, appeal_id=task.appeal_id, kind=kind, days_before=days_before,
                                        sent_at=now, recipients=len(emails))
            audit_record(actor=None, action=AUDIT_ACTIONS[kind], obj=task, appeal_id=task.appeal_id,
                         detail={"due_at": task.due_at.isoformat(), "days_before": days_before,
                                 "recipients": len(emails), **detail})
    except IntegrityError:
        return False
    if emails:
        try:
            mail_send(subject, body, emails)
        except Exception as exc:  # the mail server must not stop the sweep
            logger.warning("review %s mail for appeal %s failed: %s", kind, task.appeal_id, type(exc).__name__)
    return True


def _due_text(task: ReviewTask) -> str:
    return f"{timezone.localtime(task.due_at):%d.%m.%Y %H:%M}"


def _detail_url(appeal: Appeal) -> str:
    from django.urls import reverse

    return settings.PUBLIC_BASE_URL + reverse("web:appeal_detail", args=[appeal.pk])


def _consequence(appeal: Appeal) -> str:
    if appeal.kind == Kind.MISSING:
        return ("Die Vermisstenfahndung bleibt nach der Frist online; die Leitung der Pressestelle und die "
                "Dienstgruppenleitung werden dann alarmiert.")
    if review_protected(appeal):
        return (f"Die Fahndung betrifft eine minderjährige Person: Nach der Frist werden die Leitung der "
                f"Pressestelle und die Dienstgruppenleitung alarmiert; ohne erfasste Überprüfung wird sie "
                f"{conf.review_grace_hours()} Stunden später beendet.")
    return "Ohne erfasste Bestätigung wird die Fahndung zur Frist automatisch beendet und überall entfernt."


def review_reminders_send(*, now: datetime) -> int:
    """One reminder per stage; a task that is already inside several stages (short
    interval) gets only the most urgent one."""
    stages = conf.review_reminder_days()
    if not stages:
        return 0
    sent = 0
    for task in _open_tasks(due_at__gt=now, due_at__lte=now + timedelta(days=max(stages))):
        stage = min(d for d in stages if task.due_at - now <= timedelta(days=d))
        if task.notices.filter(kind=ReviewNoticeKind.REMINDER, days_before__lte=stage).exists():
            continue
        appeal = task.appeal
        emails = sorted(set(_owner_email(appeal) + press_office_emails()))
        subject = f"[Fahndung] Überprüfung fällig am {_due_text(task)}: {appeal.file_number_police}"
        body = (
            f"Für die Fahndung „{appeal.title}“ ({appeal.file_number_police}) ist bis {_due_text(task)} die "
            f"Überprüfung (Bestätigung der Staatsanwaltschaft bzw. der Fortdauer, R8) zu erfassen.\n"
            f"{_consequence(appeal)}\n\nErfassen: {_detail_url(appeal)}\n"
        )
        sent += _record(task, ReviewNoticeKind.REMINDER, stage, now, emails, subject, body,
                        {"protected": review_protected(appeal)})
    return sent


def review_escalations_send(*, now: datetime) -> int:
    horizon = now + timedelta(days=conf.review_escalation_days())
    sent = 0
    for task in _open_tasks(due_at__lte=horizon):
        if task.notices.filter(kind=ReviewNoticeKind.ESCALATION).exists():
            continue
        appeal = task.appeal
        emails = flagged_staff_emails("is_press_lead")
        subject = f"[Fahndung] Eskalation: Überprüfung nicht erfasst ({appeal.file_number_police})"
        body = (
            "Eskalation an: Leitung Pressestelle\n\n"
            f"Für die Fahndung „{appeal.title}“ ({appeal.file_number_police}) ist die Überprüfung bis "
            f"{_due_text(task)} noch nicht erfasst, obwohl Sachbearbeitung und Pressestelle erinnert wurden.\n"
            f"{_consequence(appeal)}\n\n{_detail_url(appeal)}\n"
        )
        sent += _record(task, ReviewNoticeKind.ESCALATION, 0, now, emails, subject, body,
                        {"protected": review_protected(appeal)})
    return sent


def review_overdue_alarm(*, task: ReviewTask, now: datetime) -> bool:
    appeal = task.appeal
    emails = sorted(set(_owner_email(appeal) + press_office_emails() + flagged_staff_emails("is_press_lead")
                        + flagged_staff_emails("is_duty_officer")))
    if appeal.kind == Kind.MISSING:
        subject = f"[Fahndung] Überprüfung überfällig – Vermisstenfahndung bleibt online: {appeal.file_number_police}"
        consequence = "Die Fahndung wird NICHT automatisch beendet (vermisste Person)."
    else:
        end = timezone.localtime(now + timedelta(hours=conf.review_grace_hours()))
        subject = f"[Fahndung] Überprüfung überfällig – Ende am {end:%d.%m.%Y %H:%M}: {appeal.file_number_police}"
        consequence = (f"Die Fahndung betrifft eine minderjährige Person; ohne erfasste Überprüfung wird sie am "
                       f"{end:%d.%m.%Y %H:%M} beendet.")
    body = (
        f"Die Überprüfung der geschützten Fahndung „{appeal.title}“ ({appeal.file_number_police}) war bis "
        f"{_due_text(task)} fällig und ist nicht erfasst.\n{consequence} "
        "Bitte jetzt entscheiden: Überprüfung erfassen oder Fahndung beenden.\n\n"
        f"{_detail_url(appeal)}\n"
    )
    return _record(task, ReviewNoticeKind.OVERDUE, 0, now, emails, subject, body,
                   {"protected": True, "closes": appeal.kind != Kind.MISSING})


def review_closed_notify(*, task: ReviewTask, now: datetime) -> bool:
    appeal = task.appeal
    emails = sorted(set(_owner_email(appeal) + press_office_emails()))
    subject = f"[Fahndung] Fahndung beendet – Überprüfung nicht erfasst: {appeal.file_number_police}"
    body = (
        f"Die Fahndung „{appeal.title}“ ({appeal.file_number_police}) wurde automatisch beendet, weil bis "
        f"{_due_text(task)} keine Überprüfung (R8) erfasst wurde. Alle Beiträge werden entfernt.\n"
        "Soll weiter gefahndet werden, bitte eine neue Fahndung mit aktueller Anordnung anlegen.\n\n"
        f"{_detail_url(appeal)}\n"
    )
    return _record(task, ReviewNoticeKind.CLOSED, 0, now, emails, subject, body, {"protected": False})
