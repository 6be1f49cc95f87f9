"""Plain-dict views of tips for the API (content only where the caller opened the tip).

Public surface: ``tip_summary(tip)``, ``tip_detail(tip)``, ``thread_for_tipster(tip, messages)``.
"""

from __future__ import annotations

from typing import Any

from fahndung.tips.choices import Direction


def _user(u: Any) -> str | None:
    return u.get_username() if u else None


def tip_summary(tip: Any) -> dict[str, Any]:
    return {
        "id": tip.pk, "reference": tip.reference, "appeal_id": tip.appeal_id, "channel": tip.channel,
        "state": tip.state, "received_at": tip.received_at.isoformat(),
        "last_activity_at": tip.last_activity_at.isoformat(),
        "assigned_to": _user(tip.assigned_to), "logged_by": _user(tip.logged_by),
        "is_read": bool(getattr(tip, "is_read", False)),
        "attachment_count": getattr(tip, "attachment_count", None),
        "duplicate_of": tip.duplicate_of_id,
    }


def tip_detail(tip: Any) -> dict[str, Any]:
    data = tip_summary(tip)
    data.pop("is_read")
    data.update({
        "content": tip.content, "observed_at": tip.observed_at.isoformat() if tip.observed_at else None,
        "observed_place": tip.observed_place, "is_anonymous": tip.is_anonymous,
        "contact": None if tip.is_anonymous else {
            "name": tip.contact_name, "phone": tip.contact_phone, "email": tip.contact_email},
        "source_detail": tip.source_detail,
        "has_reply_channel": tip.has_reply_channel,
        "attachments": [
            {"id": a.pk, "name": a.original_name, "content_type": a.blob.content_type,
             "size_bytes": a.blob.size_bytes, "sha256": a.blob.sha256, "message_id": a.message_id}
            for a in tip.attachments.select_related("blob")
        ],
        "messages": [
            {"id": m.pk, "at": m.at.isoformat(), "direction": m.direction, "author": _user(m.author), "body": m.body}
            for m in tip.messages.select_related("author")
        ],
        "notes": [
            {"id": n.pk, "at": n.at.isoformat(), "author": _user(n.author), "body": n.body}
            for n in tip.notes.select_related("author")
        ],
        "events": [
            {"at": e.at.isoformat(), "actor": _user(e.actor), "action": e.action, "from": e.from_state,
             "to": e.to_state, "comment": e.comment}
            for e in tip.events.select_related("actor")
        ],
    })
    return data


def thread_for_tipster(tip: Any, messages: Any) -> dict[str, Any]:
    # Staff names stay internal: the tipster sees "Polizei".
    return {
        "reference": tip.reference,
        "messages": [
            {"at": m.at.isoformat(), "from": "police" if m.direction == Direction.TO_TIPSTER else "you",
             "body": m.body, "attachments": len(m.attachments.all())}
            for m in messages
        ],
    }
