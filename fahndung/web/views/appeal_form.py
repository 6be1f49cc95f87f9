"""Create/edit an appeal through the multi-step form, plus the live deadline preview.

The steps are sections of one form (works without JavaScript; staff.js/appeal-form.js
turn them into a step-by-step wizard). Saving calls appeal_create or appeal_update once.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fahndung.accounts.decorators import staff_required
from fahndung.accounts.roles import INVESTIGATOR, has_role
from fahndung.appeals import services
from fahndung.appeals.choices import ALLOWED_BASES, IssuerType, Kind, LegalBasis
from fahndung.appeals.deadlines import confirmation_due_at, issuer_problem
from fahndung.appeals.selectors import appeal_can_edit, appeal_get
from fahndung.core.errors import ApplicationError, ValidationFailed
from fahndung.web.forms.appeal import STEPS, AppealForms, apply_service_errors
from fahndung.web.views.common import service_errors


def _render(request: HttpRequest, bundle: AppealForms, *, appeal=None, status: int = 200) -> HttpResponse:
    step_errors = bundle.steps_with_errors()
    if bundle.general_errors or bundle.order.non_field_errors():
        step_errors = step_errors or {"basis"}
    requested = request.GET.get("step", "")
    first_error = next((key for key, _label in STEPS if key in step_errors), None)
    current = first_error or (requested if requested in dict(STEPS) else "basis")
    return render(request, "web/appeal_form.html", {
        "forms": bundle, "appeal": appeal, "steps": STEPS, "step_errors": step_errors, "current_step": current,
        "photos": list(appeal.photos.all()) if appeal else [],
        # R1 help: German labels, in the order of the choices (never the internal codes).
        "allowed_bases": [(Kind(k).label, [LegalBasis(b).label for b in LegalBasis.values if b in v])
                          for k, v in ALLOWED_BASES.items()],
        "can_create": has_role(request.user, INVESTIGATOR) or request.user.is_superuser,
        "preview": _preview(
            bundle.basis["legal_basis"].value(), bundle.order["issuer_type"].value(),
            bundle.order["is_emergency"].value(), bundle.order["decided_at"].value(),
        ),
    }, status=status)


def _save(request: HttpRequest, bundle: AppealForms, appeal=None) -> HttpResponse | None:
    """Returns a redirect on success, None when the page must be shown again with errors."""
    if not bundle.is_valid():
        bundle.general_errors.append(_("Bitte die markierten Felder korrigieren."))
        return None
    try:
        if appeal is None:
            saved = services.appeal_create(actor=request.user, **bundle.service_kwargs())
        else:
            saved = services.appeal_update(actor=request.user, appeal_id=appeal.pk, **bundle.service_kwargs())
    except ValidationFailed as exc:
        apply_service_errors(bundle, exc.fields, exc.message)
        return None
    except ApplicationError as exc:
        bundle.general_errors.append(exc.message)
        return None
    if appeal is None:
        messages.success(request, _("Entwurf gespeichert. Fügen Sie jetzt Fotos hinzu oder reichen Sie ihn auf der Detailseite ein."))
        return redirect(reverse("web:appeal_edit", args=[saved.pk]) + "?step=photos")
    messages.success(request, _("Änderungen gespeichert."))
    return redirect("web:appeal_detail", pk=saved.pk)


@staff_required
@service_errors
def appeal_create_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        bundle = AppealForms(request.POST)
        response = _save(request, bundle)
        return response or _render(request, bundle, status=400)
    return _render(request, AppealForms())


@staff_required
@service_errors
def appeal_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_get(user=request.user, pk=pk)
    if not appeal_can_edit(user=request.user, appeal=appeal) or appeal.status not in services.EDITABLE_STATUSES:
        messages.error(request, _("Diese Fahndung kann von Ihnen in diesem Status nicht bearbeitet werden."))
        return redirect("web:appeal_detail", pk=appeal.pk)
    if request.method == "POST":
        bundle = AppealForms(request.POST, appeal=appeal)
        response = _save(request, bundle, appeal)
        return response or _render(request, bundle, appeal=appeal, status=400)
    return _render(request, AppealForms(appeal=appeal), appeal=appeal)


def _preview(legal_basis: str | None, issuer_type: str | None, is_emergency, decided_at) -> dict:
    """Confirmation deadline and issuer check for the order step (server- and JS-side)."""
    try:
        if isinstance(decided_at, str):
            parsed = parse_datetime(decided_at) if decided_at else None
        else:
            parsed = decided_at if isinstance(decided_at, datetime) else None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
    except ValueError:  # well-formed but impossible date, or a time skipped by DST
        parsed = None
    emergency = is_emergency in (True, "true", "on", "1", "True")
    result: dict = {"due_at": None, "display": "", "issuer_problem": None, "needed": False}
    if legal_basis not in LegalBasis.values or issuer_type not in IssuerType.values:
        return result
    result["issuer_problem"] = issuer_problem(legal_basis=legal_basis, issuer_type=issuer_type, is_emergency=emergency)
    if parsed is None:
        return result
    due = confirmation_due_at(legal_basis=legal_basis, issuer_type=issuer_type, is_emergency=emergency, decided_at=parsed)
    if due is not None:
        local = timezone.localtime(due)
        result.update(due_at=local.isoformat(), display=formats.date_format(local, "SHORT_DATETIME_FORMAT"),
                      needed=True, lapsed=due <= timezone.now())
    return result


@require_GET
@staff_required
def deadline_preview(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_preview(
        request.GET.get("legal_basis"), request.GET.get("issuer_type"),
        request.GET.get("is_emergency"), request.GET.get("decided_at"),
    ))
