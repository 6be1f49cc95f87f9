"""OpenAPI documentation shared by the API modules. Schema only: nothing here runs per request.

- ErrorSerializer: the one error envelope built by api.exceptions, as a reusable component;
  ``errors(400, 404, ...)`` gives the response entries that reference it.
- PosterPdfViewSchema documents fahndung.posters.api.PosterPdfView (binary PDF) from here.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stabiler Maschinen-Code, z. B. validation_failed, not_found, "
                                           "permission_denied, transition_not_allowed, conflict.")
    message = serializers.CharField(help_text="Meldung auf Deutsch, zur Anzeige bestimmt.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Fehler je Feldpfad, z. B. {"persons[0].age_min": ["…"]}; sonst leer.',
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


_ERROR_TEXT = {
    400: "Eingaben ungültig oder fachlich unvollständig (Details je Feld in error.fields).",
    401: "Nicht angemeldet (Token oder Sitzung mit zweitem Faktor fehlt).",
    403: "Angemeldet, aber die Rolle darf diesen Schritt nicht ausführen.",
    404: "Nicht gefunden oder außerhalb des eigenen Zuständigkeitsbereichs.",
    409: "Der aktuelle Zustand erlaubt den Schritt nicht (transition_not_allowed, conflict).",
    429: "Zu viele Anfragen; später erneut versuchen.",
    503: "Dienst vorübergehend nicht verfügbar; später erneut versuchen (Retry-After).",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Response entries for the given error statuses, all with the common error envelope."""
    return {code: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[code]) for code in codes}


def binary(description: str, *media_types: str) -> dict[tuple[int, str], OpenApiResponse]:
    """A 200 response whose body is a file (not JSON), in each of the given media types."""
    return {(200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)
            for media_type in media_types}


class PosterPdfViewSchema(OpenApiViewExtension):
    # The view lives in fahndung/posters; it is documented here so the API docs are complete.
    target_class = "fahndung.posters.api.PosterPdfView"

    def view_replacement(self):
        from fahndung.posters.services import POSTER_FORMATS

        class Documented(self.target_class):  # type: ignore[name-defined]
            @extend_schema(
                summary="Plakat als PDF (nur veröffentlichte Fahndungen)",
                tags=["appeals"],
                operation_id="appeals_poster_pdf",
                parameters=[OpenApiParameter(
                    "format", OpenApiTypes.STR, enum=list(POSTER_FORMATS), default="a4",
                    description="Papierformat des Plakats.",
                )],
                responses={**binary("Plakat-PDF (Download, Cache-Control: private, no-store).", "application/pdf"),
                           **errors(400, 401, 404)},
            )
            def get(self, request, pk: int):
                return super().get(request, pk)

        return Documented
