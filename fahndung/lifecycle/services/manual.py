"""Manual takedown tasks: copy-ready instructions for the press office, a deadline,
escalation (press-office lead, then duty officer) and confirmation by a person.

Public surface:
  manual_task_open(*, takedown, reason, detail) -> ManualTakedownTask   (caller holds lock)
      the ONLY to-do "remove a post by hand" in the app (publishing tracks manual
      publishing only); reopens the takedown's earlier task if it was closed
  manual_task_confirm(*, actor, task_id, note) -> ManualTakedownTask
  manual_task_resolve(*, takedown) -> None              (platform confirmed absence)
  manual_task_close_confirmed(*, takedown, user_id)     (confirmed via publishing)
  manual_tasks_escalate(*, now=None) -> int             (deadline sweep)
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from fahndung.accounts.roles import ADMIN, PRESS_OFFICE, has_role_or_superuser
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import NotFound, PermissionDenied, ValidationFailed
from fahndung.lifecycle import conf, machines
from fahndung.lifecycle import publishing_port as port
from fahndung.lifecycle.models import (
    MANUAL_OPEN,
    ManualTakedownTask,
    ManualTaskReason,
    ManualTaskState,
    Takedown,
    TakedownState,
)

logger = logging.getLogger(__name__)

PLATFORM_LABELS = {
    "website": "Eigene Website", "x": "X (Twitter)", "facebook": "Facebook-Seite", "instagram": "Instagram",
    "mastodon": "Mastodon", "bluesky": "Bluesky", "linkedin": "LinkedIn", "whatsapp": "WhatsApp-Kanal",
    "press": "Medienpartner (Pressemitteilung)", "poster": "Plakate/Aushänge",
}


def may_handle_takedowns(user: Any) -> bool:
    return has_role_or_superuser(user, PRESS_OFFICE, ADMIN)


def _instructions(takedown: Takedown, pub: port.PublicationInfo | None, reason: str, detail: str) -> tuple[str, str]:
    platform = PLATFORM_LABELS.get(takedown.platform, takedown.platform)
    search = ""
    if pub is not None and pub.text:
        first_line = pub.text.strip().splitlines()[0] if pub.text.strip() else ""
        search = first_line[:120]
    lines = [
        f"Plattform: {platform} – Konto: {takedown.account or '-'}",
        f"Beitrag: {takedown.url or '(keine Adresse gespeichert – bitte über den Suchtext finden)'}",
    ]
    if search:
        lines.append(f"Suchtext: „{search}“")
    channel_steps = port.withdraw_instructions(pub) if pub is not None else ""
    if channel_steps:
        lines.append(channel_steps)
    elif takedown.platform == "poster":
        lines.append("Bitte alle Aushänge an den erfassten Standorten abnehmen und vernichten.")
    elif takedown.platform == "whatsapp":
        lines.append("Bitte die Nachricht im Kanal löschen („Für alle löschen“), soweit möglich.")
    else:
        lines.append("Bitte den Beitrag auf der Plattform löschen und anschließend prüfen, dass er nicht mehr abrufbar ist.")
    lines.append("Danach hier mit Namen, Uhrzeit und Notiz bestätigen.")
    lines.append(f"Grund: {_reason_label(reason)}" + (f" ({detail[:300]})" if detail else ""))
    return "\n".join(lines), search


def _reason_label(reason: str) -> str:
    # Stored in notes and instructions, which are German records whoever triggers them.
    with translation.override(settings.LANGUAGE_CODE):
        return str(ManualTaskReason(reason).label)


def manual_task_open(*, takedown: Takedown, reason: str, detail: str) -> ManualTakedownTask:
    """Create (once) the manual task of a takedown; moves a pending takedown to
    manual_required. The caller holds the takedown's row lock."""
    existing = ManualTakedownTask.objects.select_for_update().filter(takedown=takedown).first()
    if existing is not None and existing.is_open:
        return existing
    if takedown.state == TakedownState.PENDING:
        machines.transition(takedown, "give_up", note=_reason_label(reason))
    pub = port.publication_get(publication_id=takedown.publication_id)
    instructions, search = _instructions(takedown, pub, reason, detail)
    now = clock.now()
    if existing is not None:
        # The takedown was reopened (a post turned up again): same task, new deadline.
        existing.url, existing.search_text, existing.instructions = takedown.url, search, instructions
        existing.reason, existing.created_at = reason, now
        existing.deadline_at = now + timedelta(hours=conf.manual_takedown_hours())
        existing.escalation_level, existing.escalated_at = 0, None
        existing.confirmed_by, existing.confirmed_at, existing.note = None, None, ""
        machines.transition(existing, "reopen", note=_reason_label(reason))
        audit_record(actor=None, action="takedown.manual_task_reopen", obj=existing, appeal_id=existing.appeal_id,
                     detail={"platform": existing.platform, "reason": reason})
        return existing
    task = ManualTakedownTask.objects.create(
        appeal_id=takedown.appeal_id, takedown=takedown, platform=takedown.platform, url=takedown.url,
        search_text=search, instructions=instructions, reason=reason, created_at=now,
        deadline_at=now + timedelta(hours=conf.manual_takedown_hours()),
    )
    audit_record(actor=None, action="takedown.manual_task", obj=task, appeal_id=task.appeal_id,
                 detail={"platform": task.platform, "reason": reason})
    return task


def manual_task_resolve(*, takedown: Takedown) -> None:
    task = ManualTakedownTask.objects.select_for_update().filter(takedown=takedown).first()
    if task is not None and task.state in MANUAL_OPEN:
        machines.transition(task, "resolve", note="Plattform hat die Entfernung bestätigt")


def manual_task_close_confirmed(*, takedown: Takedown, user_id: int) -> None:
    task = ManualTakedownTask.objects.select_for_update().filter(takedown=takedown).first()
    if task is not None and task.state in MANUAL_OPEN:
        task.confirmed_by_id = user_id
        task.confirmed_at = clock.now()
        machines.transition(task, "confirm", note="in der Veröffentlichung bestätigt")


def manual_task_confirm(*, actor: Any, task_id: int, note: str) -> ManualTakedownTask:
    """A person confirms the post is gone: records who, when and a note, and marks the
    publication withdrawn through the publishing service."""
    if not may_handle_takedowns(actor):
        raise PermissionDenied("Nur die Pressestelle kann manuelle Löschungen bestätigen.")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("Bitte kurz notieren, wie die Löschung geprüft wurde.", fields={"note": ["Pflichtfeld."]})
    with transaction.atomic():
        task = ManualTakedownTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NotFound("Aufgabe nicht gefunden.")
        now = clock.now()
        task.confirmed_by = actor
        task.confirmed_at = now
        task.note = note
        machines.transition(task, "confirm", actor=actor, note=note)
        takedown = Takedown.objects.select_for_update().get(pk=task.takedown_id)
        port.mark_withdrawn_manually(publication_id=takedown.publication_id, actor=actor, note=note)
        if takedown.is_open:
            takedown.finished_at = now
            takedown.lease_until = None
            takedown.lease_owner = ""
            machines.transition(takedown, "confirm", actor=actor, note=note)
        audit_record(actor=actor, action="takedown.manual_confirm", obj=task, appeal_id=task.appeal_id,
                     detail={"platform": task.platform, "note": note[:200]})
    return task


# --- escalation ----------------------------------------------------------------------------

def flagged_staff_emails(flag: str) -> list[str]:
    """E-mails of active staff whose profile has `flag` (is_press_lead / is_duty_officer)."""
    users = get_user_model().objects.filter(is_active=True, **{f"profile__{flag}": True}).exclude(email="")
    return sorted({u.email for u in users})


def _escalation_due(task: ManualTakedownTask, now: datetime) -> bool:
    if task.state == ManualTaskState.OPEN:
        return now >= task.deadline_at
    if task.state == ManualTaskState.ESCALATED_LEAD:
        return now >= task.deadline_at + timedelta(hours=conf.escalation_step_hours())
    return False


def manual_tasks_escalate(*, now: datetime | None = None) -> int:
    """Escalate overdue open tasks one level (lead, then duty officer) and e-mail them."""
    now = now or clock.now()
    escalated = 0
    ids = list(
        ManualTakedownTask.objects.filter(
            state__in=[ManualTaskState.OPEN, ManualTaskState.ESCALATED_LEAD], deadline_at__lte=now
        ).values_list("pk", flat=True)
    )
    for task_id in ids:
        with transaction.atomic():
            task = ManualTakedownTask.objects.select_for_update().select_related("appeal").get(pk=task_id)
            if not _escalation_due(task, now):
                continue
            flag = "is_press_lead" if task.state == ManualTaskState.OPEN else "is_duty_officer"
            emails = flagged_staff_emails(flag)
            task.escalation_level += 1
            task.escalated_at = now
            machines.transition(task, "escalate", note=f"an {', '.join(emails) or 'niemand hinterlegt'}")
            audit_record(actor=None, action="takedown.escalate", obj=task, appeal_id=task.appeal_id,
                         detail={"level": task.escalation_level, "recipients": len(emails)})
            if emails:
                subject, body = _escalation_mail(task)
                transaction.on_commit(lambda s=subject, b=body, e=emails: mail_send(s, b, e), robust=True)
            escalated += 1
    return escalated


def _escalation_mail(task: ManualTakedownTask) -> tuple[str, str]:
    who = "Leitung Pressestelle" if task.escalation_level == 1 else "Dienstgruppenleitung"
    subject = f"[Fahndung] Überfällige manuelle Löschung ({PLATFORM_LABELS.get(task.platform, task.platform)})"
    body = (
        f"Eskalation an: {who}\n\n"
        f"Die Fahndung {task.appeal.file_number_police} ist erledigt, ein Beitrag ist aber noch nicht "
        f"nachweislich entfernt. Frist war: {timezone.localtime(task.deadline_at):%d.%m.%Y %H:%M}.\n\n"
        f"{task.instructions}\n\n"
        f"Übersicht: {settings.PUBLIC_BASE_URL}/staff/takedowns/\n"
    )
    return subject, body


def mail_send(subject: str, body: str, recipients: list[str]) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
