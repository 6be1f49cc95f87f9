"""Four eyes on the final text (issue 10): what is approved is the exact set of outgoing
texts and images of one version, by somebody who took no part in it; publication uses
exactly that version's texts.

A version's snapshot (AppealVersion) holds the content, the photos with their review
revision and every platform text; the approval stores its sha256.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from fahndung.appeals import rules
from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal, AppealVersion, Approval, Participation
from fahndung.appeals.selectors import appeal_approval_conflict
from fahndung.appeals.services._common import (
    _event,
    _participate,
    _raise_problems,
    _revise,
    _snapshot,
)
from fahndung.appeals.services.transitions import _transition
from fahndung.core import clock
from fahndung.core.errors import Conflict, PermissionDenied, ValidationFailed

CHANGE_LABELS = {
    Participation.Kind.CONTENT: "Inhalt geändert",
    Participation.Kind.POST_TEXT: "Plattformtext geändert",
    Participation.Kind.PHOTO: "Foto geändert",
    Participation.Kind.REDACTION: "Bildbereiche geändert",
}


def appeal_content_changed(*, actor: Any, appeal_id: int, kind: str, what: str = "") -> Appeal:
    """Other areas report a change of outgoing content (post text, redaction boxes,
    platform images): after submission it starts a new version, and the actor is recorded
    as a participant of that version. Call it inside the caller's transaction, before
    locking rows of the caller's own area (lock order: appeal first)."""
    if kind not in CHANGE_LABELS:
        raise ValueError(kind)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        label = CHANGE_LABELS[kind] + (f": {what}" if what else "")
        _revise(appeal, actor, label)
        _participate(appeal, actor, kind, what)
    return appeal


def appeal_output_changed(*, appeal_id: int) -> None:
    """Public output changed outside the appeal row (a photo's public copy added or removed):
    bump the content revision the public page cache is keyed on, so the page changes at once."""
    Appeal.objects.filter(pk=appeal_id).update(content_revision=F("content_revision") + 1)


# --- what is approved ----------------------------------------------------------------

def _outgoing(appeal: Appeal, *, check: bool) -> dict[str, Any]:
    """The version's outgoing texts and images. `check`: refuse texts that break a rule."""
    from fahndung.imaging.selectors import appeal_photo_review
    from fahndung.publishing.services import post_texts_for_approval

    return {
        "post_texts": post_texts_for_approval(appeal=appeal, check=check),
        "photo_review": appeal_photo_review(appeal=appeal),
    }


def approval_snapshot(appeal: Appeal, *, check: bool = False) -> dict[str, Any]:
    data = _snapshot(appeal)
    data.update(_outgoing(appeal, check=check))
    return data


def _digest(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def approved_post_texts(*, appeal: Appeal) -> dict[str, str]:
    """The platform texts of the approved version, exactly as approved."""
    if appeal.approved_version is None or appeal.approved_version != appeal.version:
        raise Conflict("Diese Fassung ist nicht freigegeben.")
    row = AppealVersion.objects.filter(appeal=appeal, version=appeal.approved_version).first()
    if row is None or "post_texts" not in row.snapshot:
        raise Conflict("Für die freigegebene Fassung sind keine Texte gespeichert.")
    return dict(row.snapshot["post_texts"])


def _check_photos(appeal: Appeal, review: list[dict[str, Any]]) -> None:
    open_ = [p for p in review if p["state"] in ("pending", "processing", "failed")]
    if open_:
        raise ValidationFailed(
            f"Freigabe nicht möglich: {len(open_)} von {len(review)} Fotos sind noch nicht prüfbar "
            "(in Verarbeitung oder fehlgeschlagen).", fields={"photos": ["Noch nicht prüfbar."]},
        )
    if rules.basis_needs_image(appeal) and not any(p["state"] != "rejected" for p in review):
        raise ValidationFailed(
            "Freigabe nicht möglich: Eine Fahndung nach § 131b StPO braucht mindestens ein freigegebenes Foto.",
            fields={"photos": ["Kein Foto."]},
        )


def appeal_approve(
    *, actor: Any, appeal_id: int, checklist: dict[str, bool] | None = None, comment: str = "",
    seen_version: int | None = None,
) -> Appeal:
    """Four eyes: nobody who took part in the version (submitter, owner, case team, anyone
    who changed content, texts, photos or boxes); R14 cases need two distinct approvers.
    Approving approves the photos shown with it. When the last approval is in, the appeal
    is published (own page first, then platforms) if auto-publish is on."""
    snapshot: dict[str, Any] = {}

    def check(appeal: Appeal) -> None:
        conflict = appeal_approval_conflict(user=actor, appeal=appeal)
        if conflict:
            raise PermissionDenied(f"Vier-Augen-Prinzip: {conflict} Eine andere Person der Pressestelle muss freigeben.")
        if seen_version is not None and seen_version != appeal.version:
            raise Conflict(f"Die Fahndung wurde inzwischen geändert (Fassung {appeal.version}); bitte erneut prüfen.")
        if Approval.objects.filter(appeal=appeal, version=appeal.version, approver=actor).exists():
            raise Conflict("Sie haben diese Fassung bereits freigegeben; eine zweite Person muss zustimmen.")
        problems = rules.check_content(appeal)
        problems.update(rules.check_order(appeal))
        _raise_problems(problems, "Freigabe nicht möglich:")
        snapshot.update(approval_snapshot(appeal, check=True))
        _check_photos(appeal, snapshot["photo_review"])

    def apply(appeal: Appeal) -> bool:
        from fahndung.imaging.services import photos_approve_with_appeal
        from fahndung.publishing.services import post_variants_mark_approved

        now = clock.now()
        digest = _digest(snapshot)
        Approval.objects.create(appeal=appeal, version=appeal.version, approver=actor, at=now,
                                checklist=checklist or {}, snapshot_sha256=digest)
        needed = 2 if appeal.needs_second_approver else 1
        have = Approval.objects.filter(appeal=appeal, version=appeal.version).count()
        final = have >= needed
        photos_approve_with_appeal(actor=actor, appeal=appeal, final=final)
        if not final:
            _event(appeal, actor, "approve_partial", appeal.status, appeal.status, comment=comment or f"Freigabe {have} von {needed}")
            return False
        if Approval.objects.filter(appeal=appeal, version=appeal.version).exclude(snapshot_sha256=digest).exists():
            raise Conflict("Die beiden Freigaben betreffen nicht denselben Stand; bitte erneut prüfen.")
        appeal.approved_version = appeal.version
        AppealVersion.objects.update_or_create(
            appeal=appeal, version=appeal.version,
            defaults={"snapshot": snapshot, "created_at": now, "created_by": actor},
        )
        post_variants_mark_approved(appeal=appeal, actor=actor, texts=snapshot["post_texts"])
        return True

    appeal = _transition(appeal_id=appeal_id, actor=actor, action="approve", comment=comment, check=check, apply=apply)
    if appeal.status == Status.APPROVED and settings.FAHNDUNG_AUTO_PUBLISH:
        try:
            appeal = appeal_publish(actor=actor, appeal_id=appeal.pk)
        except ValidationFailed as exc:
            # The appeal stays approved; the reason is recorded in its history for the press office.
            _event(appeal, actor, "publish_blocked", appeal.status, appeal.status, comment=exc.message)
    return appeal


def appeal_publish(*, actor: Any, appeal_id: int) -> Appeal:
    """Publish exactly the approved version: its stored texts, nothing regenerated."""

    def check(appeal: Appeal) -> None:
        problems = rules.check_publishable(appeal)
        _raise_problems(problems, "Veröffentlichung gesperrt:")
        from fahndung.imaging.selectors import appeal_photo_review

        if rules.basis_needs_image(appeal) and not any(
            p["state"] == "approved" for p in appeal_photo_review(appeal=appeal)
        ):
            raise ValidationFailed(
                "Veröffentlichung gesperrt: Eine Fahndung nach § 131b StPO braucht ein freigegebenes Foto.",
                fields={"photos": ["Kein freigegebenes Foto."]},
            )

    def apply(appeal: Appeal) -> bool:
        from fahndung.publishing.services import publications_create_for_appeal

        publications_create_for_appeal(appeal=appeal, actor=actor, texts=approved_post_texts(appeal=appeal))
        return True

    return _transition(appeal_id=appeal_id, actor=actor, action="publish", check=check, apply=apply)

