"""Press-office review queue: submitted appeals waiting for approval, oldest first, with
approve (R6 checklist) and request-changes (comment required) right in the list."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fahndung.accounts.decorators import staff_required
from fahndung.appeals.choices import Status
from fahndung.appeals.selectors import appeal_approval_conflict, appeal_list
from fahndung.web.deadlines import expiry_deadline, order_deadline
from fahndung.web.forms.actions import ApproveForm


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    qs = appeal_list(user=request.user, status=Status.SUBMITTED).order_by("submitted_at", "id")
    rows = [
        {"appeal": a, "order": order_deadline(a), "expiry": expiry_deadline(a),
         "approvals": a.approvals.filter(version=a.version).count(),
         "needed": 2 if a.needs_second_approver else 1,
         "own": appeal_approval_conflict(user=request.user, appeal=a)}
        for a in qs.select_related("submitted_by")
    ]
    return render(request, "web/review_queue.html", {"rows": rows, "approve_form": ApproveForm()})
