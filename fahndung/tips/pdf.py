"""PDF export of an appeal's tips for the case file (reportlab).

Public surface: ``render_tips_pdf(appeal, tips, actor) -> bytes``. Called only by
triage.tip_export_pdf, which checks access and writes the audit event.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fahndung.core import clock
from fahndung.tips.choices import Channel, Direction, TipState


def _dt(value: Any) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "—"


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def render_tips_pdf(*, appeal: Any, tips: list[Any], actor: Any) -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    body, small, h1, h2 = styles["BodyText"], styles["Italic"], styles["Heading1"], styles["Heading2"]
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"Hinweise {appeal.file_number_police}", author="Fahndung",
    )
    channels, states = dict(Channel.choices), dict(TipState.choices)
    story: list[Any] = [
        _p(f"Hinweise zur Fahndung {appeal.file_number_police}", h1),
        _p(f"{appeal.title} – {len(tips)} Hinweis(e). Erstellt am {_dt(clock.now())} von "
           f"{actor.get_username()}. VS – NUR FÜR DEN DIENSTGEBRAUCH.", small),
        Spacer(1, 6 * mm),
    ]
    for tip in tips:
        story.append(_p(f"{tip.reference} · {states.get(tip.state, tip.state)}", h2))
        rows = [
            ["Eingang", _dt(tip.received_at)],
            ["Kanal", str(channels.get(tip.channel, tip.channel))],
            ["Erfasst von", tip.logged_by.get_username() if tip.logged_by else "Online-Formular"],
            ["Beobachtung", f"{_dt(tip.observed_at)} {tip.observed_place}".strip()],
            ["Kontakt", "anonym" if tip.is_anonymous else ", ".join(
                x for x in (tip.contact_name, tip.contact_phone, tip.contact_email) if x)],
            ["Zugewiesen", tip.assigned_to.get_username() if tip.assigned_to else "—"],
        ]
        if tip.duplicate_of_id:
            rows.append(["Duplikat von", tip.duplicate_of.reference])
        if tip.source_detail:
            rows.append(["Quelle", tip.source_detail])
        attachments = list(tip.attachments.all())
        if attachments:
            rows.append(["Anhänge", "\n".join(
                f"{a.original_name or 'Datei'} ({a.blob.content_type}, {a.blob.size_bytes} B, sha256 {a.blob.sha256[:16]}…)"
                for a in attachments)])
        table = Table([[_p(k, body), _p(v, body)] for k, v in rows], colWidths=[35 * mm, 135 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 2 * mm), _p("Inhalt:", body), _p(tip.content, body)]
        for message in tip.messages.all():
            who = "Hinweisgeber/in" if message.direction == Direction.FROM_TIPSTER else "Polizei"
            story.append(_p(f"{_dt(message.at)} {who}: {message.body}", body))
        for note in tip.notes.all():
            story.append(_p(f"Notiz {_dt(note.at)} {note.author.get_username()}: {note.body}", small))
        for event in tip.events.all():
            actor_name = event.actor.get_username() if event.actor else "System"
            story.append(_p(f"{_dt(event.at)} {actor_name}: {event.action} ({event.from_state} → {event.to_state})", small))
        story.append(Spacer(1, 5 * mm))
    doc.build(story)
    return buffer.getvalue()
