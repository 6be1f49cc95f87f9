"""Appeal detail page: all data, legal order + deadline, allowed actions, blocking reasons,
event history, versions, and partials contributed by other areas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fahndung.accounts.decorators import staff_required
from fahndung.accounts.roles import PROSECUTOR_LIAISON, roles_of
from fahndung.appeals import rules
from fahndung.appeals.choices import Status
from fahndung.appeals.models import LegalOrder, Person
from fahndung.appeals.selectors import (
    appeal_allowed_actions,
    appeal_approval_conflict,
    appeal_can_edit,
    appeal_events,
    appeal_get,
)
from fahndung.appeals.services import EDITABLE_STATUSES
from fahndung.core.formatting import format_date, format_datetime
from fahndung.imaging.selectors import appeal_photo_rows
from fahndung.lifecycle.selectors import review_due_by_appeal
from fahndung.public.selectors import public_output_problems
from fahndung.web.deadlines import expiry_deadline, order_deadline, review_deadline
from fahndung.web.forms.actions import ApproveForm, CloseForm, ConfirmOrderForm, RequestChangesForm
from fahndung.web.services import appeal_view_record
from fahndung.web.views.common import service_errors

PERSON_ROWS = (
    ("name", "Name", ("name",)), ("alias", "Alias", ("alias",)), ("date_of_birth", "Geburtsdatum", ("date_of_birth",)),
    ("sex", "Geschlecht", ("get_sex_display",)), ("age", "Alter", ("age_min", "age_max")),
    ("height", "Größe (cm)", ("height_min_cm", "height_max_cm")), ("build", "Statur", ("build",)),
    ("hair", "Haare", ("hair",)), ("eyes", "Augen", ("eyes",)), ("appearance", "Erscheinungsbild", ("appearance",)),
    ("beard_glasses", "Bart/Brille", ("beard_glasses",)), ("distinguishing_marks", "Besondere Merkmale", ("distinguishing_marks",)),
    ("languages", "Sprache/Akzent", ("languages",)), ("clothing", "Bekleidung", ("clothing",)),
    ("items_carried", "Mitgeführte Gegenstände", ("items_carried",)), ("vehicle", "Fahrzeug", ("vehicle",)),
    ("last_seen", "Zuletzt gesehen", ("last_seen_place", "last_seen_at")), ("nationality", "Staatsangehörigkeit", ("nationality",)),
    ("health_notes", "Gesundheit", ("health_notes",)), ("address", "Anschrift", ("address",)),
)


def _person_rows(person: Person) -> list[dict[str, Any]]:
    rows = []
    for key, label, attrs in PERSON_ROWS:
        values = []
        for attr in attrs:
            value = getattr(person, attr)
            value = value() if callable(value) else value
            if isinstance(value, datetime):
                value = format_datetime(value)
            elif isinstance(value, date):
                value = format_date(value)
            if value not in (None, ""):
                values.append(str(value))
        if values:
            rows.append({"label": label, "value": " – ".join(values), "published": key in person.published_fields})
    return rows


def _blocking(appeal: Any) -> dict[str, list[str]]:
    if appeal.status in (Status.DRAFT, Status.CHANGES_REQUESTED):
        return rules.check_content(appeal)
    problems: dict[str, list[str]] = {}
    if appeal.status == Status.SUBMITTED:
        problems = rules.check_content(appeal)
        problems.update(rules.check_order(appeal))
    if appeal.status == Status.APPROVED:
        problems = rules.check_publishable(appeal)
    if appeal.status == Status.PUBLISHED or (appeal.status in (Status.SUBMITTED, Status.APPROVED) and not problems):
        # The output gate on the final public texts: a block withholds page, card and feeds.
        problems.update({f"output.{k}": v for k, v in public_output_problems(appeal=appeal).items()})
    return problems


@staff_required
@service_errors
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_get(user=request.user, pk=pk)
    appeal_view_record(actor=request.user, appeal=appeal)
    try:
        order = appeal.order
    except LegalOrder.DoesNotExist:
        order = None
    actions = set(appeal_allowed_actions(user=request.user, appeal=appeal))
    can_edit = appeal_can_edit(user=request.user, appeal=appeal) and appeal.status in EDITABLE_STATUSES
    approval_conflict = appeal_approval_conflict(user=request.user, appeal=appeal)
    approvals = list(appeal.approvals.filter(version=appeal.version).select_related("approver"))
    context = {
        "appeal": appeal,
        "order": order,
        "persons": [{"person": p, "rows": _person_rows(p)} for p in appeal.persons.all()],
        "photos": list(appeal.photos.all()),
        "events": list(appeal_events(appeal=appeal)),
        "versions": list(appeal.versions.all()),
        "approvals": approvals,
        "approvals_needed": 2 if appeal.needs_second_approver else 1,
        "actions": actions,
        "can_edit": can_edit,
        "approval_conflict": approval_conflict,
        "review_photos": appeal_photo_rows(user=request.user, appeal=appeal) if "approve" in actions else [],
        "user_roles": roles_of(request.user),
        "blocking": _blocking(appeal),
        "order_dl": order_deadline(appeal),
        "expiry_dl": expiry_deadline(appeal),
        "review_dl": review_deadline(appeal, review_due_by_appeal(appeal_ids=[appeal.pk]).get(appeal.pk)),
        "approve_form": ApproveForm(),
        "changes_form": RequestChangesForm(),
        "close_form": CloseForm(),
        "confirm_form": ConfirmOrderForm(),
        "can_confirm_order": bool(order and order.confirmation_due_at and not order.confirmed_at
                                  and PROSECUTOR_LIAISON in roles_of(request.user)
                                  and appeal.status not in (Status.CLOSED, Status.ARCHIVED)),
    }
    return render(request, "web/appeal_detail.html", context)
