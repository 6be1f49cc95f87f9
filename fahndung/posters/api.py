"""Staff poster API: GET /api/v1/appeals/<pk>/poster.pdf?format=a4|a3.

Scoped like every appeal read (appeals.selectors.appeal_get); 404 unless published.
``urlpatterns`` can be included under /api/v1/.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from fahndung.posters.services import poster_render


class _IgnoreFormatParam(DefaultContentNegotiation):
    # "?format=a4" is the paper size here, not DRF's renderer override.
    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PosterPdfView(APIView):
    renderer_classes = [JSONRenderer]  # errors only; the PDF is a plain HttpResponse
    content_negotiation_class = _IgnoreFormatParam

    def get(self, request: Request, pk: int) -> HttpResponse:
        pdf, filename = poster_render(
            actor=request.user, appeal_id=pk, page_size=request.query_params.get("format", "a4")
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("appeals/<int:pk>/poster.pdf", PosterPdfView.as_view(), name="appeal-poster"),
]
