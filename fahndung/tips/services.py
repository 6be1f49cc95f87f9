"""Writes of the tips app: the public surface other areas call.

Intake (tips.intake): ``tip_submit_public``, ``tip_log_staff`` (R10: staff log a
platform comment as a tip with channel="social_comment"), ``tipster_authenticate``,
``tipster_add_information``.
Triage (tips.triage): ``tip_open`` (audited read), ``tip_transition``,
``tip_mark_duplicate``, ``tip_assign``, ``tip_note_add``, ``tip_reply``,
``tip_attachment_open``, ``tip_export_pdf``.
Outbox (tips.outbox): ``outbox_relay``, ``outbox_process``, ``outbox_sweep``,
``outbox_requeue_failed``, ``outbox_stats``.
Keys: ``tip_keys_rotate``.
Retention (tips.purge): ``tips_purge_appeal`` (R19, called by lifecycle's appeal_purge).
"""

from __future__ import annotations

from django.db import connection, transaction

from fahndung.core import clock
from fahndung.tips import crypto
from fahndung.tips.intake import (
    TipReceipt,
    TooManyRequests,
    tip_log_staff,
    tip_submit_public,
    tipster_add_information,
    tipster_authenticate,
)
from fahndung.tips.models import (
    BenchRow,
    Tip,
    TipAttachment,
    TipBlob,
    TipEvent,
    TipMessage,
    TipNote,
)
from fahndung.tips.outbox import (
    outbox_process,
    outbox_relay,
    outbox_requeue_failed,
    outbox_stats,
    outbox_sweep,
)
from fahndung.tips.purge import tips_purge_appeal
from fahndung.tips.triage import (
    tip_assign,
    tip_attachment_open,
    tip_export_pdf,
    tip_mark_duplicate,
    tip_note_add,
    tip_open,
    tip_reply,
    tip_transition,
)

__all__ = [
    "TipReceipt", "TooManyRequests", "bench_insert", "outbox_process", "outbox_relay", "outbox_requeue_failed", "outbox_stats",
    "outbox_sweep", "tip_assign", "tip_attachment_open", "tip_export_pdf", "tip_keys_rotate", "tip_log_staff",
    "tip_mark_duplicate", "tip_note_add", "tip_open", "tip_reply", "tip_submit_public", "tip_transition", "tips_purge_appeal",
    "tipster_add_information", "tipster_authenticate",
]

_ROTATE = (
    (Tip, ("secret_pending", "content", "observed_place", "contact_name", "contact_phone", "contact_email", "source_detail", "replay_secret")),
    (TipEvent, ("comment",)),
    (TipNote, ("body",)),
    (TipMessage, ("body",)),
    (TipAttachment, ("original_name",)),
)


def tip_keys_rotate(*, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted column and re-wrap every file key with the current key.

    Works on raw column values (no decrypt/encrypt round trip through the field), so
    it is safe to run repeatedly and while the application is serving.
    """
    counts: dict[str, int] = {}
    for model, columns in _ROTATE:
        done = 0
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        table = model._meta.db_table
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            with transaction.atomic(), connection.cursor() as cursor:
                cols = ", ".join(connection.ops.quote_name(c) for c in columns)
                placeholders = ", ".join(["%s"] * len(chunk))
                # Identifiers come from model meta, values are parameters.
                cursor.execute(f"SELECT id, {cols} FROM {table} WHERE id IN ({placeholders})", chunk)  # noqa: S608
                sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
                for row in cursor.fetchall():
                    new = [crypto.rotate_token(v) if v else v for v in row[1:]]
                    cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*new, row[0]])  # noqa: S608
                    done += 1
        counts[model.__name__] = done
    blobs = 0
    for blob in TipBlob.objects.order_by("pk").iterator():
        TipBlob.objects.filter(pk=blob.pk).update(wrapped_key=crypto.rotate_wrapped_key(blob.wrapped_key))
        blobs += 1
    counts["TipBlob"] = blobs
    return counts


def bench_insert() -> BenchRow:
    """Benchmark baseline: one row, one INSERT (FAHNDUNG_BENCH_ENDPOINTS only)."""
    return BenchRow.objects.create(created_at=clock.now())
