"""Reads of imaging data.

Contract for other areas (public pages, posters, publishing):
  PublicImage(url, path, alt, width, height, photo_id)  frozen dataclass
  public_renditions_for_appeal(*, appeal, rendition="website") -> list[PublicImage]
      only approved photos, only their public copies (default storage).
  rendition_file_path(*, appeal, rendition) -> list[str]
      absolute file paths of the same public copies (PDF poster).
  appeal_photos_status(*, appeal) -> dict: {"total", "approved", "pending_review", "all_approved"}
  appeal_photo_review(*, appeal) -> list[dict]: every photo with state and revision (appeal approval)

Staff reads (scoped through appeals.selectors.photo_get / appeal_get, NotFound outside scope):
  analysis_get(*, user, photo_id) -> PhotoAnalysis
  analysis_boxes(*, analysis) -> QuerySet[RedactionBox]
  analysis_renditions(*, analysis) -> QuerySet[Rendition]
  appeal_photo_rows(*, user, appeal) -> list[PhotoRow]
  photo_queue(*, user, state=None) -> QuerySet[PhotoAnalysis]   photos in scope, review first
  user_can_redact / user_can_review(*, user, appeal) -> bool
System read: job_memory_stats(*, since) -> {"by_state", "peak_memory_mib"}   (/metrics)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext

from fahndung.accounts.roles import (
    PRESS_OFFICE,
    PROSECUTOR_LIAISON,
    has_role,
    has_role_or_superuser,
)
from fahndung.appeals.choices import Status
from fahndung.appeals.selectors import (
    appeal_can_edit,
    appeal_get,
    appeal_is_case_team_member,
    appeal_list,
    photo_get,
)
from fahndung.core.errors import NotFound
from fahndung.imaging.lib.pipeline import FLAG_LABELS
from fahndung.imaging.lib.renditions import RENDITIONS
from fahndung.imaging.models import AnalysisState, PhotoAnalysis, RedactionBox, Rendition


@dataclass(frozen=True)
class PublicImage:
    url: str
    path: str  # name in the default (public) storage
    alt: str
    width: int
    height: int
    photo_id: int


@dataclass(frozen=True)
class PhotoRow:
    photo: Any
    analysis: PhotoAnalysis | None
    state: str
    state_label: str


def _approved_public(appeal: Any, rendition: str) -> QuerySet[Rendition]:
    if rendition not in RENDITIONS:
        raise NotFound(f"Unbekanntes Bildformat „{rendition}“.")
    return (
        Rendition.objects.filter(
            analysis__photo__appeal=appeal, analysis__state=AnalysisState.APPROVED, name=rendition,
        )
        .exclude(public_name="")
        .select_related("analysis__photo")
        .order_by("analysis__photo__uploaded_at", "analysis__photo_id")
    )


def public_renditions_for_appeal(*, appeal: Any, rendition: str = "website") -> list[PublicImage]:
    images = []
    for row in _approved_public(appeal, rendition):
        photo = row.analysis.photo
        images.append(
            PublicImage(
                url=default_storage.url(row.public_name), path=row.public_name,
                alt=photo.caption or "Foto zur Öffentlichkeitsfahndung", width=row.width,
                height=row.height, photo_id=photo.pk,
            )
        )
    return images


def rendition_file_path(*, appeal: Any, rendition: str) -> list[str]:
    return [default_storage.path(row.public_name) for row in _approved_public(appeal, rendition)]


def appeal_photos_status(*, appeal: Any) -> dict[str, Any]:
    states = list(PhotoAnalysis.objects.filter(photo__appeal=appeal).values_list("state", flat=True))
    total = appeal.photos.count()
    approved = sum(1 for s in states if s == AnalysisState.APPROVED)
    return {
        "total": total,
        "approved": approved,
        "pending_review": sum(1 for s in states if s in (AnalysisState.READY, AnalysisState.AWAITING_SECOND)),
        "all_approved": total > 0 and approved == total,
    }


def appeal_photo_review(*, appeal: Any) -> list[dict[str, Any]]:
    """Every photo of the appeal with its review state and revision (part of what an appeal
    approval covers; the approval screen lists them)."""
    analyses = {a.photo_id: a for a in PhotoAnalysis.objects.filter(photo__appeal=appeal)}
    rows = []
    for photo in appeal.photos.order_by("uploaded_at", "id"):
        analysis = analyses.get(photo.pk)
        rows.append({
            "photo": photo.pk, "sha256": photo.sha256,
            "state": analysis.state if analysis else AnalysisState.PENDING.value,
            "revision": analysis.revision if analysis else 0,
            "rendered": bool(analysis and analysis.rendered_revision == analysis.revision),
        })
    return rows


def analysis_get(*, user: Any, photo_id: Any) -> PhotoAnalysis:
    photo = photo_get(user=user, pk=photo_id)
    try:
        return PhotoAnalysis.objects.select_related("photo__appeal").get(photo=photo)
    except PhotoAnalysis.DoesNotExist:
        raise NotFound("Für dieses Foto gibt es noch keine Bildanalyse.") from None


def analysis_boxes(*, analysis: PhotoAnalysis) -> QuerySet[RedactionBox]:
    return analysis.boxes.filter(active=True).order_by("id")


def analysis_renditions(*, analysis: PhotoAnalysis) -> QuerySet[Rendition]:
    return analysis.renditions.order_by("id")


def analysis_flag_labels(*, analysis: PhotoAnalysis) -> list[str]:
    return [gettext(FLAG_LABELS[flag]) if flag in FLAG_LABELS else flag for flag in analysis.flags]


def analysis_progress_label(*, analysis: PhotoAnalysis) -> str:
    """The stored German step name in the viewer's language."""
    return gettext(analysis.progress_label) if analysis.progress_label else ""


def user_can_redact(*, user: Any, appeal: Any) -> bool:
    return appeal_can_edit(user=user, appeal=appeal) or has_role(user, PRESS_OFFICE)


def user_can_view_original(*, user: Any, analysis: PhotoAnalysis) -> bool:
    """The unredacted original shows bystanders: the case team always; press office and
    prosecutor liaison only while their review needs it – the appeal is submitted for
    approval, or (press office) this photo awaits its approval – unless they are on the team."""
    appeal = analysis.photo.appeal
    if getattr(user, "is_superuser", False) or appeal_is_case_team_member(user=user, appeal=appeal):
        return True
    if appeal.status == Status.SUBMITTED and has_role(user, PRESS_OFFICE, PROSECUTOR_LIAISON):
        return True
    return has_role(user, PRESS_OFFICE) and analysis.state in (AnalysisState.READY, AnalysisState.AWAITING_SECOND)


def user_can_review(*, user: Any, appeal: Any) -> bool:
    return has_role_or_superuser(user, PRESS_OFFICE)


def appeal_photo_rows(*, user: Any, appeal: Any) -> list[PhotoRow]:
    appeal = appeal_get(user=user, pk=appeal.pk)
    rows = []
    analyses = {a.photo_id: a for a in PhotoAnalysis.objects.filter(photo__appeal=appeal)}
    for photo in appeal.photos.order_by("uploaded_at", "id"):
        analysis = analyses.get(photo.pk)
        state = analysis.state if analysis else AnalysisState.PENDING
        rows.append(PhotoRow(photo, analysis, state, AnalysisState(state).label))
    return rows


_QUEUE_ORDER = [
    AnalysisState.READY, AnalysisState.AWAITING_SECOND, AnalysisState.FAILED, AnalysisState.PROCESSING,
    AnalysisState.PENDING, AnalysisState.REJECTED, AnalysisState.APPROVED,
]


def photo_queue(*, user: Any, state: str | None = None) -> QuerySet[PhotoAnalysis]:
    from django.db.models import Case, IntegerField, Value, When

    qs = PhotoAnalysis.objects.filter(photo__appeal__in=appeal_list(user=user).values("pk")).select_related(
        "photo__appeal"
    )
    if state:
        qs = qs.filter(state=state)
    order = Case(*[When(state=s, then=Value(i)) for i, s in enumerate(_QUEUE_ORDER)], output_field=IntegerField())
    return qs.annotate(queue_order=order).order_by("queue_order", "-updated_at")


def job_memory_stats(*, since: Any) -> dict[str, Any]:
    """System view for /metrics: photos per analysis state and the largest peak memory of
    a photo job that finished since `since` (MiB, None when none finished)."""
    counts = dict(PhotoAnalysis.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    peak = PhotoAnalysis.objects.filter(updated_at__gte=since, peak_memory_mib__isnull=False).aggregate(
        m=Max("peak_memory_mib"))["m"]
    return {"by_state": {s: int(counts.get(s, 0)) for s in AnalysisState.values}, "peak_memory_mib": peak}
