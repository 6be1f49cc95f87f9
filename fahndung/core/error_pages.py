"""The project's error handlers (handler400/403/404/500 and CSRF_FAILURE_VIEW).

One decision per request path:
  /api/…                          → the API's JSON error shape (api.exceptions)
  /staff/…, /accounts/…, /django-admin/… → the staff design (staff/error.html)
  everything else                 → the public design (public/error.html)
German by default (English via the usual language selection); never Django's own pages.
Rendering an error page must not fail in turn: if the template or a context processor
raises (the database may be what failed), a minimal static German page is answered.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from api.exceptions import CSRF_MESSAGE, json_error_response
from fahndung.public.views import error_page as public_error_page

logger = logging.getLogger(__name__)
STAFF_PREFIXES = ("/staff/", "/accounts/", "/django-admin/")


def _texts(status: int, *, staff: bool, csrf: bool = False) -> tuple[str, str]:
    # Lazy: the public page renders in its own language choice (?lang=), not the request's.
    if csrf:
        return _("Formular abgelaufen"), _(
            "Die Sicherheitsprüfung des Formulars ist fehlgeschlagen, meist weil die Seite zu lange offen war "
            "oder Cookies blockiert sind. Bitte laden Sie die Seite neu und senden Sie das Formular erneut."
        )
    if status == 400:
        return _("Ungültige Anfrage"), _("Die Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie die Adresse.")
    if status == 403:
        return _("Kein Zugriff"), _("Sie haben keine Berechtigung, diese Seite zu öffnen.")
    if status == 404:
        if staff:
            return _("Seite nicht gefunden"), _("Diese Seite gibt es nicht oder Sie dürfen sie nicht sehen.")
        return _("Seite nicht gefunden"), _(
            "Diese Fahndung oder Seite gibt es nicht (mehr). Beendete Fahndungen werden aus Gründen des "
            "Persönlichkeitsschutzes entfernt."
        )
    return _("Interner Fehler"), _("Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.")


def _fallback(status: int, title: str, message: str) -> HttpResponse:
    html = (f'<!doctype html><html lang="de"><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<h1>{escape(title)}</h1><p>{escape(message)}</p><p><strong>Notruf: 110</strong></p></html>")
    return HttpResponse(html, status=status)


def error_response(request: HttpRequest, status: int, *, csrf: bool = False) -> HttpResponse:
    path = request.path
    if path.startswith("/api/"):
        return json_error_response(status, code="csrf_failed" if csrf else "",
                                   message=CSRF_MESSAGE if csrf else "")
    staff = path.startswith(STAFF_PREFIXES)
    title, message = _texts(status, staff=staff, csrf=csrf)
    try:
        if staff:
            response = render(request, "staff/error.html",
                              {"status": status, "title": title, "message": message}, status=status)
            response["Cache-Control"] = "no-store"
            return response
        return public_error_page(request, status=status, title=title, message=message)
    except Exception:  # the error page must never fail in turn
        logger.exception("error page %s for %s could not be rendered", status, path)
        return _fallback(status, title, message)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(request, 403, csrf=True)
