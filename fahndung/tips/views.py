"""Staff UI of the tips app (mounted at /staff/tips/, namespace "tips").

- ``index``      appeals with tips: counts for everyone who may see the appeal, inbox links for the team
- ``inbox``      per appeal: counts, state filter, chart, table (metadata only)
- ``detail``     reason prompt, then the audited read of one tip, with triage actions
- ``act``        POST: transition / duplicate / assign / note / reply
- ``create``     staff intake from other channels (phone, e-mail, walk-in, social media)
- ``export_pdf`` audited case-file export
- ``attachment`` audited, decrypted download
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from fahndung.accounts.decorators import staff_required
from fahndung.core.errors import ApplicationError, NotFound
from fahndung.tips import selectors, services, workflow
from fahndung.tips.choices import TipState
from fahndung.tips.forms import ActionForm, StaffTipForm
from fahndung.tips.parsing import upload_view


def _error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "tips/staff_error.html", {"error": exc}, status=exc.status)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    rows = selectors.tip_overview(user=request.user)
    return render(request, "tips/staff_index.html", {"rows": rows})


@staff_required
def inbox(request: HttpRequest, appeal_id: int) -> HttpResponse:
    try:
        state = request.GET.get("state") or None
        tips = selectors.tip_inbox(user=request.user, appeal_id=appeal_id, state=state)
        counts = selectors.tip_counts(user=request.user, appeal_id=appeal_id)
        series = selectors.tip_chart_series(user=request.user, appeal_id=appeal_id)
        appeal = selectors.appeal_for_staff(user=request.user, appeal_id=appeal_id)
    except ApplicationError as exc:
        return _error_page(request, exc)
    return render(request, "tips/staff_inbox.html", {
        "appeal": appeal, "tips": tips[:500], "counts": counts, "series": series, "state": state or "",
        "states": TipState.choices,
    })


def _detail_url(tip_id: int, reason: str = "") -> str:
    return reverse("tips:detail", args=[tip_id]) + "?" + urlencode({"open": "1", "reason": reason})


@staff_required
def detail(request: HttpRequest, tip_id: int) -> HttpResponse:
    try:
        if request.GET.get("open") != "1":
            tip = selectors.tip_get_for_team(user=request.user, tip_id=tip_id)  # access check, no content
            return render(request, "tips/staff_open.html", {"tip": tip})
        reason = request.GET.get("reason", "")
        tip = services.tip_open(actor=request.user, tip_id=tip_id, reason=reason)
        team = selectors.case_team_users(appeal=tip.appeal)
    except ApplicationError as exc:
        return _error_page(request, exc)
    actions = [(a, workflow.ACTION_LABELS[a]) for a in workflow.allowed_actions(tip.state) if a in workflow.BUTTON_ACTIONS]
    return render(request, "tips/staff_detail.html", {
        "tip": tip, "reason": reason, "actions": actions, "team": team,
        "can_duplicate": workflow.find("mark_duplicate", tip.state) is not None,
        "attachments": tip.attachments.select_related("blob"), "messages_list": tip.messages.select_related("author"),
        "notes": tip.notes.select_related("author"), "events": tip.events.select_related("actor"),
    })


@staff_required
@require_POST
def act(request: HttpRequest, tip_id: int) -> HttpResponse:
    form = ActionForm(request.POST)
    reason = request.POST.get("reason", "")
    if not form.is_valid():
        messages.error(request, "Ungültige Aktion.")
        return redirect(_detail_url(tip_id, reason))
    data = form.cleaned_data
    try:
        op = data["op"]
        if op == "transition":
            services.tip_transition(actor=request.user, tip_id=tip_id, action=data["action"], comment=data["comment"])
        elif op == "duplicate":
            services.tip_mark_duplicate(actor=request.user, tip_id=tip_id, original_reference=data["original"],
                                        comment=data["comment"])
        elif op == "assign":
            services.tip_assign(actor=request.user, tip_id=tip_id, assignee_id=data["assignee"])
        elif op == "note":
            services.tip_note_add(actor=request.user, tip_id=tip_id, body=data["body"])
        else:
            services.tip_reply(actor=request.user, tip_id=tip_id, body=data["body"])
        messages.success(request, "Gespeichert.")
    except NotFound as exc:
        return _error_page(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(_detail_url(tip_id, reason))


def _create_refused(request: HttpRequest, exc: ApplicationError, appeal_id: int) -> HttpResponse:
    return _error_page(request, exc)


@staff_required
@require_http_methods(["GET", "POST"])
@upload_view(_create_refused)
def create(request: HttpRequest, appeal_id: int) -> HttpResponse:
    try:
        appeal = selectors.appeal_for_staff(user=request.user, appeal_id=appeal_id)
    except ApplicationError as exc:
        return _error_page(request, exc)
    error = None
    if request.method == "POST":
        form = StaffTipForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                tip = services.tip_log_staff(
                    actor=request.user, appeal_id=appeal.pk, channel=d["channel"], content=d["content"],
                    received_at=d["received_at"], observed_at=d["observed_at"], observed_place=d["observed_place"],
                    is_anonymous=d["anonymous"] or None, contact_name=d["contact_name"],
                    contact_phone=d["contact_phone"], contact_email=d["contact_email"],
                    source_detail=d["source_detail"], attachments=list(request.FILES.getlist("attachments")),
                )
            except ApplicationError as exc:
                error = exc
            else:
                messages.success(request, f"Hinweis {tip.reference} erfasst.")
                if selectors.is_case_team(user=request.user, appeal=appeal):
                    return redirect("tips:inbox", appeal_id=appeal.pk)
                return redirect("tips:index")
    else:
        form = StaffTipForm(initial={"channel": request.GET.get("channel", "phone")})
    return render(request, "tips/staff_create.html", {"appeal": appeal, "form": form, "error": error},
                  status=error.status if error else 200)


@staff_required
def export_pdf(request: HttpRequest, appeal_id: int) -> HttpResponse:
    try:
        data = services.tip_export_pdf(actor=request.user, appeal_id=appeal_id, reason=request.GET.get("reason", ""))
    except ApplicationError as exc:
        return _error_page(request, exc)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hinweise-{appeal_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        item, stream = services.tip_attachment_open(actor=request.user, attachment_id=attachment_id,
                                                    reason=request.GET.get("reason", ""))
    except ApplicationError as exc:
        return _error_page(request, exc)
    response = StreamingHttpResponse(stream, content_type=item.blob.content_type)
    # Always a download: a hostile file must never render in the staff origin.
    response["Content-Disposition"] = f'attachment; filename="{item.tip.reference}-{item.pk}"'
    response["Content-Length"] = str(item.blob.size_bytes)
    response["Cache-Control"] = "no-store"
    return response
