"""One JSON error shape for every API error:

    {"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}

`exception_handler` covers everything raised inside a DRF view; `json_error_response`
is used by the project's 400/403/404/500 handlers and the CSRF failure view for /api/
paths that never reach a view (unknown URL, non-integer id, a crash outside DRF).
Every 429 carries Retry-After.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from api.parsers import JSONParseError
from fahndung.core.errors import ApplicationError

DEFAULT_RETRY_AFTER = 60
GENERIC_MESSAGES = {
    400: ("bad_request", "Ungültige Anfrage."),
    403: ("permission_denied", "Zugriff verweigert."),
    404: ("not_found", "Nicht gefunden: Diese Adresse gibt es in der API nicht."),
    405: ("method_not_allowed", "Diese Methode ist hier nicht zulässig."),
    500: ("server_error", "Interner Fehler. Bitte später erneut versuchen."),
}
CSRF_MESSAGE = ("CSRF-Prüfung fehlgeschlagen: Bitte die Seite neu laden und erneut senden "
                "(oder mit API-Token statt Sitzung anfragen).")


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _join(prefix: str, key) -> str:
    key = str(key)
    if key.isdigit():
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested DRF errors → {"persons[0].age_min": ["..."]} (one level of keys per field path)."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, _join(prefix, key)))
    elif isinstance(detail, list) and any(isinstance(v, dict | list) for v in detail):
        for index, value in enumerate(detail):
            if value:
                out.update(_flatten(value, _join(prefix, index)))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        out[prefix or "non_field_errors"] = [str(m) for m in messages]
    return out


def json_error_response(status_code: int, *, code: str = "", message: str = "") -> JsonResponse:
    default_code, default_message = GENERIC_MESSAGES.get(status_code, ("error", "Fehler."))
    return JsonResponse(error_body(code or default_code, message or default_message), status=status_code)


def _retry_after(exc: ApplicationError) -> dict[str, str]:
    if exc.status != 429:
        return {}
    return {"Retry-After": str(max(1, int(exc.extra.get("retry_after") or DEFAULT_RETRY_AFTER)))}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status, headers=_retry_after(exc))
    if isinstance(exc, exceptions.ParseError) and not isinstance(exc, JSONParseError):
        exc = JSONParseError("Der Anfragetext ist fehlerhaft und konnte nicht gelesen werden.")
    if isinstance(exc, exceptions.PermissionDenied) and str(getattr(exc, "detail", "")).startswith("CSRF Failed"):
        return Response(error_body("csrf_failed", CSRF_MESSAGE), status=403)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("validation_failed", "Eingaben sind ungültig.", fields), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Nicht gefunden.")
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DatabaseError):
        return Response(
            error_body("service_unavailable", "Der Dienst ist vorübergehend nicht verfügbar. Bitte später erneut versuchen."),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "30"},
        )
    response = drf_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 429 and "Retry-After" not in response:
        response["Retry-After"] = str(DEFAULT_RETRY_AFTER)
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("validation_failed", "Eingaben sind ungültig.", _flatten(exc.detail))
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(exc, "default_code", "error")
        if hasattr(detail, "code"):
            code = detail.code
        response.data = error_body(str(code), str(detail))
    return response
