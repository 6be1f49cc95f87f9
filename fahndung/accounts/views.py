"""Staff login in two steps (password, then TOTP), logout and the own-account page.

Views only parse, call one service and render. Failed attempts are counted per
username and per ``request.client_key`` (keyed hash; the raw address never reaches
this code) – see accounts.services.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from fahndung.accounts import services
from fahndung.accounts.decorators import otp_verified, staff_required
from fahndung.accounts.forms import LoginForm, OtpForm
from fahndung.accounts.selectors import staff_summary
from fahndung.core.errors import ApplicationError, PermissionDenied, ServiceUnavailable

GENERIC_LOGIN_ERROR = gettext_lazy("Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.")
PENDING_DEVICE_KEY = "accounts:pending_totp_device"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_retry_after(response: HttpResponse) -> HttpResponse:
    """A locked-out login (429) says when to try again: at most the lockout period; 503 a minute."""
    if response.status_code == 429:
        response["Retry-After"] = str(int(getattr(settings, "FAHNDUNG_LOGIN_LOCKOUT_SECONDS", 900)))
    elif response.status_code == 503:  # lockout counters unreachable: try again shortly
        response["Retry-After"] = "60"
    return response


def _client_key(request: HttpRequest) -> str:
    return getattr(request, "client_key", "") or "unknown"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and otp_verified(request.user):
        return HttpResponseRedirect(_next_url(request))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            services.login_throttle_check(username=username, client_key=_client_key(request))
        except PermissionDenied as exc:
            form.add_error(None, exc.message)
            status = 429
        except ServiceUnavailable as exc:
            form.add_error(None, exc.message)
            status = 503
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.login_failure_record(username=username, client_key=_client_key(request))
                form.add_error(None, str(GENERIC_LOGIN_ERROR))
            else:
                login(request, user)
                services.login_success_record(user=user, client_key=_client_key(request))
                if otp_verified(user):
                    return HttpResponseRedirect(_next_url(request))
                target = resolve_url("accounts:otp")
                nxt = request.POST.get("next") or request.GET.get("next")
                if nxt:
                    target = f"{target}?{urlencode({'next': nxt})}"
                return HttpResponseRedirect(target)
    return _with_retry_after(render(
        request, "accounts/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}, status=status,
    ))


@csrf_protect
@never_cache
def otp_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if otp_verified(user):
        return HttpResponseRedirect(_next_url(request))
    form = OtpForm(request.POST or None)
    status = 200
    has_device = user_has_device(user, confirmed=True)
    if request.method == "POST" and has_device and form.is_valid():
        try:
            services.login_throttle_check(username=user.get_username(), client_key=_client_key(request))
        except PermissionDenied as exc:
            form.add_error(None, exc.message)
            status = 429
        except ServiceUnavailable as exc:
            form.add_error(None, exc.message)
            status = 503
        else:
            device = match_token(user, form.cleaned_data["token"])
            if device is None:
                services.login_failure_record(
                    username=user.get_username(), client_key=_client_key(request), stage="otp"
                )
                form.add_error("token", _("Der Code ist falsch oder abgelaufen."))
            else:
                otp_login(request, device)
                services.login_success_record(user=user, client_key=_client_key(request), stage="otp")
                return HttpResponseRedirect(_next_url(request))
    return _with_retry_after(render(
        request, "accounts/otp.html",
        {"form": form, "has_device": has_device, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    ))


@require_POST
@csrf_protect
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Sie wurden abgemeldet."))
    return redirect("accounts:login")


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#0b1f3a")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@staff_required
@never_cache
def profile_view(request: HttpRequest) -> HttpResponse:
    """Own role/unit and TOTP re-enrolment (new device active only after a correct code)."""
    user = request.user
    pending = None
    form = OtpForm()
    try:
        if request.method == "POST" and request.POST.get("action") == "enrol":
            device, _uri = services.totp_device_enrol(user=user, confirmed=False, name="app")
            request.session[PENDING_DEVICE_KEY] = device.pk
            return redirect("accounts:profile")
        if request.method == "POST" and request.POST.get("action") == "confirm":
            form = OtpForm(request.POST)
            if form.is_valid():
                services.totp_device_confirm(
                    user=user, device_id=int(request.session.get(PENDING_DEVICE_KEY) or 0),
                    token=form.cleaned_data["token"],
                )
                request.session.pop(PENDING_DEVICE_KEY, None)
                messages.success(request, _("Neuer zweiter Faktor ist aktiv; alte Geräte wurden entfernt."))
                return redirect("accounts:profile")
    except ApplicationError as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if not exc.fields:
            messages.error(request, exc.message)
    pending_id = request.session.get(PENDING_DEVICE_KEY)
    if pending_id:
        device = TOTPDevice.objects.filter(user=user, pk=pending_id, confirmed=False).first()
        if device is not None:
            pending = {"qr": _qr_data_uri(device.config_url), "secret": base64.b32encode(device.bin_key).decode()}
    return render(request, "accounts/profile.html", {"summary": staff_summary(user=user), "pending": pending, "form": form})
