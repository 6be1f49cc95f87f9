"""Lifecycle settings, read from FAHNDUNG_* environment variables with safe defaults.

Read through functions (not module constants) so tests can override them with
the pytest-django `settings` fixture: a value in django.conf.settings wins.
"""

from __future__ import annotations

from django.conf import settings

from fahndung.core.env import env_int, env_list

_DEFAULTS: dict[str, tuple[str, int]] = {
    # Hours a press officer has to remove a post by hand before escalation starts.
    "FAHNDUNG_MANUAL_TAKEDOWN_HOURS": ("FAHNDUNG_MANUAL_TAKEDOWN_HOURS", 2),
    # Further hours until escalation moves from the press-office lead to the duty officer.
    "FAHNDUNG_ESCALATION_STEP_HOURS": ("FAHNDUNG_ESCALATION_STEP_HOURS", 1),
    # Automatic withdraw attempts before a person is asked to take over.
    "FAHNDUNG_WITHDRAW_MAX_ATTEMPTS": ("FAHNDUNG_WITHDRAW_MAX_ATTEMPTS", 8),
    # Exponential backoff between withdraw attempts: base * 2**n, capped.
    "FAHNDUNG_WITHDRAW_BACKOFF_SECONDS": ("FAHNDUNG_WITHDRAW_BACKOFF_SECONDS", 5),
    # Capped at the sweep interval so a recovered platform is retried within one sweep.
    "FAHNDUNG_WITHDRAW_BACKOFF_MAX_SECONDS": ("FAHNDUNG_WITHDRAW_BACKOFF_MAX_SECONDS", 60),
    # Backoffs up to this long are re-enqueued with a countdown; longer ones wait for the sweep.
    "FAHNDUNG_WITHDRAW_FAST_RETRY_SECONDS": ("FAHNDUNG_WITHDRAW_FAST_RETRY_SECONDS", 30),
    # A claimed withdraw not finished after this long is treated as lost (dead worker).
    "FAHNDUNG_WITHDRAW_LEASE_SECONDS": ("FAHNDUNG_WITHDRAW_LEASE_SECONDS", 120),
    # After the budget is exhausted the API is still tried this often (the manual task stays open).
    "FAHNDUNG_WITHDRAW_SLOW_RETRY_SECONDS": ("FAHNDUNG_WITHDRAW_SLOW_RETRY_SECONDS", 900),
    # Warn the owner this many days before an appeal expires.
    "FAHNDUNG_EXPIRY_WARNING_DAYS": ("FAHNDUNG_EXPIRY_WARNING_DAYS", 7),
    # R8: review at least half-yearly; R14: minors/victims/unknown dead much shorter.
    "FAHNDUNG_REVIEW_DAYS": ("FAHNDUNG_REVIEW_DAYS", 180),
    "FAHNDUNG_REVIEW_DAYS_PROTECTED": ("FAHNDUNG_REVIEW_DAYS_PROTECTED", 3),
    # Escalate an unrecorded review to the press-office lead this many days before it is due.
    "FAHNDUNG_REVIEW_ESCALATION_DAYS": ("FAHNDUNG_REVIEW_ESCALATION_DAYS", 1),
    # A minor's overdue StPO appeal is closed this long after the overdue alarm (missing: never).
    "FAHNDUNG_REVIEW_GRACE_HOURS": ("FAHNDUNG_REVIEW_GRACE_HOURS", 24),
    # R19: closed case records, orders and tips are kept this long after closing.
    "FAHNDUNG_RETENTION_DAYS": ("FAHNDUNG_RETENTION_DAYS", 3650),
    # Validity of the one-click acknowledgement link in withdrawal notices.
    "FAHNDUNG_ACK_LINK_DAYS": ("FAHNDUNG_ACK_LINK_DAYS", 90),
    # Failed notice e-mails are retried by the deadline sweep up to this many times.
    "FAHNDUNG_NOTICE_MAX_ATTEMPTS": ("FAHNDUNG_NOTICE_MAX_ATTEMPTS", 10),
}


def get(name: str) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    env_name, default = _DEFAULTS[name]
    return env_int(env_name, default)


def manual_takedown_hours() -> int:
    return get("FAHNDUNG_MANUAL_TAKEDOWN_HOURS")


def escalation_step_hours() -> int:
    return get("FAHNDUNG_ESCALATION_STEP_HOURS")


def withdraw_max_attempts() -> int:
    return get("FAHNDUNG_WITHDRAW_MAX_ATTEMPTS")


def withdraw_backoff_seconds() -> int:
    return get("FAHNDUNG_WITHDRAW_BACKOFF_SECONDS")


def withdraw_backoff_max_seconds() -> int:
    return get("FAHNDUNG_WITHDRAW_BACKOFF_MAX_SECONDS")


def withdraw_fast_retry_seconds() -> int:
    return get("FAHNDUNG_WITHDRAW_FAST_RETRY_SECONDS")


def withdraw_lease_seconds() -> int:
    return get("FAHNDUNG_WITHDRAW_LEASE_SECONDS")


def withdraw_slow_retry_seconds() -> int:
    return get("FAHNDUNG_WITHDRAW_SLOW_RETRY_SECONDS")


def expiry_warning_days() -> int:
    return get("FAHNDUNG_EXPIRY_WARNING_DAYS")


def review_days(*, protected: bool) -> int:
    return get("FAHNDUNG_REVIEW_DAYS_PROTECTED" if protected else "FAHNDUNG_REVIEW_DAYS")


def review_reminder_days() -> list[int]:
    """Days before a review is due on which owner and press office are reminded
    (FAHNDUNG_REVIEW_REMINDER_DAYS, comma-separated, default "14,3"), largest first."""
    raw = getattr(settings, "FAHNDUNG_REVIEW_REMINDER_DAYS", None)
    items = raw if isinstance(raw, list | tuple) else (
        str(raw).split(",") if raw is not None else env_list("FAHNDUNG_REVIEW_REMINDER_DAYS", ["14", "3"])
    )
    days = {int(str(d).strip()) for d in items if str(d).strip()}
    return sorted((d for d in days if d > 0), reverse=True)


def review_escalation_days() -> int:
    return get("FAHNDUNG_REVIEW_ESCALATION_DAYS")


def review_grace_hours() -> int:
    return get("FAHNDUNG_REVIEW_GRACE_HOURS")


def retention_days() -> int:
    return get("FAHNDUNG_RETENTION_DAYS")


def ack_link_days() -> int:
    return get("FAHNDUNG_ACK_LINK_DAYS")


def notice_max_attempts() -> int:
    return get("FAHNDUNG_NOTICE_MAX_ATTEMPTS")
