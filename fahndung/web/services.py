"""Writes triggered by the staff UI itself.

Public surface: ``appeal_view_record(*, actor, appeal)`` – audit row for opening the full
detail page (it shows withheld facts and unpublished personal data).
"""

from __future__ import annotations

from typing import Any

from fahndung.core.audit import audit_record


def appeal_view_record(*, actor: Any, appeal: Any) -> None:
    audit_record(actor=actor, action="appeal.view", obj=appeal, appeal_id=appeal.pk, detail={"via": "staff_ui"})
