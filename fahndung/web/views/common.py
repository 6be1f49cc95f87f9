"""Shared helpers of the staff views: turning service errors into German page messages.

Public surface: ``service_errors`` (decorator), ``redirect_back``, ``wants_json``,
``error_payload``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from fahndung.core.errors import ApplicationError, NotFound, PermissionDenied


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.headers.get("X-Requested-With") == "fetch"


def error_payload(exc: ApplicationError) -> dict[str, Any]:
    return {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields}}


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back to ``next`` (or the same-site Referer), else ``fallback`` – never off-site."""
    for target in (request.POST.get("next") or "", request.headers.get("Referer") or ""):
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            continue
        if urlsplit(target).path == request.path:
            continue  # the POST-only action URL itself would answer 405
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


def _fallback(kwargs: dict[str, Any]) -> str:
    # A failed POST action returns to the appeal it was about, or to the dashboard.
    if "pk" in kwargs:
        return reverse("web:appeal_detail", args=[kwargs["pk"]])
    return reverse("web:dashboard")


def service_errors(
    view: Callable[..., HttpResponse] | None = None, *, fallback: Callable[[dict[str, Any]], str] = _fallback,
) -> Any:
    """NotFound → 404 page, PermissionDenied → 403 page; any other domain error on a POST
    becomes a German error message on the page we came from (never a 500).

    ``@service_errors`` or ``@service_errors(fallback=fn)``: fn(view kwargs) -> the URL to
    return to when the request names no safe way back."""
    if view is None:
        return lambda v: service_errors(v, fallback=fallback)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            if request.method == "POST":
                messages.error(request, exc.message)
                return redirect_back(request, fallback(kwargs))
            raise DjangoPermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
            if request.method == "POST":
                return redirect_back(request, fallback(kwargs))
            return HttpResponseRedirect(fallback(kwargs))

    return wrapped
