"""Imaging services: the storage and database side of the pure imaging library.

Contract used by appeals.services.photo_add (inside its transaction):
  photo_validate_upload(*, uploaded_file) -> UploadInfo(size_bytes, content_type, width, height)
      header-only checks (byte cap, content sniffing, pixel cap); raises ValidationFailed.
  photo_processing_schedule(*, photo) -> PhotoAnalysis
      creates the pending analysis row and enqueues processing after commit.

Review and editing (actor passed explicitly; all raise fahndung.core.errors.*):
  box_add(*, actor, photo_id, kind, x, y, w, h) -> RedactionBox
  box_update(*, actor, photo_id, box_id, x, y, w, h, kind=None) -> RedactionBox
  box_remove(*, actor, photo_id, box_id) -> None
  subject_set(*, actor, photo_id, box_id=None, box=None, none=False) -> PhotoAnalysis
  photo_approve(*, actor, photo_id) -> PhotoAnalysis
  photos_approve_with_appeal(*, actor, appeal, final) -> int   (appeals' approval, appeal row locked)
  photo_reject(*, actor, photo_id, reason) -> PhotoAnalysis
  photo_retry(*, actor, photo_id) -> PhotoAnalysis
  public_renditions_delete(*, appeal, actor) -> int   (lifecycle calls it at closing)
  imaging_purge_appeal(*, appeal_id) -> PurgePlan     (R19: analyses, boxes, renditions, both
      previews incl. the unredacted preview_original, public copies; files after commit)
The heavy work (decode, detect, render) lives in imaging.processing (Celery task body).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_noop

from fahndung.accounts.roles import PRESS_OFFICE, has_role, has_role_or_superuser
from fahndung.appeals.choices import Kind
from fahndung.appeals.selectors import appeal_approval_conflict, appeal_can_edit, photo_get
from fahndung.appeals.services import appeal_content_changed, appeal_output_changed
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from fahndung.core.purge import PurgePlan
from fahndung.imaging import conf
from fahndung.imaging.lib.decode import probe
from fahndung.imaging.lib.errors import ImageRejected
from fahndung.imaging.lib.renditions import PLATFORM_RENDITIONS
from fahndung.imaging.models import (
    AnalysisState,
    BoxEvent,
    BoxKind,
    BoxSource,
    PhotoAnalysis,
    PhotoAnalysisEvent,
    RedactionBox,
    Rendition,
)
from fahndung.imaging.workflow import EDITABLE_STATES, target_state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadInfo:
    size_bytes: int
    content_type: str
    width: int
    height: int


# --- intake contract ----------------------------------------------------------------

def photo_validate_upload(*, uploaded_file: Any) -> UploadInfo:
    """Header-only checks, safe in the request: nothing is decoded here."""
    size = getattr(uploaded_file, "size", None)
    try:
        info = probe(uploaded_file, max_bytes=conf.max_bytes(), max_pixels=conf.max_pixels(), size=size)
    except ImageRejected as exc:
        raise ValidationFailed(exc.message, code=exc.code, fields={"file": [exc.message]}) from None
    return UploadInfo(info.size_bytes, info.content_type, info.width, info.height)


def photo_processing_schedule(*, photo: Any) -> PhotoAnalysis:
    analysis, _ = PhotoAnalysis.objects.get_or_create(photo=photo)
    analysis_id = analysis.pk
    transaction.on_commit(lambda: enqueue_processing(analysis_id))
    return analysis


def enqueue_processing(analysis_id: int) -> None:
    """Best effort: when the broker is down the sweep picks the row up later."""
    from fahndung.imaging.tasks import process_photo

    try:
        process_photo.delay(analysis_id)
    except Exception:  # broker errors vary by transport; the DB row is the source of truth
        log.warning("imaging: could not enqueue analysis %s; the sweep will retry", analysis_id)


# --- state machine ------------------------------------------------------------------

def transition(analysis: PhotoAnalysis, action: str, actor: Any = None, **detail: Any) -> None:
    """Apply one table transition to a row the caller has locked, and record it."""
    source = analysis.state
    target = target_state(action, source)
    if target is None:
        raise TransitionNotAllowed(
            f"Aktion „{action}“ ist im Zustand „{AnalysisState(source).label}“ nicht möglich."
        )
    analysis.state = target
    analysis.save()
    PhotoAnalysisEvent.objects.create(
        analysis=analysis, at=clock.now(), actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, from_state=source, to_state=target, detail=detail,
    )


def _locked(photo_id: int, *, for_edit: bool = False) -> PhotoAnalysis:
    try:
        analysis = PhotoAnalysis.objects.select_for_update(of=("self",)).select_related("photo__appeal").get(photo_id=photo_id)
    except PhotoAnalysis.DoesNotExist:
        raise NotFound("Für dieses Foto gibt es noch keine Bildanalyse.") from None
    if for_edit and (not analysis.detected or analysis.state not in EDITABLE_STATES):
        raise Conflict("Das Foto wird noch analysiert oder ist fehlgeschlagen; Kästen können erst danach bearbeitet werden.")
    return analysis


def _can_redact(user: Any, appeal: Any) -> bool:
    return appeal_can_edit(user=user, appeal=appeal) or has_role(user, PRESS_OFFICE)


def _require_redactor(actor: Any, photo_id: int) -> Any:
    photo = photo_get(user=actor, pk=photo_id)
    if not _can_redact(actor, photo.appeal):
        raise PermissionDenied("Nur die Sachbearbeitung oder die Pressestelle darf Bildbereiche bearbeiten.")
    return photo


def _after_edit(analysis: PhotoAnalysis, actor: Any, what: str) -> None:
    was_approved = analysis.state in (AnalysisState.APPROVED, AnalysisState.AWAITING_SECOND)
    _unpublish(analysis)
    analysis.revision += 1
    analysis.progress = 0
    analysis.progress_label = gettext_noop("Neu berechnen")
    analysis.first_approver = None
    analysis.first_approved_at = None
    analysis.approved_by = None
    analysis.approved_at = None
    transition(analysis, "edit", actor, what=what, approval_revoked=was_approved)
    analysis_id = analysis.pk
    transaction.on_commit(lambda: enqueue_processing(analysis_id))


def _report_change(actor: Any, photo_id: int, what: str) -> None:
    """A redaction change is a change of outgoing content: appeals starts a new version and
    records the editor as a participant (four eyes). Appeal row first, then the analysis."""
    photo = photo_get(user=actor, pk=photo_id)
    appeal_content_changed(actor=actor, appeal_id=photo.appeal_id, kind="redaction", what=f"Foto {photo_id}: {what}")


def _box_json(box: RedactionBox) -> dict[str, Any]:
    return {"kind": box.kind, "x": box.x, "y": box.y, "w": box.w, "h": box.h}


def _validate_geometry(analysis: PhotoAnalysis, x: Any, y: Any, w: Any, h: Any) -> tuple[int, int, int, int]:
    try:
        x, y, w, h = int(x), int(y), int(w), int(h)
    except (TypeError, ValueError):
        raise ValidationFailed("Ungültiger Kasten.", fields={"box": ["x, y, w, h müssen ganze Zahlen sein."]}) from None
    width, height = analysis.width or 0, analysis.height or 0
    if w < 2 or h < 2:
        raise ValidationFailed("Der Kasten ist zu klein.", fields={"box": ["Breite und Höhe mindestens 2 px."]})
    if x < 0 or y < 0 or x + w > width or y + h > height:
        raise ValidationFailed("Der Kasten liegt außerhalb des Bildes.", fields={"box": [f"Bild ist {width}×{height} px."]})
    return x, y, w, h


def _box_event(analysis: PhotoAnalysis, box: RedactionBox | None, actor: Any, action: str, before: Any, after: Any) -> None:
    BoxEvent.objects.create(analysis=analysis, box=box, at=clock.now(), actor=actor, action=action, before=before, after=after)
    audit_record(
        actor=actor, action=f"photo.box_{action}", object_type="imaging.photoanalysis", object_id=analysis.pk,
        appeal_id=analysis.photo.appeal_id, detail={"photo": analysis.photo_id, "before": before, "after": after},
    )


def box_add(*, actor: Any, photo_id: int, kind: str, x: Any, y: Any, w: Any, h: Any) -> RedactionBox:
    _require_redactor(actor, photo_id)
    if kind not in BoxKind.values:
        raise ValidationFailed("Unbekannte Art.", fields={"kind": [f"Erlaubt: {', '.join(BoxKind.values)}."]})
    with transaction.atomic():
        _report_change(actor, photo_id, "box_add")
        analysis = _locked(photo_id, for_edit=True)
        geometry = _validate_geometry(analysis, x, y, w, h)
        box = RedactionBox.objects.create(
            analysis=analysis, kind=kind, source=BoxSource.MANUAL, x=geometry[0], y=geometry[1],
            w=geometry[2], h=geometry[3], created_by=actor,
        )
        _box_event(analysis, box, actor, "add", None, _box_json(box))
        _after_edit(analysis, actor, "box_add")
    return box


def _get_box(analysis: PhotoAnalysis, box_id: Any) -> RedactionBox:
    try:
        return analysis.boxes.select_for_update().get(pk=int(box_id), active=True)
    except (RedactionBox.DoesNotExist, TypeError, ValueError):
        raise NotFound("Kasten nicht gefunden.") from None


def box_update(
    *, actor: Any, photo_id: int, box_id: Any, x: Any, y: Any, w: Any, h: Any, kind: str | None = None
) -> RedactionBox:
    _require_redactor(actor, photo_id)
    if kind is not None and kind not in BoxKind.values:
        raise ValidationFailed("Unbekannte Art.", fields={"kind": [f"Erlaubt: {', '.join(BoxKind.values)}."]})
    with transaction.atomic():
        _report_change(actor, photo_id, "box_update")
        analysis = _locked(photo_id, for_edit=True)
        box = _get_box(analysis, box_id)
        before = _box_json(box)
        box.x, box.y, box.w, box.h = _validate_geometry(analysis, x, y, w, h)
        if kind:
            box.kind = kind
        box.save()
        _box_event(analysis, box, actor, "resize", before, _box_json(box))
        _after_edit(analysis, actor, "box_update")
    return box


def box_remove(*, actor: Any, photo_id: int, box_id: Any) -> None:
    _require_redactor(actor, photo_id)
    with transaction.atomic():
        _report_change(actor, photo_id, "box_remove")
        analysis = _locked(photo_id, for_edit=True)
        box = _get_box(analysis, box_id)
        box.active = False
        box.save(update_fields=["active", "updated_at"])
        _box_event(analysis, box, actor, "remove", _box_json(box), None)
        _after_edit(analysis, actor, "box_remove")


def subject_set(
    *, actor: Any, photo_id: int, box_id: Any = None, box: Any = None, none: bool = False
) -> PhotoAnalysis:
    """Mark the person sought: a detected face (box_id), a drawn box, or none (redact all)."""
    _require_redactor(actor, photo_id)
    with transaction.atomic():
        _report_change(actor, photo_id, "subject_set")
        analysis = _locked(photo_id, for_edit=True)
        before = {"box": list(analysis.subject_box) if analysis.subject_box else None, "none": analysis.no_subject}
        if none:
            coords = None
        elif box_id is not None:
            coords = _get_box(analysis, box_id).xywh
        elif box is not None:
            if not isinstance(box, (list, tuple)) or len(box) != 4:
                raise ValidationFailed("Ungültiger Kasten.", fields={"box": ["Erwartet [x, y, w, h]."]})
            coords = _validate_geometry(analysis, *box)
        else:
            raise ValidationFailed("Bitte ein Gesicht wählen, einen Kasten zeichnen oder „keine Person“ wählen.")
        analysis.no_subject = coords is None
        analysis.subject_x, analysis.subject_y, analysis.subject_w, analysis.subject_h = coords or (None,) * 4
        analysis.subject_confirmed = True
        _box_event(analysis, None, actor, "subject", before, {"box": list(coords) if coords else None, "none": none})
        _after_edit(analysis, actor, "subject")
    return analysis


# --- review ---------------------------------------------------------------------------

def _require_press(actor: Any) -> None:
    if not has_role_or_superuser(actor, PRESS_OFFICE):
        raise PermissionDenied("Nur die Pressestelle darf Fotos freigeben oder ablehnen.")


def photo_approve(*, actor: Any, photo_id: int) -> PhotoAnalysis:
    """Press-office approval; R14 cases (minor, victim, unknown dead) need two distinct approvers."""
    photo_get(user=actor, pk=photo_id)
    _require_press(actor)
    with transaction.atomic():
        analysis = _locked(photo_id)
        photo = analysis.photo
        appeal = photo.appeal
        if photo.uploaded_by_id == actor.pk:
            raise PermissionDenied("Wer das Foto hochgeladen hat, darf es nicht selbst freigeben.")
        # the same four eyes as the appeal approval: a photo is public output of the version
        conflict = appeal_approval_conflict(user=actor, appeal=appeal)
        if conflict:
            raise PermissionDenied(f"Foto-Freigabe nicht möglich: {conflict}")
        if analysis.rendered_revision != analysis.revision or not analysis.renditions.exists():
            raise Conflict("Die Bildformate sind noch nicht berechnet.")
        now = clock.now()
        if appeal.needs_second_approver and analysis.state == AnalysisState.READY:
            analysis.first_approver = actor
            analysis.first_approved_at = now
            transition(analysis, "approve_first", actor)
            audit_record(actor=actor, action="photo.approve_first", obj=photo, appeal_id=appeal.pk)
            return analysis
        if analysis.state == AnalysisState.AWAITING_SECOND and analysis.first_approver_id == actor.pk:
            raise PermissionDenied("Die zweite Freigabe muss eine andere Person erteilen.")
        analysis.approved_by = actor
        analysis.approved_at = now
        transition(analysis, "approve", actor)
        count = _publish(analysis, dead=appeal.kind == Kind.UNKNOWN_DEAD)
        audit_record(actor=actor, action="photo.approve", obj=photo, appeal_id=appeal.pk, detail={"public_copies": count})
    return analysis


def photos_approve_with_appeal(*, actor: Any, appeal: Any, final: bool) -> int:
    """The appeal approval approves the photos shown with it (appeals locks the appeal first).
    Rendered photos ready for review get this approver's approval: the first of two
    (R14) when `final` is False; rejected photos stay rejected. Returns photos approved."""
    count = 0
    for analysis in PhotoAnalysis.objects.select_for_update(of=("self",)).filter(photo__appeal=appeal).order_by("photo_id"):
        if analysis.state not in (AnalysisState.READY, AnalysisState.AWAITING_SECOND):
            continue
        if analysis.rendered_revision != analysis.revision or not analysis.renditions.exists():
            raise Conflict("Die Bildformate sind noch nicht berechnet.")
        now = clock.now()
        if not final:
            if analysis.state == AnalysisState.READY:
                analysis.first_approver = actor
                analysis.first_approved_at = now
                transition(analysis, "approve_first", actor, with_appeal=True)
            continue
        analysis.approved_by = actor
        analysis.approved_at = now
        transition(analysis, "approve", actor, with_appeal=True)
        copies = _publish(analysis, dead=appeal.kind == Kind.UNKNOWN_DEAD)
        audit_record(actor=actor, action="photo.approve", obj=analysis.photo, appeal_id=appeal.pk,
                     detail={"public_copies": copies, "with_appeal": True})
        count += 1
    return count


def photo_reject(*, actor: Any, photo_id: int, reason: str) -> PhotoAnalysis:
    photo_get(user=actor, pk=photo_id)
    _require_press(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Bitte einen Grund für die Ablehnung angeben.", fields={"reason": ["Pflichtfeld."]})
    with transaction.atomic():
        analysis = _locked(photo_id)
        analysis.rejection_reason = reason
        analysis.approved_by = None
        analysis.approved_at = None
        transition(analysis, "reject", actor, reason=reason)
        _unpublish(analysis)
        audit_record(actor=actor, action="photo.reject", obj=analysis.photo, appeal_id=analysis.photo.appeal_id,
                     detail={"reason": reason})
    return analysis


def photo_retry(*, actor: Any, photo_id: int) -> PhotoAnalysis:
    _require_redactor(actor, photo_id)
    with transaction.atomic():
        analysis = _locked(photo_id)
        analysis.attempts = 0
        analysis.failure_reason = ""
        transition(analysis, "retry", actor)
        analysis_id = analysis.pk
        transaction.on_commit(lambda: enqueue_processing(analysis_id))
    return analysis


# --- public copies -----------------------------------------------------------------------

def _publish(analysis: PhotoAnalysis, *, dead: bool) -> int:
    """Copy approved renditions to public storage under unguessable names."""
    count = 0
    token = secrets.token_urlsafe(18)
    for rendition in analysis.renditions.all():
        if dead and rendition.name in PLATFORM_RENDITIONS:
            continue  # R14: images of the dead never go to platforms
        with rendition.file.open("rb") as fh:
            data = fh.read()
        rendition.public_name = default_storage.save(f"renditions/{token}/{rendition.name}.jpg", ContentFile(data))
        rendition.save(update_fields=["public_name"])
        count += 1
    if count:
        appeal_output_changed(appeal_id=analysis.photo.appeal_id)  # the page shows it at once
    return count


def _unpublish(analysis: PhotoAnalysis) -> int:
    count = 0
    for rendition in analysis.renditions.exclude(public_name=""):
        default_storage.delete(rendition.public_name)
        rendition.public_name = ""
        rendition.save(update_fields=["public_name"])
        count += 1
    if count:
        appeal_output_changed(appeal_id=analysis.photo.appeal_id)
    return count


def public_renditions_delete(*, appeal: Any, actor: Any) -> int:
    """Remove every public copy of the appeal's renditions (closing, takedown). Idempotent."""
    count = 0
    with transaction.atomic():
        for analysis in PhotoAnalysis.objects.select_for_update(of=("self",)).filter(photo__appeal=appeal):
            count += _unpublish(analysis)
        audit_record(actor=actor, action="photo.public_delete", obj=appeal, appeal_id=appeal.pk, detail={"files": count})
    return count



# --- retention -------------------------------------------------------------------------------

def imaging_purge_appeal(*, appeal_id: int) -> PurgePlan:
    """Delete the imaging rows of the appeal's photos and name every file they point to:
    private previews (unredacted and redacted), private renditions, public copies. The
    folders previews/<id>/ and renditions/<id>/ catch files of earlier renders."""
    plan = PurgePlan()
    analyses = PhotoAnalysis.objects.filter(photo__appeal_id=appeal_id)
    for preview_original, preview_redacted in analyses.values_list("preview_original", "preview_redacted"):
        plan.files.extend(("private", name) for name in (preview_original, preview_redacted) if name)
    for file, public_name in Rendition.objects.filter(analysis__in=analyses).values_list("file", "public_name"):
        if file:
            plan.files.append(("private", file))
        if public_name:
            plan.files.append(("default", public_name))
    plan.prefixes += [("private", f"previews/{appeal_id}"), ("private", f"renditions/{appeal_id}")]
    _total, per_model = analyses.delete()
    plan.add_rows(per_model)
    return plan
