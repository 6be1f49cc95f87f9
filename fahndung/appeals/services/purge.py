"""The appeals app's part of purging an appeal (R19): the appeal row and everything that
cascades from it (persons, order, photos, events, approvals, versions), and the photo
originals in private storage. Called LAST by lifecycle.services.retention.appeal_purge,
inside its transaction, after the other apps have removed their rows.
"""

from __future__ import annotations

from fahndung.appeals.models import Appeal, Photo
from fahndung.core.purge import PurgePlan


def appeal_records_purge(*, appeal_id: int) -> PurgePlan:
    plan = PurgePlan()
    names = Photo.objects.filter(appeal_id=appeal_id).values_list("original", flat=True)
    plan.files.extend(("private", name) for name in names if name)
    # Originals live under originals/<appeal id>/ (Photo upload_to): catches orphans too.
    plan.prefixes.append(("private", f"originals/{appeal_id}"))
    _total, per_model = Appeal.objects.filter(pk=appeal_id).delete()
    plan.add_rows(per_model)
    return plan
