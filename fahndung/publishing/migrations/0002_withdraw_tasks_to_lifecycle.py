"""One to-do for "remove a post by hand": lifecycle's ManualTakedownTask.

Open ManualPublishTask(kind="withdraw") rows are moved over: the publication's Takedown
gets an open manual task (created, or reopened), and the old row is cancelled with a note
naming the new task. A row whose publication was withdrawn AFTER the task was created is
moot (the platform or a person confirmed the removal): it is only cancelled. A row created
after the withdrawal is a late post that could not be deleted: the publication is marked
withdraw_failed again so the reconciliation cannot close the takedown by mistake.
No schema change; "withdraw" stays a valid kind for the historical rows.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def _manual_hours() -> int:
    try:
        from fahndung.lifecycle import conf

        return int(conf.manual_takedown_hours())
    except Exception:  # settings broken during a migration: the documented default
        return 2


def _event(apps, obj, machine: str, action: str, source: str, target: str, now, note: str) -> None:
    apps.get_model("lifecycle", "LifecycleEvent").objects.create(
        appeal_id=obj.appeal_id, at=now, machine=machine, object_id=obj.pk, action=action,
        from_state=source, to_state=target, note=note,
    )


def _takedown(apps, publication, now, note: str):
    Takedown = apps.get_model("lifecycle", "Takedown")
    takedown = Takedown.objects.filter(publication_id=publication.pk).first()
    if takedown is None:
        takedown = Takedown.objects.create(
            appeal_id=publication.appeal_id, publication_id=publication.pk, platform=publication.platform,
            account=publication.account_label or publication.account, url=(publication.external_url or "")[:500],
            state="manual_required", last_error=publication.last_error or "", started_at=now, next_attempt_at=now,
        )
        _event(apps, takedown, "takedown", "give_up", "pending", "manual_required", now, note)
    elif takedown.state in ("withdrawn", "manual_confirmed"):
        source, takedown.state, takedown.finished_at, takedown.next_attempt_at = takedown.state, "manual_required", None, now
        takedown.save()
        _event(apps, takedown, "takedown", "reopen", source, "manual_required", now, note)
    elif takedown.state == "pending":
        takedown.state = "manual_required"
        takedown.save()
        _event(apps, takedown, "takedown", "give_up", "pending", "manual_required", now, note)
    return takedown


def _manual_task(apps, takedown, legacy, publication, now, note: str):
    Manual = apps.get_model("lifecycle", "ManualTakedownTask")
    deadline = now + timedelta(hours=_manual_hours())
    instructions = f"{legacy.instructions}\n\nText des Beitrags:\n{legacy.text}\n\n{note}".strip()
    reason = "no_api" if publication.channel == "manual" else "permanent_error"
    task = Manual.objects.filter(takedown=takedown).first()
    if task is None:
        return Manual.objects.create(
            appeal_id=takedown.appeal_id, takedown=takedown, platform=takedown.platform, url=takedown.url,
            search_text=(legacy.text or "").strip().split("\n")[0][:120], instructions=instructions, reason=reason,
            created_at=now, deadline_at=deadline,
        )
    if task.state in ("confirmed", "resolved"):
        source = task.state
        task.state, task.deadline_at, task.escalation_level, task.escalated_at = "open", deadline, 0, None
        task.confirmed_by, task.confirmed_at, task.instructions = None, None, instructions
        task.save()
        _event(apps, task, "manual_task", "reopen", source, "open", now, note)
    return task


def forward(apps, schema_editor) -> None:
    ManualPublishTask = apps.get_model("publishing", "ManualPublishTask")
    PublicationEvent = apps.get_model("publishing", "PublicationEvent")
    now = timezone.now()
    legacy_rows = ManualPublishTask.objects.filter(kind="withdraw", status="open").select_related("publication")
    for legacy in legacy_rows.order_by("pk"):
        publication = legacy.publication
        legacy.status, legacy.done_at = "cancelled", now
        gone_at = publication.withdrawn_at if publication.state == "withdrawn" else None
        if gone_at is not None and gone_at >= legacy.created_at:
            legacy.note = "Entfallen: Veröffentlichung ist zurückgezogen (Umstellung auf Rückzugsaufgaben)."
            legacy.save()
            continue
        note = f"Übernommen aus manueller Löschaufgabe #{legacy.pk} der Veröffentlichung."
        if publication.state == "withdrawn":
            # Created after the withdrawal: a late post is still online.
            publication.state, publication.verified_absent_at = "withdraw_failed", None
            publication.save()
            PublicationEvent.objects.create(publication=publication, at=now, from_state="withdrawn",
                                            to_state="withdraw_failed", note=note)
        takedown = _takedown(apps, publication, now, note)
        task = _manual_task(apps, takedown, legacy, publication, now, note)
        legacy.note = f"Übernommen in Rückzugsaufgabe #{task.pk} (Rückzugs-Dashboard /staff/takedowns/)."
        legacy.save()


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0001_initial"),
        ("lifecycle", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
