"""Dashboard: appeals by state with their deadlines, filterable by status/kind/search."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fahndung.accounts.decorators import staff_required
from fahndung.appeals.choices import Status
from fahndung.appeals.selectors import appeal_dashboard_counts, appeal_list
from fahndung.lifecycle.selectors import review_due_by_appeal
from fahndung.web.deadlines import expiry_deadline, order_deadline, review_deadline
from fahndung.web.forms.filters import DashboardFilterForm

OPEN_STATES = [Status.DRAFT, Status.CHANGES_REQUESTED, Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED]


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or ""
    qs = appeal_list(
        user=request.user, status=status or None, kind=filters.get("kind") or None, search=filters.get("q") or "",
    )
    if not status:
        # Default view: the work that is still open; closed/archived via the status filter.
        qs = qs.filter(status__in=OPEN_STATES)
    page = Paginator(qs.order_by("-updated_at", "-id"), 50).get_page(request.GET.get("page"))
    review_due = review_due_by_appeal(appeal_ids=[a.pk for a in page.object_list])
    rows = [
        {"appeal": a, "order": order_deadline(a), "expiry": expiry_deadline(a),
         "review": review_deadline(a, review_due.get(a.pk))}
        for a in page.object_list
    ]
    counts = appeal_dashboard_counts(user=request.user)
    stats = [{"status": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in Status]
    urgent = [r for r in rows if "danger" in (r["order"].css, r["expiry"].css, r["review"].css)]
    return render(request, "web/dashboard.html", {
        "form": form, "rows": rows, "page": page, "stats": stats, "current_status": status,
        "urgent": urgent,
    })
