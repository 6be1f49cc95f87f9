"""Staff UI of imaging (under /staff/photos/): review page, protected image views, approve/reject.

Every view is staff_required and resolves the photo through appeals.selectors (404 outside
scope). Originals are never given a public URL: the unredacted preview is streamed here
with no-store caching and every view of it is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fahndung.accounts.decorators import staff_required
from fahndung.core.audit import audit_record
from fahndung.core.errors import ApplicationError, NotFound
from fahndung.imaging import selectors, services
from fahndung.imaging.lib.renditions import RENDITIONS
from fahndung.imaging.models import AnalysisState, BoxKind


def _analysis(request: HttpRequest, photo_id: int) -> Any:
    try:
        return selectors.analysis_get(user=request.user, photo_id=photo_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _private_file(field: Any, filename: str) -> FileResponse:
    if not field:
        raise Http404(_("Noch nicht berechnet."))
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("Noch nicht berechnet.")) from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_GET
def photo_index(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state not in AnalysisState.values:
        state = None
    rows = selectors.photo_queue(user=request.user, state=state)[:200]
    return render(request, "imaging/photo_index.html", {"rows": rows, "state": state, "states": AnalysisState.choices})


@staff_required
@require_GET
def photo_detail(request: HttpRequest, photo_id: int) -> HttpResponse:
    analysis = _analysis(request, photo_id)
    appeal = analysis.photo.appeal
    boxes = [
        {"id": b.id, "kind": b.kind, "source": b.source, "x": b.x, "y": b.y, "w": b.w, "h": b.h, "score": b.score}
        for b in selectors.analysis_boxes(analysis=analysis)
    ]
    renditions = [(r, RENDITIONS[r.name].label if r.name in RENDITIONS else r.name)
                  for r in selectors.analysis_renditions(analysis=analysis)]
    config = {
        "photo": analysis.photo_id,
        "state": analysis.state,
        "width": analysis.width,
        "height": analysis.height,
        "subject": list(analysis.subject_box) if analysis.subject_box else None,
        "boxes": boxes,
        "kinds": [[k, str(label)] for k, label in BoxKind.choices],
        "api": reverse("imaging-processing", args=[analysis.photo_id]).rsplit("processing/", 1)[0],
        "canEdit": selectors.user_can_redact(user=request.user, appeal=appeal),
    }
    context = {
        "analysis": analysis,
        "photo": analysis.photo,
        "appeal": appeal,
        "renditions": renditions,
        "flag_labels": selectors.analysis_flag_labels(analysis=analysis),
        "can_redact": config["canEdit"],
        "can_view_original": selectors.user_can_view_original(user=request.user, analysis=analysis),
        "can_review": selectors.user_can_review(user=request.user, appeal=appeal),
        "reviewable": analysis.state in (AnalysisState.READY, AnalysisState.AWAITING_SECOND),
        "busy": analysis.state in (AnalysisState.PENDING, AnalysisState.PROCESSING),
        "config": config,
        "events": analysis.events.select_related("actor").order_by("-at", "-id")[:30],
    }
    return render(request, "imaging/photo_detail.html", context)


@staff_required
@require_GET
def original_preview(request: HttpRequest, photo_id: int) -> FileResponse:
    analysis = _analysis(request, photo_id)
    if not selectors.user_can_view_original(user=request.user, analysis=analysis):
        raise PermissionDenied(_("Das Original sehen nur das Ermittlungsteam und die Prüfung während der Freigabe."))
    # Audited once the file is about to be handed out (a 404 discloses nothing).
    response = _private_file(analysis.preview_original, f"original-{photo_id}.jpg")
    audit_record(actor=request.user, action="photo.original_view", obj=analysis.photo,
                 appeal_id=analysis.photo.appeal_id)
    return response


@staff_required
@require_GET
def redacted_preview(request: HttpRequest, photo_id: int) -> FileResponse:
    analysis = _analysis(request, photo_id)
    return _private_file(analysis.preview_redacted, f"redacted-{photo_id}.jpg")


@staff_required
@require_GET
def rendition_image(request: HttpRequest, photo_id: int, name: str) -> FileResponse:
    analysis = _analysis(request, photo_id)
    row = selectors.analysis_renditions(analysis=analysis).filter(name=name).first()
    if row is None:
        raise Http404(_("Format nicht gefunden."))
    return _private_file(row.file, f"{name}-{photo_id}.jpg")


def _act(request: HttpRequest, photo_id: int, fn: Any, ok: str, **kwargs: Any) -> HttpResponse:
    try:
        fn(actor=request.user, photo_id=photo_id, **kwargs)
        messages.success(request, ok)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("imaging:detail", photo_id=photo_id)


@staff_required
@require_POST
def approve(request: HttpRequest, photo_id: int) -> HttpResponse:
    return _act(request, photo_id, services.photo_approve, _("Foto freigegeben."))


@staff_required
@require_POST
def reject(request: HttpRequest, photo_id: int) -> HttpResponse:
    return _act(request, photo_id, services.photo_reject, _("Foto abgelehnt."), reason=request.POST.get("reason", ""))


@staff_required
@require_POST
def retry(request: HttpRequest, photo_id: int) -> HttpResponse:
    return _act(request, photo_id, services.photo_retry, _("Verarbeitung neu gestartet."))
