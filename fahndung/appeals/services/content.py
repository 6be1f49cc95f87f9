"""Content writes: create, edit (a new version when already submitted), photos, team, delete."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from fahndung.accounts.roles import (
    INVESTIGATOR,
    roles_of,
    unit_id_of,
)
from fahndung.appeals import plausibility, rules
from fahndung.appeals.choices import PersonRole, Status
from fahndung.appeals.links import appeal_hotline
from fahndung.appeals.models import (
    Appeal,
    Participation,
    Person,
    Photo,
)
from fahndung.appeals.selectors import appeal_can_edit, appeal_get
from fahndung.appeals.services._common import (
    APPEAL_FIELDS,
    DEFAULT_ROLE_FOR_KIND,
    EDITABLE_STATUSES,
    PERSON_FIELDS,
    _full_clean,
    _participate,
    _raise_problems,
    _require_editor,
    _revise,
    _snapshot,
)
from fahndung.appeals.services.orders import _apply_order
from fahndung.core.audit import audit_record
from fahndung.core.errors import Conflict, PermissionDenied, ValidationFailed


def _apply_persons(appeal: Appeal, persons: list[dict[str, Any]]) -> None:
    appeal.persons.all().delete()
    for index, raw in enumerate(persons):
        unknown = set(raw) - PERSON_FIELDS
        if unknown:
            raise ValidationFailed("Unbekannte Personenfelder.", fields={"persons": [", ".join(sorted(unknown))]})
        data = {k: v for k, v in raw.items() if k in PERSON_FIELDS}
        data.setdefault("role", DEFAULT_ROLE_FOR_KIND.get(appeal.kind, PersonRole.SUSPECT))
        if "published_fields" not in data or data["published_fields"] is None:
            data["published_fields"] = Person.default_published_fields()
        bad = set(data["published_fields"]) - set(Person.PUBLISHABLE_FIELDS)
        if bad:
            raise ValidationFailed("Unbekannte Veröffentlichungsfelder.", fields={"persons": sorted(bad)})
        data["position"] = index
        problems = plausibility.check_person(data)
        _raise_problems(problems, f"Person {index + 1}: Angaben sind nicht plausibel:")
        person = Person(appeal=appeal, **data)
        _full_clean(person, exclude=["appeal"])
        person.save()


def _check_fields(appeal: Appeal) -> None:
    """Field rules of the appeal row: types, plausibility, reward reference (R17), basis (R1)."""
    _full_clean(appeal, exclude=["unit", "owner"])
    _raise_problems(plausibility.check_event(appeal), "Eingaben sind nicht plausibel:")
    if appeal.reward_amount and not appeal.reward_reference.strip():
        raise ValidationFailed(
            "Eine Belohnung erfordert das Aktenzeichen der Auslobung (R17).",
            fields={"reward_reference": ["Pflicht, wenn eine Belohnung angegeben ist."]},
        )
    _raise_problems(rules.check_basis(appeal), "Rechtsgrundlage:")


def appeal_create(
    *, actor: Any, data: dict[str, Any], persons: list[dict[str, Any]] | None = None,
    order: dict[str, Any] | None = None,
) -> Appeal:
    if INVESTIGATOR not in roles_of(actor) and not actor.is_superuser:
        raise PermissionDenied("Nur die Sachbearbeitung kann Fahndungen anlegen.")
    unit_id = unit_id_of(actor)
    if unit_id is None:
        raise PermissionDenied("Ihrem Konto ist keine Dienststelle zugeordnet.")
    unknown = set(data) - APPEAL_FIELDS
    if unknown:
        raise ValidationFailed("Unbekannte Felder.", fields={k: ["Unbekanntes Feld."] for k in sorted(unknown)})
    with transaction.atomic():
        appeal = Appeal(unit_id=unit_id, owner=actor, **{k: v for k, v in data.items() if k not in {"unit", "owner"}})
        appeal.hotline = appeal_hotline(appeal)
        _check_fields(appeal)
        appeal.save()
        _apply_persons(appeal, persons or [])
        _apply_order(appeal, order, actor)
        _participate(appeal, actor, Participation.Kind.CONTENT, "angelegt")
        audit_record(actor=actor, action="appeal.create", obj=appeal, appeal_id=appeal.pk)
    return appeal


def appeal_update(
    *, actor: Any, appeal_id: int, data: dict[str, Any] | None = None,
    persons: list[dict[str, Any]] | None = None, order: dict[str, Any] | None = None,
) -> Appeal:
    """Edit content. Editing a submitted or approved appeal starts a new version that
    needs a fresh approval (R4); published and closed appeals cannot be edited."""
    appeal_get(user=actor, pk=appeal_id)
    data = data or {}
    unknown = set(data) - APPEAL_FIELDS
    if unknown:
        raise ValidationFailed("Unbekannte Felder.", fields={k: ["Unbekanntes Feld."] for k in sorted(unknown)})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        if not appeal_can_edit(user=actor, appeal=appeal):
            raise PermissionDenied("Nur die zuständige Sachbearbeitung kann diese Fahndung ändern.")
        if appeal.status not in EDITABLE_STATUSES:
            raise Conflict(
                f"Im Status „{appeal.get_status_display()}“ kann die Fahndung nicht geändert werden. "
                "Bitte erledigen und neu anlegen oder Verlängerung beantragen."
            )
        before = _snapshot(appeal)
        for key, value in data.items():
            if key in {"unit", "owner"}:
                continue
            setattr(appeal, key, value)
        _check_fields(appeal)
        appeal.save()
        if persons is not None:
            _apply_persons(appeal, persons)
        _apply_order(appeal, order, actor)
        after = _snapshot(appeal)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if changed:
            _revise(appeal, actor, "Geändert: " + ", ".join(changed))
            _participate(appeal, actor, Participation.Kind.CONTENT, ", ".join(changed))
        audit_record(actor=actor, action="appeal.update", obj=appeal, appeal_id=appeal.pk, detail={"changed": changed})
    return appeal


# --- photos and team -------------------------------------------------------------

def photo_add(*, actor: Any, appeal_id: int, uploaded_file: Any, caption: str = "", person_id: int | None = None) -> Photo:
    """Store an original privately (random name, sha256). Header checks happen here;
    full decoding happens in the imaging task, never in the request."""
    from fahndung.imaging.services import photo_processing_schedule, photo_validate_upload

    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    if appeal.status not in EDITABLE_STATUSES:
        raise Conflict("Fotos können nur vor der Veröffentlichung hinzugefügt werden.")
    info = photo_validate_upload(uploaded_file=uploaded_file)
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else iter(lambda: uploaded_file.read(1 << 20), b""):
        digest.update(chunk)
    uploaded_file.seek(0)
    sha = digest.hexdigest()
    if Photo.objects.filter(appeal_id=appeal_id, sha256=sha).exists():
        raise Conflict("Dieses Foto ist bereits hochgeladen.", fields={"file": ["Duplikat."]})
    if person_id is not None and not appeal.persons.filter(pk=person_id).exists():
        raise ValidationFailed("Unbekannte Person.", fields={"person": ["Gehört nicht zu dieser Fahndung."]})
    with transaction.atomic():
        photo = Photo(
            appeal=appeal, person_id=person_id, sha256=sha, size_bytes=info.size_bytes,
            content_type=info.content_type, caption=caption.strip(), uploaded_by=actor,
        )
        photo.original.save("original", uploaded_file, save=False)
        photo.save()
        audit_record(actor=actor, action="photo.upload", obj=photo, appeal_id=appeal.pk, detail={"sha256": sha})
        # Content changed: a new version that needs approval, and the uploader took part in it.
        locked = Appeal.objects.select_for_update(no_key=True).get(pk=appeal.pk)
        _revise(locked, actor, "Foto hinzugefügt")
        _participate(locked, actor, Participation.Kind.PHOTO, f"Foto {sha[:10]}")
        photo_processing_schedule(photo=photo)
    return photo


def team_member_add(*, actor: Any, appeal_id: int, user: Any) -> None:
    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    appeal.team_members.add(user)
    audit_record(actor=actor, action="appeal.team_add", obj=appeal, appeal_id=appeal.pk, detail={"user": user.get_username()})


def team_member_remove(*, actor: Any, appeal_id: int, user: Any) -> None:
    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    appeal.team_members.remove(user)
    audit_record(actor=actor, action="appeal.team_remove", obj=appeal, appeal_id=appeal.pk, detail={"user": user.get_username()})


def appeal_delete(*, actor: Any, appeal_id: int) -> None:
    """Only drafts may be deleted (nothing was ever submitted or published). Deletion is
    the same purge as retention: every app removes its part, files after commit."""
    from fahndung.lifecycle.services.retention import appeal_purge  # lifecycle depends on appeals

    appeal = appeal_get(user=actor, pk=appeal_id)
    _require_editor(actor, appeal)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal_id)
        if appeal.status != Status.DRAFT:
            raise Conflict("Nur Entwürfe können gelöscht werden; eingereichte Fahndungen werden erledigt.")
        audit_record(actor=actor, action="appeal.delete", obj=appeal, appeal_id=appeal.pk,
                     detail={"file_number": appeal.file_number_police})
        appeal_purge(appeal_id=appeal.pk)


def appeal_open(*, actor: Any, appeal_id: int) -> Appeal:
    """Read an appeal's full record (incl. withheld facts and sensitive person data) and log the view (R18)."""
    appeal = appeal_get(user=actor, pk=appeal_id)
    audit_record(actor=actor, action="appeal.view", obj=appeal, appeal_id=appeal.pk)
    return appeal
