"""Access guard for every staff (HTML) view.

Public surface:
- ``staff_required`` – function-view decorator: logged in + (if FAHNDUNG_REQUIRE_OTP)
  a verified second factor (``user.is_verified()``) + at least one role.
- ``StaffRequiredMixin`` – the same for class-based views.
- ``staff_access_state(user) -> str`` – "anonymous" | "otp" | "no_role" | "ok".

Anonymous users go to ``accounts:login``; password-only sessions go to the OTP step
(``accounts:otp``); users without any role get a 403. Object-level checks stay in the
selectors/services – this guard only decides who may reach a staff page at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from fahndung.accounts.roles import roles_of


def otp_verified(user: Any) -> bool:
    """True when the session carries a verified second factor (or OTP is switched off)."""
    if not getattr(settings, "FAHNDUNG_REQUIRE_OTP", True):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def staff_access_state(user: Any) -> str:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "anonymous"
    if not otp_verified(user):
        return "otp"
    if not roles_of(user):
        return "no_role"
    return "ok"


def _redirect_with_next(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    target = request.get_full_path()
    url = resolve_url(url_name)
    # Only GET pages make sense to come back to; POST-only action URLs would answer 405.
    if request.method == "GET" and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        url = f"{url}?{urlencode({'next': target})}"
    return HttpResponseRedirect(url)


def _deny_or_redirect(request: HttpRequest) -> HttpResponse | None:
    state = staff_access_state(request.user)
    if state == "anonymous":
        return _redirect_with_next(settings.LOGIN_URL, request)
    if state == "otp":
        return _redirect_with_next("accounts:otp", request)
    if state == "no_role":
        raise PermissionDenied("Ihr Konto hat keine Rolle für den Fahndungsbereich.")
    return None


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = _deny_or_redirect(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    wrapped.staff_required = True  # type: ignore[attr-defined]  # lets tests find guarded views
    return wrapped


class StaffRequiredMixin:
    """Class-based-view variant of ``staff_required`` (put it first in the MRO)."""

    staff_required = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = _deny_or_redirect(request)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
