"""Staff UI of the lifecycle app: takedown dashboard, manual confirmation, distribution
list, acknowledgements, extension requests and reviews. Views parse input, call one
service and render; errors become German messages.

The acknowledgement link (`notice_ack`) is the only view without login: recipients
are outside the police. GET shows a button, POST records it, so mail scanners that
prefetch links do not acknowledge on the recipient's behalf.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fahndung.accounts.decorators import staff_required
from fahndung.appeals.selectors import appeal_get
from fahndung.core.errors import ApplicationError, NotFound
from fahndung.lifecycle import selectors, services
from fahndung.lifecycle.services.deadlines import extension_default_until


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/staff/") and "//" not in target:
        return redirect(target)
    return redirect(fallback)


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        data = selectors.takedown_dashboard(user=request.user)
    except ApplicationError as exc:
        return render(request, "lifecycle/denied.html", {"message": exc.message}, status=exc.status)
    return render(request, "lifecycle/dashboard.html", {"data": data})


@staff_required
def appeal_overview(request: HttpRequest, appeal_id: int) -> HttpResponse:
    try:
        appeal = appeal_get(user=request.user, pk=appeal_id)
    except NotFound as exc:
        return render(request, "lifecycle/denied.html", {"message": exc.message}, status=404)
    return render(request, "lifecycle/appeal.html", {"appeal": appeal})


@staff_required
@require_POST
def manual_task_confirm(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        services.manual_task_confirm(actor=request.user, task_id=task_id, note=request.POST.get("note", ""))
        messages.success(request, _("Die Löschung wurde bestätigt."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, "lifecycle:dashboard")


@staff_required
@require_POST
def notice_acknowledge(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        services.notice_acknowledge(actor=request.user, notice_id=notice_id, note=request.POST.get("note", ""))
        messages.success(request, _("Die Bestätigung des Empfängers wurde erfasst."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, "lifecycle:dashboard")


@require_http_methods(["GET", "POST"])
def notice_ack(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            notice = services.notice_acknowledge_by_token(token=token)
        except ApplicationError as exc:
            return render(request, "lifecycle/ack.html", {"error": exc.message}, status=exc.status)
        return render(request, "lifecycle/ack.html", {"done": True, "notice": notice})
    return render(request, "lifecycle/ack.html", {"token": token})


def _parse_date(raw: str) -> datetime | None:
    try:
        day = datetime.strptime(raw.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


@staff_required
@require_http_methods(["GET", "POST"])
def extension_request(request: HttpRequest, appeal_id: int) -> HttpResponse:
    try:
        appeal = appeal_get(user=request.user, pk=appeal_id)
    except NotFound as exc:
        return render(request, "lifecycle/denied.html", {"message": exc.message}, status=404)
    if request.method == "POST":
        until = _parse_date(request.POST.get("expires_at", "")) if request.POST.get("expires_at") else None
        if until is not None:
            # A date picker has day precision: the last allowed day means "the maximum".
            until = min(until, extension_default_until(appeal))
        try:
            services.extension_request(
                actor=request.user, appeal_id=appeal_id, expires_at=until, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Verlängerung beantragt – die Pressestelle entscheidet."))
            return redirect("lifecycle:appeal", appeal_id=appeal_id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(request, "lifecycle/extension.html", {"appeal": appeal, "default_until": extension_default_until(appeal)})


@staff_required
@require_POST
def extension_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        services.extension_decide(
            actor=request.user, request_id=request_id, approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Entscheidung gespeichert."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, "lifecycle:dashboard")


@staff_required
@require_POST
def recipient_add(request: HttpRequest, appeal_id: int) -> HttpResponse:
    try:
        services.recipient_add(
            actor=request.user, appeal_id=appeal_id, kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""), email=request.POST.get("email", ""),
            location=request.POST.get("location", ""), note=request.POST.get("note", ""),
        )
        messages.success(request, _("Empfänger hinzugefügt."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, f"/staff/takedowns/fahndung/{appeal_id}/")


@staff_required
@require_POST
def recipient_remove(request: HttpRequest, recipient_id: int) -> HttpResponse:
    try:
        services.recipient_remove(actor=request.user, recipient_id=recipient_id)
        messages.success(request, _("Empfänger entfernt."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, "lifecycle:dashboard")


@staff_required
@require_POST
def review_record(request: HttpRequest, appeal_id: int) -> HttpResponse:
    try:
        services.review_record(actor=request.user, appeal_id=appeal_id, note=request.POST.get("note", ""))
        messages.success(request, _("Überprüfung erfasst."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, f"/staff/takedowns/fahndung/{appeal_id}/")
