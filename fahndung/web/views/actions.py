"""POST-only workflow actions; each parses one form, calls one appeals service, redirects."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fahndung.accounts.decorators import staff_required
from fahndung.appeals import services
from fahndung.appeals.choices import Status
from fahndung.web.forms.actions import ApproveForm, CloseForm, ConfirmOrderForm, RequestChangesForm
from fahndung.web.views.common import redirect_back, service_errors


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect_back(request, reverse("web:appeal_detail", args=[pk]))


def _form_errors(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
@staff_required
@service_errors
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    services.appeal_submit(actor=request.user, appeal_id=pk)
    messages.success(request, _("Die Fahndung wurde zur Freigabe an die Pressestelle eingereicht."))
    return _back(request, pk)


@require_POST
@staff_required
@service_errors
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    form = ApproveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, pk)
    appeal = services.appeal_approve(
        actor=request.user, appeal_id=pk, checklist=form.checklist(), comment=form.cleaned_data["comment"],
        seen_version=form.cleaned_data.get("version"),
    )
    if appeal.status == Status.PUBLISHED:
        messages.success(request, _("Freigegeben und veröffentlicht."))
    elif appeal.status == Status.APPROVED:
        messages.warning(request, _("Freigegeben – die Veröffentlichung ist noch gesperrt (siehe Hinweise)."))
    else:
        messages.success(request, _("Ihre Freigabe ist erfasst; eine zweite Person muss zustimmen."))
    return _back(request, pk)


@require_POST
@staff_required
@service_errors
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, pk)
    services.appeal_request_changes(actor=request.user, appeal_id=pk, comment=form.cleaned_data["comment"])
    messages.success(request, _("Änderungen wurden bei der Sachbearbeitung angefordert."))
    return _back(request, pk)


@require_POST
@staff_required
@service_errors
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    services.appeal_publish(actor=request.user, appeal_id=pk)
    messages.success(request, _("Die Fahndung ist veröffentlicht."))
    return _back(request, pk)


@require_POST
@staff_required
@service_errors
def close(request: HttpRequest, pk: int) -> HttpResponse:
    form = CloseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, pk)
    services.appeal_close(
        actor=request.user, appeal_id=pk, reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"],
    )
    messages.success(request, _("Die Fahndung ist erledigt; die Rücknahme der Veröffentlichungen läuft."))
    return _back(request, pk)


@require_POST
@staff_required
@service_errors
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    services.appeal_archive(actor=request.user, appeal_id=pk)
    messages.success(request, _("Die Fahndung wurde archiviert."))
    return _back(request, pk)


@require_POST
@staff_required
@service_errors
def confirm_order(request: HttpRequest, pk: int) -> HttpResponse:
    form = ConfirmOrderForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, pk)
    services.order_confirm(
        actor=request.user, appeal_id=pk, confirmed_by_name=form.cleaned_data["confirmed_by_name"],
        authority_type=form.cleaned_data["authority_type"], reference=form.cleaned_data["reference"],
    )
    messages.success(request, _("Die Bestätigung der Anordnung ist erfasst."))
    return _back(request, pk)
