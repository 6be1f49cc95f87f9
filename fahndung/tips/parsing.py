"""Request parsing shared by the API and the HTML views (no business rules).

Public surface: ``install_quota_handler(request)``, ``check_content_length(request)``,
``read_form(request_data_callable)``, ``parse_upload_body(request)``,
``upload_view(on_error)``, ``parse_bool``, ``parse_datetime_field``, ``quota_exceeded_error()``.

Upload handlers can only be installed before the body is read, and the CSRF check reads
it (request.POST). So views that take uploads parse the body first (quota handler, clear
messages for hostile shapes) and only then check CSRF — Django's documented pattern of
csrf_exempt on the view and csrf_protect inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from fahndung.core.errors import ApplicationError, ValidationFailed
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


def parse_upload_body(django_request: HttpRequest) -> QuotaUploadHandler | None:
    """Parse a POST body with the quota handler in front (Django request, not DRF's).

    Returns the handler, or None when the body was parsed already (then the quota could
    not be applied and the services' exact total check is the only one).
    """
    check_content_length(django_request.META)
    handler = None if hasattr(django_request, "_files") else install_quota_handler(django_request)
    read_form(lambda: django_request.POST, handler)
    read_form(lambda: django_request.FILES, handler)
    return handler


def upload_view(on_error: Callable[..., HttpResponse]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator of HTML views with uploads: parse the body, then check CSRF, then the view.

    A body that cannot be parsed gets ``on_error(request, exc, *args, **kwargs)`` (a page
    with the message; nothing is written) instead of a 500 or a misleading CSRF failure.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                try:
                    parse_upload_body(request)
                except ApplicationError as exc:
                    return on_error(request, exc, *args, **kwargs)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorate


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
