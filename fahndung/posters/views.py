"""Staff poster download (login + OTP + role); mount at /staff/posters/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_safe

from fahndung.accounts.decorators import staff_required
from fahndung.core.errors import NotFound, ValidationFailed
from fahndung.posters.services import poster_render


@require_safe
@staff_required
def poster_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pdf, filename = poster_render(actor=request.user, appeal_id=pk, page_size=request.GET.get("format", "a4"))
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ValidationFailed as exc:
        return HttpResponseBadRequest(exc.message)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
