"""Account health: what the last platform calls showed about each account as a whole.

States: ok · throttled (until a time) · reconnect needed · API version outdated. The
engine (services_remote) records every AdapterError that carries an `account_problem`
and every success; staff see the states with the last error in German on
/staff/publishing/accounts/. "Reconnect needed" and "version outdated" need a person:
the press office is e-mailed once per problem, and takedowns on such an account go
straight to a manual task with the post's link (services_remote) instead of trusting an
answer the account cannot give.

Public surface:
  account_health_record(*, account, platform, error) -> AccountHealth | None
  account_health_ok(*, account) -> None              a call on the account succeeded
  account_health_reset(*, actor, account) -> None    staff: "reconnected, try again"
  account_blocked(*, account) -> AccountHealth | None   needs a person (no API calls)
  account_throttled_for(*, account) -> float           seconds the account must wait
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from fahndung.accounts.roles import ADMIN, PRESS_OFFICE, has_role_or_superuser
from fahndung.accounts.selectors import emails_with_role
from fahndung.core import clock
from fahndung.core.audit import audit_record
from fahndung.core.errors import PermissionDenied
from fahndung.publishing import conf
from fahndung.publishing.adapters.base import AccountProblem, AdapterError
from fahndung.publishing.models import AccountHealth

log = logging.getLogger(__name__)
Status = AccountHealth.Status

_STATUS_OF = {
    AccountProblem.THROTTLED: Status.THROTTLED,
    AccountProblem.RECONNECT_NEEDED: Status.RECONNECT_NEEDED,
    AccountProblem.VERSION_OUTDATED: Status.VERSION_OUTDATED,
}
# German explanations for the staff page (stored texts are German records, like audit notes).
_EXPLAIN = {
    Status.THROTTLED: "Die Plattform drosselt das Konto vorübergehend; Aufrufe warten bis zur Freigabe.",
    Status.RECONNECT_NEEDED: ("Die Plattform verweigert den Zugriff: Zugangsschlüssel abgelaufen, widerrufen oder "
                              "ohne die nötigen Rechte (z. B. Seitenrolle entzogen). Bitte das Konto neu verbinden. "
                              "Bis dahin werden Löschungen als manuelle Aufgabe angelegt."),
    Status.VERSION_OUTDATED: ("Die eingestellte API-Version wird von der Plattform nicht mehr unterstützt. Bitte "
                              "die Version in der Konfiguration aktualisieren. Bis dahin werden Löschungen als "
                              "manuelle Aufgabe angelegt."),
}
NEEDS_PERSON = (Status.RECONNECT_NEEDED, Status.VERSION_OUTDATED)
# A throttle without a reset time from the platform: wait this long before the next call.
DEFAULT_THROTTLE_SECONDS = 60.0


def explanation(status: str) -> str:
    return _EXPLAIN.get(status, "")


def account_health_record(*, account: str, platform: str, error: AdapterError) -> AccountHealth | None:
    """Store what an account-level error says. A worse state (reconnect/version) is not
    downgraded by a later throttle. Returns the row, or None for post-level errors."""
    status = _STATUS_OF.get(error.account_problem)
    if status is None:
        return None
    now = clock.now()
    with transaction.atomic():
        health = _locked(account, platform)
        text = f"{_EXPLAIN[status]} Meldung der Plattform: {error.message}"[:2000]
        if status == Status.THROTTLED:
            wait = error.retry_after if error.retry_after is not None else DEFAULT_THROTTLE_SECONDS
            until = now + timedelta(seconds=max(1.0, min(float(wait), 24 * 3600.0)))
            health.throttled_until = max(until, health.throttled_until or until)
            if health.status not in NEEDS_PERSON:
                if health.status != Status.THROTTLED:
                    health.since = now
                health.status = Status.THROTTLED
                health.last_error, health.last_error_at = text, now
            health.save()
            return health
        if health.status != status:
            health.since = now
            health.notified_at = None
        health.status = status
        health.last_error, health.last_error_at = text, now
        notify = health.notified_at is None
        if notify:
            health.notified_at = now
        health.save()
        audit_record(actor=None, action=f"account.{status}", obj=health, appeal_id=None,
                     detail={"account": account, "error": error.message[:500]})
        if notify:
            subject, body = _mail(health)
            transaction.on_commit(lambda: _send(subject, body), robust=True)
    return health


def account_health_ok(*, account: str) -> None:
    """A call on the account succeeded: an expired throttle or a fixed token is ok again.
    One UPDATE, no row is created for healthy accounts."""
    now = clock.now()
    rows = AccountHealth.objects.filter(account=account).exclude(status=Status.OK)
    # An active throttle is not lifted by one lucky call (the platform set the reset time).
    rows.exclude(status=Status.THROTTLED, throttled_until__gt=now).update(
        status=Status.OK, throttled_until=None, since=None, notified_at=None, updated_at=now)


def account_health_reset(*, actor: Any, account: str) -> None:
    """Staff reconnected the account (new token/version): try the API again."""
    if not has_role_or_superuser(actor, PRESS_OFFICE, ADMIN):
        raise PermissionDenied("Nur Pressestelle oder Administration können Konten zurücksetzen.")
    with transaction.atomic():
        health = AccountHealth.objects.select_for_update().filter(account=account).first()
        if health is None or health.status == Status.OK:
            return
        previous = health.status
        health.status, health.throttled_until, health.since, health.notified_at = Status.OK, None, None, None
        health.save()
        audit_record(actor=actor, action="account.reset", obj=health, appeal_id=None,
                     detail={"account": account, "previous": previous})


def account_blocked(*, account: str) -> AccountHealth | None:
    return AccountHealth.objects.filter(account=account, status__in=NEEDS_PERSON).first()


def account_throttled_for(*, account: str) -> float:
    now = clock.now()
    health = AccountHealth.objects.filter(account=account, throttled_until__gt=now).first()
    return (health.throttled_until - now).total_seconds() if health is not None else 0.0


def _locked(account: str, platform: str) -> AccountHealth:
    health, _ = AccountHealth.objects.get_or_create(account=account, defaults={"platform": platform})
    return AccountHealth.objects.select_for_update().get(pk=health.pk)


def _mail(health: AccountHealth) -> tuple[str, str]:
    account = conf.account_get(health.account)
    label = account.label if account is not None else health.account
    subject = f"[Fahndung] Konto braucht Aufmerksamkeit: {label} ({health.get_status_display()})"
    body = (f"{label}: {health.get_status_display()}\n\n{health.last_error}\n\n"
            f"Übersicht der Konten: {settings.PUBLIC_BASE_URL}/staff/publishing/accounts/\n"
            f"Offene manuelle Löschungen: {settings.PUBLIC_BASE_URL}/staff/takedowns/\n")
    return subject, body


def _send(subject: str, body: str) -> None:
    recipients = emails_with_role(PRESS_OFFICE)
    if not recipients:
        log.warning("account health: no press-office e-mail address for %r", subject)
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
