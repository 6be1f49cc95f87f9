"""Publishing settings, read from the environment at call time (tests/demo may change it).

Accounts: FAHNDUNG_<PLATFORM>_<ACCOUNT>_<FIELD>=value. An account is switched on when
all required fields of its platform are set. ACCOUNT is letters/digits (no "_"); the
account key becomes "<platform>:<account lower-case>", e.g. FAHNDUNG_X_LKA_ACCESS_TOKEN
-> "x:lka". Optional field LABEL gives a display name. Any field may instead be given as
<FIELD>_FILE naming a file that holds the value (container secrets).

Public surface: AccountConfig, PLATFORM_FIELDS, accounts_from_env(), account_get(),
max_attempts(), backoff_seconds(n), lease_seconds(), absent_settle_seconds(), website_enabled(),
mastodon_limit(), delete_rate(platform), LINKEDIN_VERSION, linkedin_version(account), linkedin_version_age_months(version, today),
linkedin_token_expires(account).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from fahndung.core.env import env_bool, env_int

# platform -> (required fields, optional fields)
PLATFORM_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "x": (
        ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_SECRET"),
        ("API_BASE", "UPLOAD_BASE", "MEDIA_API", "VIEW_URL", "LABEL"),
    ),
    "facebook": (("PAGE_ID", "TOKEN"), ("GRAPH_BASE", "VIEW_URL", "LABEL")),
    "instagram": (("USER_ID", "TOKEN"), ("GRAPH_BASE", "CAN_DELETE", "VIEW_URL", "LABEL")),
    "mastodon": (("BASE_URL", "TOKEN"), ("MAX_CHARS", "VIEW_URL", "LABEL")),
    "bluesky": (("HANDLE", "APP_PASSWORD"), ("PDS", "VIEW_URL", "LABEL")),
    "linkedin": (("AUTHOR", "TOKEN"), ("API_BASE", "VERSION", "TOKEN_EXPIRES", "VIEW_URL", "LABEL")),
    # Manual channels: a person posts; the variable names where.
    "whatsapp": (("CHANNEL",), ("LABEL",)),
    "press": (("RECIPIENTS",), ("LABEL",)),
    "poster": (("LOCATIONS",), ("LABEL",)),
}
MANUAL_PLATFORMS = frozenset({"whatsapp", "press", "poster"})
PLATFORM_LABELS = {
    "website": "Eigene Fahndungsseite",
    "x": "X",
    "facebook": "Facebook-Seite",
    "instagram": "Instagram",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "linkedin": "LinkedIn",
    "whatsapp": "WhatsApp-Kanal",
    "press": "Medienpartner (E-Mail)",
    "poster": "Plakataushang",
}
WEBSITE_ACCOUNT = "website:main"

_KEY = re.compile(r"^FAHNDUNG_([A-Z]+)_([A-Z0-9]+)_([A-Z_]+)$")


@dataclass(frozen=True)
class AccountConfig:
    platform: str
    name: str  # lower-case account name, e.g. "lka"
    values: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.name}"

    @property
    def label(self) -> str:
        return self.values.get("LABEL") or f"{PLATFORM_LABELS.get(self.platform, self.platform)} ({self.name})"

    @property
    def manual(self) -> bool:
        return self.platform in MANUAL_PLATFORMS

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default) or default

    def view_url(self, external_id: str, default: str) -> str:
        """Link shown to staff: VIEW_URL with {id} (URL-encoded) if configured (demo: the fake
        server's HTML view), else the platform's public URL."""
        template = self.get("VIEW_URL")
        if not template:
            return default
        from urllib.parse import quote

        return template.replace("{id}", quote(external_id, safe=""))


def accounts_from_env(environ: Mapping[str, str] | None = None) -> list[AccountConfig]:
    environ = os.environ if environ is None else environ
    found: dict[tuple[str, str], dict[str, str]] = {}
    for key, value in environ.items():
        match = _KEY.match(key)
        if not match:
            continue
        platform, account, name = match.group(1).lower(), match.group(2).lower(), match.group(3)
        if platform not in PLATFORM_FIELDS:
            continue
        if name.endswith("_FILE"):
            # Docker/K8s secrets: FAHNDUNG_X_LKA_ACCESS_SECRET_FILE=/run/secrets/…
            name = name.removesuffix("_FILE")
            try:
                value = Path(value).read_text(encoding="utf-8")
            except OSError as exc:
                raise ImproperlyConfigured(f"{key} points to an unreadable file") from exc
        required, optional = PLATFORM_FIELDS[platform]
        if name in required or name in optional:
            found.setdefault((platform, account), {})[name] = value.strip()
    accounts = []
    for (platform, account), values in sorted(found.items()):
        required, _ = PLATFORM_FIELDS[platform]
        if all(values.get(name) for name in required):
            accounts.append(AccountConfig(platform, account, values))
    return accounts


def account_get(key: str) -> AccountConfig | None:
    for account in accounts_from_env():
        if account.key == key:
            return account
    return None


def website_enabled() -> bool:
    return env_bool("FAHNDUNG_WEBSITE_PUBLICATION", True)


def max_attempts() -> int:
    return env_int("FAHNDUNG_PUBLISHING_MAX_ATTEMPTS", 8)


def backoff_seconds(attempt: int, retry_after: float | None = None, *, base: float | None = None,
                    cap: float | None = None) -> float:
    """Exponential backoff (base * 2^(n-1), capped); a platform's Retry-After wins if longer.
    base/cap default to the task settings; short in-call waits (Instagram container
    polling) pass their own."""
    base = env_int("FAHNDUNG_PUBLISHING_BACKOFF_SECONDS", 5) if base is None else base
    cap = env_int("FAHNDUNG_PUBLISHING_BACKOFF_MAX_SECONDS", 900) if cap is None else cap
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    if retry_after is not None:
        delay = max(delay, min(float(retry_after), 3600.0))
    return float(delay)


def lease_seconds() -> int:
    """How long a row may stay in "publishing" before the sweep assumes the worker died
    and re-dispatches it.

    The lease must outlast any request the dead worker may still have in flight: a
    re-dispatch looks for the lost post first, and a create the platform completes only
    after that lookup would become a second post. So it never drops below three full HTTP
    timeouts (+5 s); posts with images make more calls – raise it for those."""
    from fahndung.core.http import default_timeout

    connect, read = default_timeout()
    floor = int(3 * (connect + read)) + 5
    return max(env_int("FAHNDUNG_PUBLISHING_LEASE_SECONDS", 120), floor)


def absent_margin_seconds() -> int:
    return max(0, env_int("FAHNDUNG_PUBLISHING_ABSENT_MARGIN_SECONDS", 5))


def absent_settle_seconds() -> float:
    """How long after the last publish call a look-up that finds nothing may conclude
    "no post on the platform".

    A create our client gave up on (timeout) can still be carried out by the platform
    later – up to connect + read timeout after we sent it, plus however long the platform
    itself lags. Before this much time has passed, "not found" proves nothing. Window:
    connect + read + a safety margin of 2 × read + FAHNDUNG_PUBLISHING_ABSENT_MARGIN_SECONDS."""
    from fahndung.core.http import default_timeout

    connect, read = default_timeout()
    return connect + read + 2 * read + absent_margin_seconds()


# The one place of the LinkedIn API version (YYYYMM). LinkedIn supports a version for about
# a year, then answers every call with HTTP 426 NONEXISTENT_VERSION
# (learn.microsoft.com/linkedin/marketing/versioning). `manage.py check` warns from month
# 11 on (publishing.checks); bump it with the monthly release notes in view.
LINKEDIN_VERSION = "202609"
LINKEDIN_VERSION_WARN_MONTHS = 11
LINKEDIN_VERSION_SUNSET_MONTHS = 12
# Member access tokens live 60 days and cannot be refreshed without partner approval
# (learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens).
LINKEDIN_TOKEN_WARN_DAYS = 14


def linkedin_version(account: AccountConfig | None = None) -> str:
    return (account.get("VERSION") if account is not None else "") or LINKEDIN_VERSION


def linkedin_version_age_months(version: str, today: date) -> int | None:
    """Whole months since the version's release month; None if it is not YYYYMM."""
    match = re.fullmatch(r"(\d{4})(\d{2})", version or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return (today.year - int(match.group(1))) * 12 + today.month - int(match.group(2))


def linkedin_token_expires(account: AccountConfig) -> date | None:
    """FAHNDUNG_LINKEDIN_<ACC>_TOKEN_EXPIRES (YYYY-MM-DD, from the OAuth answer's
    expires_in); None if not set. Raises ValueError for an unreadable date."""
    value = account.get("TOKEN_EXPIRES")
    return date.fromisoformat(value[:10]) if value else None


def mastodon_limit(account: AccountConfig | None) -> int:
    if account is not None and account.get("MAX_CHARS"):
        return int(account.get("MAX_CHARS"))
    return 500


# Deletes per account and window the platforms allow (count, seconds); a mass takedown is
# paced inside them instead of running into the platform's throttle.
#   X: DELETE /2/tweets/:id 50 per 15 min per user [docs.x.com manage-tweets rate limits].
#   Mastodon: 30 deletes per 30 min per account [mastodon config/initializers/rack_attack.rb].
#   Bluesky: repo writes 5,000 points/hour, a delete costs 1 [docs.bsky.app rate-limits].
#   Graph (Facebook, Instagram) and LinkedIn publish no fixed delete count: Graph's
#   Business-Use-Case throttle is read from the answers (X-Business-Use-Case-Usage),
#   so no own limit (0 = off) unless configured.
DELETE_RATES: dict[str, tuple[int, int]] = {
    "x": (50, 900), "mastodon": (30, 1800), "bluesky": (5000, 3600),
    "facebook": (0, 60), "instagram": (0, 60), "linkedin": (0, 60),
}


def delete_rate(platform: str) -> tuple[int, int]:
    """The pacing for core.ratelimit: (count, seconds) per fixed window.

    FAHNDUNG_PUBLISHING_DELETE_RATE_<PLATFORM>="count/seconds" overrides DELETE_RATES. The
    platforms count in sliding windows; a fixed window lets up to twice its count through
    across a window boundary, so half the count per window keeps every sliding window of
    the platform inside its limit."""
    count, seconds = _delete_limit(platform)
    return (max(1, count // 2) if count > 0 else 0), seconds


def _delete_limit(platform: str) -> tuple[int, int]:
    raw = os.environ.get(f"FAHNDUNG_PUBLISHING_DELETE_RATE_{platform.upper()}", "").strip()
    if raw:
        try:
            count, seconds = (int(part) for part in raw.split("/", 1))
        except ValueError as exc:
            raise ImproperlyConfigured(f"FAHNDUNG_PUBLISHING_DELETE_RATE_{platform.upper()} must be count/seconds") from exc
        return count, max(1, seconds)
    return DELETE_RATES.get(platform, (0, 60))
