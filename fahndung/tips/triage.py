"""Triage services for the case team (re-exported by tips.services).

Public surface:
- ``tip_open(actor, tip_id, reason="")`` – the audited read of one tip (R18).
- ``tip_transition(actor, tip_id, action, comment="")`` – state machine in tips.workflow.
- ``tip_mark_duplicate(actor, tip_id, original_reference)``.
- ``tip_assign(actor, tip_id, assignee_id)``, ``tip_note_add(actor, tip_id, body)``.
- ``tip_reply(actor, tip_id, body)`` – message the tipster reads with reference+secret.
- ``tip_attachment_open(actor, attachment_id, reason="")`` – audited, decrypted stream.
- ``tip_export_pdf(actor, appeal_id, reason="") -> bytes`` – audited case-file export.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import NotFound, TransitionNotAllowed, ValidationFailed
from fahndung.tips import selectors, uploads, workflow
from fahndung.tips.choices import Direction, TipState
from fahndung.tips.intake import normalize_reference
from fahndung.tips.models import Tip, TipAttachment, TipEvent, TipMessage, TipNote, TipRead
from fahndung.tips.textclean import clean_text

logger = logging.getLogger(__name__)


def _reason(reason: Any) -> str:
    return clean_text(reason, field="reason", label="Grund", max_length=300)


def _locked(actor: Any, tip_id: int | str) -> Tip:
    tip = selectors.tip_get_for_team(user=actor, tip_id=tip_id)
    return Tip.objects.select_for_update().get(pk=tip.pk)


def _event(tip: Tip, actor: Any, action: str, source: str, target: str, comment: str = "") -> TipEvent:
    return TipEvent.objects.create(tip=tip, at=clock.now(), actor=actor, action=action, from_state=source,
                                   to_state=target, comment=comment)


def tip_mark_read(*, actor: Any, tip: Tip) -> None:
    TipRead.objects.update_or_create(tip=tip, user=actor, defaults={"read_at": clock.now()})


def tip_open(*, actor: Any, tip_id: int | str, reason: Any = "", appeal_id: int | str | None = None) -> Tip:
    """Return the tip with its content; every call is an audit event ("tip.view")."""
    tip = selectors.tip_get_for_team(user=actor, tip_id=tip_id, appeal_id=appeal_id)
    why = _reason(reason)
    with transaction.atomic():
        audit_record(actor=actor, action="tip.view", obj=tip, appeal_id=tip.appeal_id, detail={"reason": why})
        tip_mark_read(actor=actor, tip=tip)
    return tip


def tip_transition(*, actor: Any, tip_id: int | str, action: str, comment: Any = "") -> Tip:
    text = clean_text(comment, field="comment", label="Kommentar", max_length=2000)
    if action == "mark_duplicate":
        raise ValidationFailed("Für Duplikate bitte den Originalhinweis angeben.", fields={"action": ["Original fehlt."]})
    if action not in workflow.ACTION_LABELS:
        raise ValidationFailed("Unbekannte Aktion.", fields={"action": [f"Erlaubt: {', '.join(sorted(workflow.ACTION_LABELS))}."]})
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        step = workflow.find(action, tip.state)
        if step is None:
            # The sentence is German (service errors are); keep the lazy names in it German too.
            with translation.override(settings.LANGUAGE_CODE):
                message = f"„{workflow.ACTION_LABELS.get(action, action)}“ ist im Status „{TipState(tip.state).label}“ nicht möglich."
            raise TransitionNotAllowed(message)
        source = tip.state
        tip.state = step.target
        if action == "reopen":
            tip.duplicate_of = None
        tip.save(update_fields=["state", "duplicate_of"])
        _event(tip, actor, action, source, step.target, text)
        audit_record(actor=actor, action=f"tip.{action}", obj=tip, appeal_id=tip.appeal_id)
    return tip


def tip_mark_duplicate(*, actor: Any, tip_id: int | str, original_reference: Any, comment: Any = "") -> Tip:
    text = clean_text(comment, field="comment", label="Kommentar", max_length=2000)
    ref = normalize_reference(clean_text(original_reference, field="original", label="Original", max_length=40))
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        original = Tip.objects.filter(reference=ref, appeal_id=tip.appeal_id).first() if ref else None
        if original is None:
            raise ValidationFailed("Originalhinweis in dieser Fahndung nicht gefunden.", fields={"original": ["Unbekannte Hinweisnummer."]})
        # Link to the root so chains of duplicates do not form.
        while original.duplicate_of_id is not None:
            original = original.duplicate_of
        if original.pk == tip.pk:
            raise ValidationFailed("Ein Hinweis kann kein Duplikat von sich selbst sein.", fields={"original": ["Derselbe Hinweis."]})
        step = workflow.find("mark_duplicate", tip.state)
        if step is None:
            raise TransitionNotAllowed(f"Im Status „{TipState(tip.state).label}“ nicht als Duplikat markierbar.")
        source = tip.state
        tip.state = step.target
        tip.duplicate_of = original
        tip.save(update_fields=["state", "duplicate_of"])
        _event(tip, actor, "mark_duplicate", source, step.target, text or f"Duplikat von {original.reference}")
        audit_record(actor=actor, action="tip.mark_duplicate", obj=tip, appeal_id=tip.appeal_id,
                     detail={"original": original.reference})
    return tip


def tip_assign(*, actor: Any, tip_id: int | str, assignee_id: int | None) -> Tip:
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        assignee = None
        if assignee_id is not None:
            assignee = selectors.case_team_users(appeal=tip.appeal).filter(pk=assignee_id).first()
            if assignee is None:
                raise ValidationFailed("Zuweisung nur an Mitglieder des Ermittlungsteams.", fields={"assignee": ["Nicht im Team."]})
        tip.assigned_to = assignee
        tip.save(update_fields=["assigned_to"])
        label = assignee.get_username() if assignee else "—"
        _event(tip, actor, "assign", tip.state, tip.state, f"Zugewiesen an {label}")
        audit_record(actor=actor, action="tip.assign", obj=tip, appeal_id=tip.appeal_id, detail={"assignee": label})
    return tip


def tip_note_add(*, actor: Any, tip_id: int | str, body: Any) -> TipNote:
    text = clean_text(body, field="body", label="Notiz", max_length=10_000, required=True)
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        note = TipNote.objects.create(tip=tip, author=actor, at=clock.now(), body=text)
        audit_record(actor=actor, action="tip.note", obj=tip, appeal_id=tip.appeal_id)
    return note


def tip_reply(*, actor: Any, tip_id: int | str, body: Any) -> TipMessage:
    """A message to the tipster: a disclosure, so it is audited."""
    text = clean_text(body, field="body", label="Antwort", max_length=10_000, required=True)
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        if not tip.has_reply_channel:
            raise ValidationFailed(
                "Dieser Hinweis kam nicht über das Online-Formular; es gibt keinen Rückkanal.",
                fields={"body": ["Kein Rückkanal."]},
            )
        now = clock.now()
        message = TipMessage.objects.create(tip=tip, at=now, direction=Direction.TO_TIPSTER, author=actor, body=text)
        # The author's own reply does not make the tip "unread" for them.
        tip_mark_read(actor=actor, tip=tip)
        audit_record(actor=actor, action="tip.reply", obj=tip, appeal_id=tip.appeal_id)
    return message


def tip_attachment_open(*, actor: Any, attachment_id: int | str, reason: Any = "",
                        appeal_id: int | str | None = None) -> tuple[TipAttachment, Iterator[bytes]]:
    """The decrypted stream of one attachment. Audited only once the file is about to be handed
    out: an unknown id, another appeal than the path names, or a missing stored file is a 404
    without an audit row (the audit records disclosures, not attempts)."""
    try:
        attachment = TipAttachment.objects.select_related("blob", "tip").get(pk=int(attachment_id))
    except (TipAttachment.DoesNotExist, ValueError, TypeError):
        raise NotFound("Anhang nicht gefunden.") from None
    if appeal_id is not None and str(attachment.tip.appeal_id) != str(appeal_id):
        raise NotFound("Anhang nicht gefunden.")
    tip = selectors.tip_get_for_team(user=actor, tip_id=attachment.tip_id)
    try:
        stream = uploads.open_decrypted(attachment.blob.storage_name, attachment.blob.wrapped_key)
    except FileNotFoundError:
        logger.error("tip attachment %s: stored file missing", attachment.pk)
        raise NotFound("Die Datei dieses Anhangs ist nicht mehr vorhanden.") from None
    audit_record(actor=actor, action="tip.attachment_view", obj=attachment, appeal_id=tip.appeal_id,
                 detail={"tip": tip.reference, "sha256": attachment.blob.sha256, "reason": _reason(reason)})
    return attachment, stream


def tip_export_pdf(*, actor: Any, appeal_id: int | str, reason: Any = "") -> bytes:
    from fahndung.tips.pdf import render_tips_pdf

    appeal = selectors.require_case_team(user=actor, appeal_id=appeal_id)
    tips = list(selectors.tips_for_export(appeal=appeal))
    data = render_tips_pdf(appeal=appeal, tips=tips, actor=actor)
    audit_record(actor=actor, action="tip.export", obj=appeal, appeal_id=appeal.pk,
                 detail={"count": len(tips), "format": "pdf", "reason": _reason(reason)})
    return data
