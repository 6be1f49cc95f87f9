"""Poster services: appeal → PosterData → PDF, for staff only.

Public surface:
- ``POSTER_FORMATS`` = ("a4", "a3")
- ``poster_data_for_appeal(*, appeal, page_size="a4") -> PosterData``   (German; only
  published fields, via fahndung.public.presenters, so poster and page never disagree)
- ``poster_render(*, actor, appeal_id, page_size="a4") -> tuple[bytes, str]``
  PDF bytes and a download filename; NotFound outside the actor's scope or unless the
  appeal is published (a closed appeal has no poster any more, R8); ValidationFailed on a
  bad format; OutputBlocked (German reasons) when a poster text fails the output gate.
  Every download is an audited disclosure (R18).
- ``poster_texts(data) -> list[str]``   the poster's texts in print order
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from fahndung.appeals.choices import Kind, Status
from fahndung.appeals.links import appeal_hotline, appeal_public_url
from fahndung.appeals.models import Appeal
from fahndung.appeals.selectors import OutputBlocked, appeal_get, output_require
from fahndung.core.audit import audit_record
from fahndung.core.errors import NotFound, ValidationFailed
from fahndung.posters.render import PosterData, render_poster
from fahndung.public import presenters

POSTER_FORMATS = ("a4", "a3")


def _poster_photo_paths(appeal: Appeal) -> tuple[str, ...]:
    """Processed poster renditions from the imaging contract; none while it is missing."""
    try:
        from fahndung.imaging.selectors import rendition_file_path
    except (ImportError, AttributeError):
        return ()
    # R14: images of the dead are click-to-reveal online and never on a poster.
    if appeal.kind == Kind.UNKNOWN_DEAD:
        return ()
    return tuple(str(p) for p in rendition_file_path(appeal=appeal, rendition="poster"))


def poster_data_for_appeal(*, appeal: Appeal, page_size: str = "a4") -> PosterData:
    with translation.override("de"):
        details: list[tuple[str, str]] = []
        if appeal.kind not in (Kind.MISSING, Kind.UNKNOWN_DEAD) and appeal.offence:
            details.append(("Straftat", appeal.offence))
        for label, value in (("Ort", presenters.place_text(appeal)), ("Zeit", presenters.appeal_time_text(appeal))):
            if value:
                details.append((label, value))
        persons = list(appeal.persons.all())
        for index, person in enumerate(persons, start=1):
            for field in presenters.person_public_fields(person, appeal):
                label = f"{field.label} ({index})" if len(persons) > 1 else field.label
                details.append((label, field.value))
        return PosterData(
            headline=presenters.headline(appeal.kind),
            url=appeal_public_url(appeal),
            org_name=settings.FAHNDUNG_ORG_NAME,
            case_reference=appeal.file_number_police,
            hotline=appeal_hotline(appeal),
            subject=presenters.appeal_heading(appeal),
            call_110=presenters.call_to_action(appeal.kind),
            facts=appeal.public_facts,
            details=tuple(details),
            reward=presenters.reward_text(appeal),
            danger_notice=presenters.danger_notice() if appeal.is_dangerous else None,
            witness_notice=presenters.witness_notice() if appeal.kind == Kind.WITNESS else None,
            photo_paths=_poster_photo_paths(appeal),
            page_size=page_size,
        )


def poster_texts(data: PosterData) -> list[str]:
    """The poster's texts in print order (warning above the headline) for the output gate."""
    texts = [data.danger_notice or "", data.headline, data.subject or "", data.witness_notice or "", data.facts or ""]
    texts += [f"{label}: {value}" for label, value in data.details]
    texts += [data.reward or "", data.call_110, data.hotline]
    return [t for t in texts if t]


def poster_render(*, actor: Any, appeal_id: int | str, page_size: str = "a4") -> tuple[bytes, str]:
    page_size = (page_size or "a4").lower()
    if page_size not in POSTER_FORMATS:
        raise ValidationFailed(
            "Unbekanntes Plakatformat – bitte A4 oder A3 wählen.", fields={"format": ["a4 oder a3"]}
        )
    appeal = appeal_get(user=actor, pk=appeal_id)
    if appeal.status != Status.PUBLISHED:
        raise NotFound("Plakate gibt es nur für veröffentlichte Fahndungen.")
    data = poster_data_for_appeal(appeal=appeal, page_size=page_size)
    try:
        output_require(appeal=appeal, texts={"poster": poster_texts(data)})
    except OutputBlocked as exc:
        audit_record(actor=actor, action="output.blocked", obj=appeal, appeal_id=appeal.pk,
                     detail={"problems": exc.fields, "channel": "poster"})
        raise
    pdf = render_poster(data)
    audit_record(
        actor=actor, action="poster.download", obj=appeal, appeal_id=appeal.pk,
        detail={"format": page_size, "version": appeal.version},
    )
    return pdf, f"fahndung-{appeal.slug}-{page_size}.pdf"
