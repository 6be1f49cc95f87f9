"""One JSON error shape for every API error:

    {"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from fahndung.core.errors import ApplicationError


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


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
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
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("validation_failed", "Eingaben sind ungültig.", _flatten(exc.detail))
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(exc, "default_code", "error")
        if hasattr(detail, "code"):
            code = detail.code
        response.data = error_body(str(code), str(detail))
    return response
