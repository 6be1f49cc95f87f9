"""Photo upload for an appeal: each file goes through appeals.services.photo_add.

The wizard's drag-and-drop posts one file per request (so each gets its own progress bar
and its own error); the plain form may post several files at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fahndung.accounts.decorators import staff_required
from fahndung.appeals.services import photo_add
from fahndung.core.errors import ApplicationError, NotFound
from fahndung.web.views.common import error_payload, redirect_back, service_errors, wants_json


@require_POST
@staff_required
@service_errors
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    files = request.FILES.getlist("files") or request.FILES.getlist("file")
    caption = (request.POST.get("caption") or "")[:300]
    back = reverse("web:appeal_edit", args=[pk]) + "?step=photos#step-photos"
    if wants_json(request):
        if len(files) != 1:
            return JsonResponse({"error": {"code": "validation_failed", "message": _("Bitte genau eine Datei senden."), "fields": {}}}, status=400)
        upload = files[0]
        try:
            photo = photo_add(actor=request.user, appeal_id=pk, uploaded_file=upload, caption=caption)
        except NotFound as exc:
            return JsonResponse(error_payload(exc), status=404)
        except ApplicationError as exc:
            return JsonResponse(error_payload(exc), status=exc.status)
        return JsonResponse({"ok": True, "photo": {"id": photo.pk, "sha256": photo.sha256, "size": photo.size_bytes,
                                                    "content_type": photo.content_type}}, status=201)
    if not files:
        messages.error(request, _("Bitte mindestens eine Datei auswählen."))
        return redirect_back(request, back)
    for upload in files:
        try:
            photo_add(actor=request.user, appeal_id=pk, uploaded_file=upload, caption=caption)
        except NotFound:
            raise
        except ApplicationError as exc:
            messages.error(request, f"{upload.name}: {exc.message}")
        else:
            messages.success(request, _("%(name)s hochgeladen.") % {"name": upload.name})
    return redirect_back(request, back)
