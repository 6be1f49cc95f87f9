"""Writes of the publishing area.

Public surface (keyword-only):
  publications_create_for_appeal(*, appeal, actor, texts) -> None
      called by appeals.services.appeal_publish INSIDE its transaction (appeal row locked):
      one Publication per configured account + the website, tasks enqueued on commit.
  publications_request_withdrawal(*, appeal, actor) -> list[int]
      desired_state := withdrawn for every publication of the appeal (for takedown_begin).
  publication_dispatch(*, publication_id) -> DispatchOutcome      (publish engine, tasks)
  publication_withdraw(*, publication_id) -> WithdrawOutcome      (takedown engine)
  publication_mark_withdrawn_manually(*, publication_id, actor, note) -> Publication
  publication_retry(*, actor, publication_id) -> Publication
  manual_task_complete(*, actor, task_id, note="", external_url="") -> ManualPublishTask
      (publish tasks only: removing a post by hand is lifecycle's ManualTakedownTask)
  post_variants_ensure(*, appeal) -> list[PostVariant]
  post_variant_update(*, actor, appeal_id, platform, text) -> PostVariant
  post_variant_reset(*, actor, appeal_id, platform) -> PostVariant
  post_texts_for_approval(*, appeal, check=True) -> dict[platform, text]     (appeal approval)
  post_variants_mark_approved(*, appeal, actor, texts) -> None                 (appeal approval)
      There is no per-platform approval: the appeal's four-eyes approval covers every text.
  platform_media_override_set(*, actor, appeal_id, allow, reason) -> None
  publication_transition(publication, target, *, actor=None, note="") (internal helper, row locked)
  publishing_purge_appeal(*, appeal_id) -> PurgePlan
      R19: the appeal's publications (events, attempts, publish tasks) and post texts.
      Publishing stores no files (posts carry public renditions owned by imaging).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from fahndung.accounts.roles import ADMIN, PRESS_OFFICE, has_role_or_superuser
from fahndung.appeals.choices import Status as AppealStatus
from fahndung.appeals.links import appeal_public_url
from fahndung.appeals.selectors import appeal_get, output_justified
from fahndung.appeals.services import appeal_content_changed
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from fahndung.core.purge import PurgePlan
from fahndung.publishing import conf
from fahndung.publishing.models import ManualPublishTask, PostVariant, Publication, PublicationEvent
from fahndung.publishing.posts import build
from fahndung.publishing.services_remote import (
    DispatchOutcome,
    WithdrawOutcome,
    publication_dispatch,
    publication_withdraw,
)
from fahndung.publishing.states import Channel, Desired, State, can_transition

__all__ = [
    "DispatchOutcome",
    "WithdrawOutcome",
    "manual_task_complete",
    "platform_media_override_set",
    "post_texts_for_approval",
    "post_variant_reset",
    "post_variant_update",
    "post_variants_ensure",
    "post_variants_mark_approved",
    "publication_dispatch",
    "publication_mark_withdrawn_manually",
    "publication_retry",
    "publication_transition",
    "publication_withdraw",
    "publications_create_for_appeal",
    "publications_request_withdrawal",
]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_press(actor: Any, message: str) -> None:
    if not has_role_or_superuser(actor, PRESS_OFFICE):
        raise PermissionDenied(message)


def publication_transition(publication: Publication, target: str, *, actor: Any = None, note: str = "") -> None:
    """Change state per the table and write the event row. Caller holds the row lock."""
    source = publication.state
    if source == target:
        return
    if not can_transition(source, target):
        raise TransitionNotAllowed(
            f"Übergang „{State(source).label}“ → „{State(target).label}“ ist nicht erlaubt.",
            extra={"from": source, "to": target},
        )
    publication.state = target
    now = clock.now()
    if target == State.PUBLISHED:
        publication.published_at = publication.published_at or now
    if target == State.WITHDRAWN:
        publication.withdrawn_at = now
    publication.save()
    PublicationEvent.objects.create(
        publication=publication, at=now, actor=_user(actor), from_state=source, to_state=target, note=note[:2000],
    )


# --- creation -------------------------------------------------------------------------

def _enqueue_publish(publication_ids: list[int]) -> None:
    from fahndung.publishing.tasks import publish_publication

    for pk in publication_ids:
        try:
            publish_publication.delay(pk)
        except Exception:
            import logging

            logging.getLogger(__name__).warning("publish task for publication %s not enqueued; sweep will retry", pk)


def publications_create_for_appeal(*, appeal: Any, actor: Any, texts: dict[str, str]) -> None:
    """Create one publication per account (website first) and enqueue publishing after
    commit. `texts` are the platform texts of the approved version (appeals'
    approved_post_texts): exactly those go out, nothing is regenerated here."""
    missing = sorted({_variant_platform(a.platform) for a in conf.accounts_from_env()} - set(texts))
    if missing:
        raise Conflict(f"Für {', '.join(missing)} ist kein freigegebener Text vorhanden; bitte erneut freigeben.")
    with_media = build.media_allowed(appeal)
    targets: list[tuple[str, str, str, bool]] = []  # (platform, account key, label, manual)
    if conf.website_enabled():
        targets.append(("website", conf.WEBSITE_ACCOUNT, conf.PLATFORM_LABELS["website"], False))
    for account in conf.accounts_from_env():
        targets.append((account.platform, account.key, account.label, account.manual))
    now = clock.now()
    to_enqueue: list[int] = []
    for platform, key, label, manual in targets:
        text = appeal_public_url(appeal) if platform == "website" else texts[_variant_platform(platform)]
        publication, created = Publication.objects.select_for_update(no_key=True).get_or_create(
            appeal=appeal, account=key,
            defaults={
                "platform": platform, "account_label": label, "text": text,
                "channel": Channel.MANUAL if manual else Channel.API,
                "state": State.AWAITING_MANUAL if manual else State.PENDING,
                "with_media": with_media and platform not in ("website",) and not manual,
                "idempotency_key": secrets.token_hex(16), "next_attempt_at": None if manual else now,
            },
        )
        if created:
            PublicationEvent.objects.create(publication=publication, at=now, actor=_user(actor),
                                            from_state=publication.state, to_state=publication.state,
                                            note="Angelegt")
            if manual:
                _manual_publish_task(publication)
        elif publication.desired_state != Desired.PUBLISHED:
            publication.desired_state = Desired.PUBLISHED
            publication.save(update_fields=["desired_state", "updated_at"])
        if publication.channel == Channel.API and publication.state == State.PENDING:
            to_enqueue.append(publication.pk)
    audit_record(actor=actor, action="publication.create", obj=appeal, appeal_id=appeal.pk,
                 detail={"accounts": [t[1] for t in targets], "with_media": with_media})
    transaction.on_commit(lambda: _enqueue_publish(to_enqueue))


def _variant_platform(platform: str) -> str:
    return platform if platform in build.TEXT_PLATFORMS else "press" if platform == "poster" else "facebook"


def _limit(platform: str) -> int | None:
    if platform != "mastodon":
        return None
    limits = [conf.mastodon_limit(a) for a in conf.accounts_from_env() if a.platform == "mastodon"]
    return min(limits) if limits else None


def _manual_publish_task(publication: Publication) -> ManualPublishTask:
    """The to-do "post this by hand". Removing by hand is not tracked here: every removal
    runs through a lifecycle Takedown, whose ManualTakedownTask has deadline and escalation."""
    from fahndung.publishing.adapters.registry import adapter_for

    kind = ManualPublishTask.Kind.PUBLISH
    existing = publication.manual_tasks.filter(kind=kind, status=ManualPublishTask.Status.OPEN).first()
    if existing:
        return existing
    try:
        instructions = adapter_for(publication.account).instructions(kind)
    except Exception:
        instructions = "Bitte manuell erledigen und bestätigen."
    return ManualPublishTask.objects.create(
        publication=publication, kind=kind, instructions=instructions, text=publication.text, created_at=clock.now(),
    )


def publications_request_withdrawal(*, appeal: Any, actor: Any) -> list[int]:
    """Set desired_state=withdrawn for all publications of the appeal (call inside the
    closing transaction); returns the ids the takedown should work on."""
    ids = []
    # Lock in id order, and with NO KEY UPDATE so that a worker inserting attempt/event rows
    # for a publication (FOR KEY SHARE on it) is never part of a deadlock with the close.
    for publication in Publication.objects.select_for_update(no_key=True).filter(appeal=appeal).order_by("pk"):
        if publication.desired_state != Desired.WITHDRAWN:
            publication.desired_state = Desired.WITHDRAWN
            publication.save(update_fields=["desired_state", "updated_at"])
            PublicationEvent.objects.create(publication=publication, at=clock.now(), actor=_user(actor),
                                            from_state=publication.state, to_state=publication.state,
                                            note="Soll-Zustand: zurückgezogen")
        _publish_tasks_cancel(publication, actor=actor, note=_CANCELLED_NOTE)
        ids.append(publication.pk)
    return ids


_CANCELLED_NOTE = "Abgebrochen: Die Fahndung ist erledigt bzw. zurückgezogen – nicht mehr veröffentlichen."


def _publish_tasks_cancel(publication: Publication, *, actor: Any, note: str) -> int:
    """End the open "post this by hand" to-dos of a publication that must not go out.
    Whether someone posted it anyway is checked by the takedown's removal task."""
    return publication.manual_tasks.filter(kind=ManualPublishTask.Kind.PUBLISH, status=ManualPublishTask.Status.OPEN).update(
        status=ManualPublishTask.Status.CANCELLED, done_at=clock.now(), done_by=_user(actor), note=note)


# --- people ---------------------------------------------------------------------------

def publication_mark_withdrawn_manually(*, publication_id: int, actor: Any, note: str) -> Publication:
    """A person confirms the post is gone (manual channels, or API delete impossible)."""
    if not has_role_or_superuser(actor, PRESS_OFFICE, ADMIN):
        raise PermissionDenied("Nur die Pressestelle kann eine manuelle Löschung bestätigen.")
    if not (note or "").strip():
        raise ValidationFailed("Bitte kurz notieren, wie die Löschung geprüft wurde.", fields={"note": ["Pflichtfeld."]})
    with transaction.atomic():
        publication = _locked(publication_id)
        if publication.state == State.WITHDRAWN:
            return publication
        if publication.state == State.PUBLISHING:
            raise Conflict("Die Veröffentlichung läuft gerade; bitte in einer Minute erneut bestätigen.")
        publication_transition(publication, State.WITHDRAWN, actor=actor, note=f"Manuell bestätigt: {note.strip()}")
        publication.verified_absent_at = None  # a person's word, not a platform check
        publication.desired_state = Desired.WITHDRAWN
        publication.confirmed_by = actor
        publication.confirmed_note = note.strip()
        publication.save()
        # A publish to-do for a post that is gone has nothing left to do.
        publication.manual_tasks.filter(status=ManualPublishTask.Status.OPEN).update(
            status=ManualPublishTask.Status.CANCELLED, done_at=clock.now(), done_by=actor, note=note.strip())
        audit_record(actor=actor, action="publication.withdrawn_manually", obj=publication,
                     appeal_id=publication.appeal_id, detail={"account": publication.account, "note": note.strip()})
    return publication


def publication_retry(*, actor: Any, publication_id: int) -> Publication:
    _require_press(actor, "Nur die Pressestelle kann eine Veröffentlichung erneut anstoßen.")
    with transaction.atomic():
        publication = _locked(publication_id)
        if publication.state != State.FAILED or publication.desired_state != Desired.PUBLISHED:
            raise Conflict("Nur fehlgeschlagene, weiterhin gewünschte Veröffentlichungen können wiederholt werden.")
        publication.attempts = 0
        publication.next_attempt_at = clock.now()
        publication_transition(publication, State.PENDING, actor=actor, note="Erneuter Versuch")
        # The give-up task of the engine is replaced by the fresh attempt budget.
        publication.manual_tasks.filter(status=ManualPublishTask.Status.OPEN).update(
            status=ManualPublishTask.Status.CANCELLED, done_at=clock.now(), done_by=actor, note="Erneuter Versuch")
        audit_record(actor=actor, action="publication.retry", obj=publication, appeal_id=publication.appeal_id)
        transaction.on_commit(lambda: _enqueue_publish([publication.pk]))
    return publication


_TASK_CANCELLED = ("Die Fahndung ist erledigt oder zurückgezogen: diese Aufgabe wurde abgebrochen. "
                   "Bitte nicht mehr veröffentlichen; falls schon gepostet, im Rückzugs-Dashboard löschen.")


def manual_task_complete(*, actor: Any, task_id: int, note: str = "", external_url: str = "") -> ManualPublishTask:
    """A person posted the text of a manual publish task."""
    _require_press(actor, "Nur die Pressestelle kann manuelle Aufgaben abschließen.")
    with transaction.atomic():
        try:
            task = ManualPublishTask.objects.select_for_update().get(pk=task_id)
        except ManualPublishTask.DoesNotExist:
            raise NotFound("Aufgabe nicht gefunden.") from None
        if task.status == ManualPublishTask.Status.CANCELLED:
            raise Conflict(_TASK_CANCELLED)
        if task.status != ManualPublishTask.Status.OPEN:
            return task
        if task.kind != ManualPublishTask.Kind.PUBLISH:
            raise Conflict("Löschungen werden im Rückzugs-Dashboard (/staff/takedowns/) bestätigt.")
        publication = _locked(task.publication_id)
        # Closing cancels the to-do; one that escaped (older data) is ended here instead of
        # ever marking a withdrawn publication "published".
        refused = publication.desired_state == Desired.WITHDRAWN
        if refused:
            _publish_tasks_cancel(publication, actor=actor, note=_CANCELLED_NOTE)
        else:
            if publication.state == State.AWAITING_MANUAL:
                publication.external_url = external_url.strip()[:500]
                publication_transition(publication, State.PUBLISHED, actor=actor, note=note or "Manuell veröffentlicht")
            task.status = ManualPublishTask.Status.DONE
            task.done_at = clock.now()
            task.done_by = actor
            task.note = note.strip()
            task.save()
            audit_record(actor=actor, action=f"publication.manual_{task.kind}", obj=publication,
                         appeal_id=publication.appeal_id, detail={"task": task.pk, "note": note.strip()})
    if refused:
        raise Conflict(_TASK_CANCELLED)
    return task


def _locked(publication_id: int) -> Publication:
    try:
        return Publication.objects.select_for_update(no_key=True).get(pk=publication_id)
    except Publication.DoesNotExist:
        raise NotFound("Veröffentlichung nicht gefunden.") from None


# --- post variants ----------------------------------------------------------------------

def post_variants_ensure(*, appeal: Any) -> list[PostVariant]:
    """Create missing variants and regenerate unedited ones (content may have changed)."""
    existing = {v.platform: v for v in PostVariant.objects.filter(appeal=appeal)}
    out = []
    for platform in build.TEXT_PLATFORMS:
        text = build.generate(appeal, platform, limit=_limit(platform))
        variant = existing.get(platform)
        if variant is None:
            variant = PostVariant.objects.create(appeal=appeal, platform=platform, text=text,
                                                 appeal_version=appeal.version)
        elif not variant.is_edited and (variant.text != text or variant.appeal_version != appeal.version):
            variant.text = text
            variant.appeal_version = appeal.version
            variant.approved_by = None
            variant.approved_at = None
            variant.save()
        out.append(variant)
    return out


def post_texts_for_approval(*, appeal: Any, check: bool = True) -> dict[str, str]:
    """The platform texts of the version under approval ({platform: text}). With `check`,
    a text that breaks a rule or a limit refuses the approval (German reason)."""
    variants = {v.platform: v for v in post_variants_ensure(appeal=appeal)}
    if check:
        problems: dict[str, list[str]] = {}
        for platform, variant in variants.items():
            issues = build.variant_problems(appeal, platform, variant.text, limit=_limit(platform))
            if issues:
                problems[f"post_variants.{platform}"] = issues
        if problems:
            first_key = next(iter(problems))
            raise ValidationFailed(
                f"Der Text für {conf.PLATFORM_LABELS.get(first_key.split('.')[-1], first_key)} kann nicht "
                f"freigegeben werden: {problems[first_key][0]}", fields=problems,
            )
    return {platform: variant.text for platform, variant in sorted(variants.items())}


def post_variants_mark_approved(*, appeal: Any, actor: Any, texts: dict[str, str]) -> None:
    """Called by the appeal approval (which locks the appeal first): the texts shown are approved."""
    now = clock.now()
    for variant in PostVariant.objects.select_for_update().filter(appeal=appeal):
        if texts.get(variant.platform) == variant.text:
            variant.approved_by = actor
            variant.approved_at = now
            variant.appeal_version = appeal.version
            variant.save(update_fields=["approved_by", "approved_at", "appeal_version"])


_LOCKED_STATUSES = {AppealStatus.PUBLISHED, AppealStatus.CLOSED, AppealStatus.ARCHIVED}


def _check_edit(actor: Any, appeal_id: int, platform: str) -> None:
    _require_press(actor, "Nur die Pressestelle kann Plattformtexte bearbeiten.")
    appeal = appeal_get(user=actor, pk=appeal_id)
    if appeal.status in _LOCKED_STATUSES:
        raise Conflict("Nach der Veröffentlichung können die Plattformtexte nicht mehr geändert werden.")
    if platform not in build.TEXT_PLATFORMS:
        raise ValidationFailed("Unbekannte Plattform.", fields={"platform": ["Unbekannt."]})


def _changed_variant(actor: Any, appeal_id: int, platform: str) -> tuple[Any, PostVariant]:
    """A text change after submission is a new version of the appeal, and the editor took
    part in it (four eyes). Lock order: the appeal first, then the variant."""
    appeal = appeal_content_changed(actor=actor, appeal_id=appeal_id, kind="post_text",
                                    what=conf.PLATFORM_LABELS.get(platform, platform))
    post_variants_ensure(appeal=appeal)
    return appeal, PostVariant.objects.select_for_update().get(appeal=appeal, platform=platform)


def post_variant_update(*, actor: Any, appeal_id: int, platform: str, text: str) -> PostVariant:
    """Save an edited text (even over the limit – the counter shows it; approval refuses)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > 70000:
        raise ValidationFailed("Der Text ist viel zu lang.", fields={"text": ["Zu lang."]})
    _check_edit(actor, appeal_id, platform)
    current = PostVariant.objects.filter(appeal_id=appeal_id, platform=platform).values_list("text", flat=True).first()
    if current == text:
        return PostVariant.objects.get(appeal_id=appeal_id, platform=platform)  # nothing changed
    with transaction.atomic():
        appeal, variant = _changed_variant(actor, appeal_id, platform)
        variant.text = text
        variant.is_edited = True
        variant.edited_by = actor
        variant.edited_at = clock.now()
        variant.approved_by = None
        variant.approved_at = None
        variant.appeal_version = appeal.version
        variant.save()
        audit_record(actor=actor, action="post_variant.update", obj=variant, appeal_id=appeal.pk,
                     detail={"platform": platform})
    return variant


def post_variant_reset(*, actor: Any, appeal_id: int, platform: str) -> PostVariant:
    _check_edit(actor, appeal_id, platform)
    with transaction.atomic():
        appeal, variant = _changed_variant(actor, appeal_id, platform)
        variant.text = build.generate(appeal, platform, limit=_limit(platform))
        variant.is_edited = False
        variant.edited_by = actor
        variant.edited_at = clock.now()
        variant.approved_by = None
        variant.approved_at = None
        variant.appeal_version = appeal.version
        variant.save()
        audit_record(actor=actor, action="post_variant.reset", obj=variant, appeal_id=appeal.pk,
                     detail={"platform": platform})
    return variant


def platform_media_override_set(*, actor: Any, appeal_id: int, allow: bool, reason: str) -> None:
    """R7 override: images on platforms only by the press office, with a reason, and never
    for witnesses, minors, victims or the dead (R14)."""
    from fahndung.appeals.models import Appeal

    _require_press(actor, "Nur die Pressestelle darf Bilder auf Plattformen freigeben.")
    appeal_get(user=actor, pk=appeal_id)
    reason = (reason or "").strip()
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        if appeal.status in _LOCKED_STATUSES:
            raise Conflict("Nach der Veröffentlichung nicht mehr änderbar.")
        if allow:
            blocked = build.media_block_reason(appeal)
            if blocked:
                raise ValidationFailed(blocked, fields={"allow_platform_media": [blocked]})
            if not output_justified(reason):  # real text, not ".........." (appeals.gate.justified)
                raise ValidationFailed("Bitte die Abweichung vom Link-only-Grundsatz begründen (R7).",
                                       fields={"reason": ["Begründung (mind. 20 Buchstaben in ganzen Wörtern) erforderlich."]})
        if bool(allow) != appeal.allow_platform_media:
            # Images on platforms change what goes out: a new version to approve.
            appeal = appeal_content_changed(actor=actor, appeal_id=appeal_id, kind="content",
                                            what="Bilder auf Plattformen")
        appeal.allow_platform_media = bool(allow)
        appeal.platform_media_reason = reason if allow else ""
        appeal.save(update_fields=["allow_platform_media", "platform_media_reason", "updated_at"])
        audit_record(actor=actor, action="appeal.platform_media", obj=appeal, appeal_id=appeal.pk,
                     detail={"allow": bool(allow), "reason": reason})


def publishing_purge_appeal(*, appeal_id: int) -> PurgePlan:
    plan = PurgePlan()
    for queryset in (Publication.objects.filter(appeal_id=appeal_id), PostVariant.objects.filter(appeal_id=appeal_id)):
        _total, per_model = queryset.delete()
        plan.add_rows(per_model)
    return plan
