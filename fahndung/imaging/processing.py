"""The worker side of imaging: decode, detect, redact and render one photo.

photo_process(*, analysis_id) -> str   ("done", "skipped", "failed", "requeued")
    Idempotent: re-checks the state under a row lock, detects only once, and keys every
    rendition by source sha256 + rendition + pipeline version + boxes, so a rerun with
    unchanged boxes rewrites nothing. If an edit arrives while rendering (revision
    changed), the result is discarded and the job runs again.
analysis_fail(*, analysis_id, reason) -> None
processing_sweep() -> int   re-enqueues pending rows and stuck processing rows.

Pixels are only ever touched in a child process per job (imaging.sandbox) under the memory
budget; this module reads the original, hands the bytes over and stores what comes back.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop

from fahndung.core import clock
from fahndung.imaging import conf
from fahndung.imaging.lib import PIPELINE_VERSION, pipeline
from fahndung.imaging.lib.detect import Box, iou
from fahndung.imaging.lib.errors import ImageRejected
from fahndung.imaging.models import (
    AnalysisState,
    BoxKind,
    BoxSource,
    PhotoAnalysis,
    RedactionBox,
    Rendition,
)
from fahndung.imaging.sandbox import MIB, PhotoJob, Rendered
from fahndung.imaging.services import enqueue_processing, transition


def _progress(analysis_id: int, value: int, label: str) -> None:
    PhotoAnalysis.objects.filter(pk=analysis_id, state=AnalysisState.PROCESSING).update(
        progress=value, progress_label=label, updated_at=clock.now()
    )


def analysis_fail(*, analysis_id: int, reason: str) -> None:
    with transaction.atomic():
        analysis = PhotoAnalysis.objects.select_for_update().get(pk=analysis_id)
        if analysis.state in (AnalysisState.PENDING, AnalysisState.PROCESSING):
            analysis.failure_reason = reason[:300]
            analysis.progress_label = gettext_noop("Fehlgeschlagen")
            transition(analysis, "fail", None, reason=reason[:300])


def _redaction_plan(analysis: PhotoAnalysis) -> tuple[tuple[int, int, int, int] | None, list[tuple[int, int, int, int]]]:
    subject = None if analysis.no_subject else analysis.subject_box
    boxes = []
    for box in analysis.boxes.filter(active=True):
        # The face box that *is* the subject stays clear; everything else is obscured.
        if subject is not None and box.kind == BoxKind.FACE and iou(Box(*box.xywh), Box(*subject)) >= 0.3:
            continue
        boxes.append(box.xywh)
    return subject, boxes


def _store_detection(analysis_id: int, result: pipeline.Analysis, notes: list[str]) -> None:
    with transaction.atomic():
        analysis = PhotoAnalysis.objects.select_for_update().get(pk=analysis_id)
        if analysis.detected:
            return
        for face in result.faces:
            RedactionBox.objects.create(
                analysis=analysis, kind=BoxKind.FACE, source=BoxSource.DETECTED, x=face.x, y=face.y,
                w=face.w, h=face.h, score=round(face.score, 4), detector=face.source,
            )
        if result.subject is not None and analysis.subject_box is None and not analysis.no_subject:
            analysis.subject_x, analysis.subject_y, analysis.subject_w, analysis.subject_h = result.subject
        analysis.width, analysis.height = result.width, result.height
        analysis.flags = result.flags
        analysis.notes = notes
        analysis.detected = True
        analysis.save()


def _store_renditions(analysis: PhotoAnalysis, result: Rendered, signature: str) -> None:
    source = analysis.photo.sha256
    keep = set()
    for name, out in result.renditions.items():
        key = pipeline.rendition_key(source, name, signature)
        keep.add(name)
        row = analysis.renditions.filter(name=name).first()
        if row is not None and row.key == key:
            continue  # identical input: nothing changes
        if row is not None:
            row.file.delete(save=False)
            row.delete()
        row = Rendition(
            analysis=analysis, name=name, key=key, width=out.size[0], height=out.size[1],
            size_bytes=len(out.data), crop=out.crop.box, warning=out.crop.warning,
        )
        row.file.save(f"renditions/{analysis.photo.appeal_id}/{key[:40]}.jpg", ContentFile(out.data), save=False)
        row.save()
    for stale in analysis.renditions.exclude(name__in=keep):
        stale.file.delete(save=False)
        stale.delete()


def photo_process(*, analysis_id: int) -> str:
    with transaction.atomic():
        analysis = PhotoAnalysis.objects.select_for_update().filter(pk=analysis_id).first()
        if analysis is None:
            return "skipped"
        if analysis.state == AnalysisState.PENDING:
            analysis.attempts += 1
            analysis.progress, analysis.progress_label = 5, gettext_noop("Datei wird gelesen")
            transition(analysis, "start", None)
        elif analysis.state != AnalysisState.PROCESSING:
            return "skipped"
        revision = analysis.revision
        photo = analysis.photo
    with photo.original.open("rb") as fh:
        data = fh.read()
    method = conf.redaction_method()
    try:
        with PhotoJob(data, conf.job_limits()) as job:
            del data
            _progress(analysis_id, 20, gettext_noop("Gesichter werden gesucht"))
            if not analysis.detected:
                assert job.decoded is not None
                _store_detection(analysis_id, job.analyse(), job.decoded.notes)
            _progress(analysis_id, 60, gettext_noop("Bereiche werden unkenntlich gemacht"))
            analysis.refresh_from_db()
            subject, boxes = _redaction_plan(analysis)
            result = job.render(subject, boxes, method)
    except ImageRejected as exc:
        analysis_fail(analysis_id=analysis_id, reason=exc.message)
        return "failed"
    _progress(analysis_id, 85, gettext_noop("Formate werden gespeichert"))
    signature = pipeline.boxes_signature(subject, boxes, method)
    with transaction.atomic():
        analysis = PhotoAnalysis.objects.select_for_update(of=("self",)).select_related("photo").get(pk=analysis_id)
        if analysis.state != AnalysisState.PROCESSING:
            return "skipped"
        if analysis.revision != revision:
            transaction.on_commit(lambda: enqueue_processing(analysis_id))
            return "requeued"  # an edit arrived meanwhile; render again with the new boxes
        _store_renditions(analysis, result, signature)
        for field, jpeg in (("preview_original", result.preview_original), ("preview_redacted", result.preview_redacted)):
            old = getattr(analysis, field)
            if old:
                old.delete(save=False)
            getattr(analysis, field).save(f"previews/{analysis.photo.appeal_id}/{field}-{signature[:24]}.jpg",
                                          ContentFile(jpeg), save=False)
        flags = [f for f in analysis.flags if f not in ("subject_overlap", "subject_unconfirmed")]
        flags += result.flags
        if analysis.subject_box is not None and not analysis.subject_confirmed:
            flags.append("subject_unconfirmed")
        analysis.flags = sorted(set(flags))
        analysis.rendered_revision = revision
        analysis.pipeline_version = PIPELINE_VERSION
        if job.peak_rss_bytes is not None:
            analysis.peak_memory_mib = -(-job.peak_rss_bytes // MIB)
        analysis.progress, analysis.progress_label = 100, gettext_noop("Fertig")
        transition(analysis, "finish", None)
    return "done"


def processing_sweep() -> int:
    """Re-enqueue pending rows and rows stuck in processing (lost worker, broker outage)."""
    stuck_before = clock.now() - timedelta(minutes=conf.stuck_minutes())
    count = 0
    rows = PhotoAnalysis.objects.filter(state=AnalysisState.PENDING).values_list("pk", flat=True)
    for pk in rows[:200]:
        enqueue_processing(pk)
        count += 1
    stuck = PhotoAnalysis.objects.filter(state=AnalysisState.PROCESSING, updated_at__lt=stuck_before)
    for pk in stuck.values_list("pk", flat=True)[:200]:
        with transaction.atomic():
            analysis = PhotoAnalysis.objects.select_for_update().get(pk=pk)
            if analysis.state != AnalysisState.PROCESSING or analysis.updated_at >= stuck_before:
                continue
            if analysis.attempts >= conf.max_attempts():
                analysis.failure_reason = "Verarbeitung mehrfach abgebrochen (Zeit- oder Speichergrenze)."
                transition(analysis, "fail", None, reason=analysis.failure_reason)
                continue
            analysis.attempts += 1
            analysis.save(update_fields=["attempts", "updated_at"])
        enqueue_processing(pk)
        count += 1
    return count

