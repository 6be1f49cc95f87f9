"""Django system checks of the publishing configuration (`manage.py check`, and every
start of runserver/migrate/celery via Django's check framework).

- publishing.W001 / E001: a LinkedIn account's API version is ≥ 11 months old (warning) or
  past LinkedIn's one-year support (error: every call would answer HTTP 426).
- publishing.W002 / E002: a LinkedIn member token expires within 14 days / has expired
  (member tokens live 60 days and cannot be refreshed; someone must reconnect).
- publishing.E003: unreadable version or expiry date.
"""

from __future__ import annotations

from datetime import date

from django.core import checks

from fahndung.core import clock
from fahndung.publishing import conf


def _today() -> date:
    return clock.now().date()


@checks.register("publishing")
def linkedin_accounts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    today = _today()
    for account in conf.accounts_from_env():
        if account.platform != "linkedin":
            continue
        version = conf.linkedin_version(account)
        age = conf.linkedin_version_age_months(version, today)
        where = f"{account.key}: LinkedIn-Version {version}"
        fix = ("Raise conf.LINKEDIN_VERSION (fahndung/publishing/conf.py) or "
               f"FAHNDUNG_LINKEDIN_{account.name.upper()}_VERSION to a current YYYYMM release.")
        if age is None:
            messages.append(checks.Error(f"{where} is not YYYYMM.", hint=fix, id="publishing.E003"))
        elif age >= conf.LINKEDIN_VERSION_SUNSET_MONTHS:
            messages.append(checks.Error(
                f"{where} is {age} months old and sunset: LinkedIn answers every call with HTTP 426.",
                hint=fix, id="publishing.E001"))
        elif age >= conf.LINKEDIN_VERSION_WARN_MONTHS:
            messages.append(checks.Warning(
                f"{where} is {age} months old; LinkedIn retires versions after about 12 months.",
                hint=fix, id="publishing.W001"))
        try:
            expires = conf.linkedin_token_expires(account)
        except ValueError:
            messages.append(checks.Error(f"{account.key}: TOKEN_EXPIRES is not a date (YYYY-MM-DD).",
                                         id="publishing.E003"))
            continue
        if expires is None:
            continue
        days = (expires - today).days
        reconnect = "Reconnect the LinkedIn account (new OAuth token) and update TOKEN and TOKEN_EXPIRES."
        if days < 0:
            messages.append(checks.Error(f"{account.key}: the LinkedIn token expired on {expires}.",
                                         hint=reconnect, id="publishing.E002"))
        elif days <= conf.LINKEDIN_TOKEN_WARN_DAYS:
            messages.append(checks.Warning(f"{account.key}: the LinkedIn token expires on {expires} "
                                           f"(in {days} days).", hint=reconnect, id="publishing.W002"))
    return messages
