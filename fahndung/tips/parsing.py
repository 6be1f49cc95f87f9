"""Request parsing shared by the API and the HTML views (no business rules).

Public surface: ``install_quota_handler(request)``, ``check_content_length(request)``,
``read_form(request_data_callable)``, ``parse_bool``, ``parse_datetime_field``,
``quota_exceeded_error()``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fahndung.core.errors import ValidationFailed
from fahndung.tips import conf
from fahndung.tips.uploads import QuotaUploadHandler

# Room for the text fields and multipart framing on top of the file cap.
_FORM_OVERHEAD = 2 * 1024 * 1024


def quota_exceeded_error() -> ValidationFailed:
    mb = conf.max_total_bytes() // (1024 * 1024)
    return ValidationFailed(
        f"Die Dateien sind zusammen größer als {mb} MB. Es wurde nichts gespeichert.",
        code="attachments_too_large", fields={"attachments": [f"Höchstens {mb} MB insgesamt."]},
    )


def check_content_length(meta: dict[str, Any]) -> None:
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ValidationFailed("Ungültige Anfrage (Content-Length).") from None
    if length > conf.max_total_bytes() + _FORM_OVERHEAD:
        raise quota_exceeded_error()


def install_quota_handler(django_request: Any) -> QuotaUploadHandler:
    handler = QuotaUploadHandler(django_request)
    django_request.upload_handlers = [handler, *django_request.upload_handlers]
    return handler


def read_form(load: Callable[[], Any], handler: QuotaUploadHandler | None) -> Any:
    """Parse the body; hostile shapes (too many fields/files, broken multipart) → 400."""
    try:
        data = load()
    except TooManyFieldsSent:
        raise ValidationFailed("Zu viele Formularfelder.", code="too_many_fields") from None
    except RequestDataTooBig:
        raise ValidationFailed("Die Formulardaten sind zu groß.", code="too_large") from None
    except SuspiciousOperation:
        raise ValidationFailed("Die Anfrage ist ungültig (zu viele Dateien oder Felder).", code="invalid_request") from None
    except (MultiPartParserError, UnicodeDecodeError, ValueError):
        raise ValidationFailed("Die Formulardaten sind beschädigt.", code="invalid_request") from None
    if handler is not None and handler.exceeded:
        raise quota_exceeded_error()
    return data


def parse_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on", "ja"}:
        return True
    if text in {"0", "false", "no", "off", "nein"}:
        return False
    raise ValidationFailed("Ungültiger Wahrheitswert.", fields={"anonymous": ["true oder false."]})


def parse_datetime_field(value: Any, *, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = None
    try:
        parsed = parse_datetime(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationFailed("Datum/Uhrzeit ungültig.", fields={field: ["Format JJJJ-MM-TTTHH:MM."]})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed
