"""Settings of the tips app, read from FAHNDUNG_* environment variables.

Public surface: one function per setting. Each returns a Django setting of the same
name when present (tests override them with pytest-django's `settings` fixture),
otherwise the environment value, otherwise a safe default.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from fahndung.core.env import env_bool, env_int, env_list, env_secret, env_str


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def tips_keys() -> list[str]:
    """Fernet keys, comma-separated, first = current (FAHNDUNG_TIPS_KEYS or _FILE)."""
    value = _get("FAHNDUNG_TIPS_KEYS", None)
    if value is None:
        raw = env_secret("FAHNDUNG_TIPS_KEYS")
        value = [k.strip() for k in raw.split(",") if k.strip()]
    return list(value)


def configured_debug() -> bool:
    # The configured flag, not settings.DEBUG: the test runner forces DEBUG off, but
    # a dev/test checkout without a key should still work with a derived key.
    return env_bool("FAHNDUNG_DEBUG", True)


def max_total_bytes() -> int:
    return int(_get("FAHNDUNG_TIP_MAX_TOTAL_BYTES", env_int("FAHNDUNG_TIP_MAX_TOTAL_BYTES", 2 * 1024**3)))


def max_files() -> int:
    return int(_get("FAHNDUNG_TIP_MAX_FILES", env_int("FAHNDUNG_TIP_MAX_FILES", 10)))


def max_text_chars() -> int:
    return int(_get("FAHNDUNG_TIP_MAX_TEXT_CHARS", env_int("FAHNDUNG_TIP_MAX_TEXT_CHARS", 20000)))


def max_pixels() -> int:
    return int(_get("FAHNDUNG_PHOTO_MAX_PIXELS", 60_000_000))


def _rate(name: str, default: str) -> tuple[int, int]:
    raw = str(_get(name, env_str(name, default)))
    count, _, seconds = raw.partition("/")
    return int(count), int(seconds or 60)


def submit_rate() -> tuple[int, int]:
    """(requests, seconds) per client key for new tips; FAHNDUNG_TIP_RATE_LIMIT="30/600".

    Generous on purpose: during a surge many honest tipsters share one address (mobile
    carrier NAT), and a refused tip is worse than a spam tip that triage discards."""
    return _rate("FAHNDUNG_TIP_RATE_LIMIT", "30/600")


def followup_rate() -> tuple[int, int]:
    """Reference+secret look-ups per client key (guessing protection)."""
    return _rate("FAHNDUNG_TIP_FOLLOWUP_RATE_LIMIT", "30/600")


def notify_batch_seconds() -> int:
    return int(_get("FAHNDUNG_TIP_NOTIFY_BATCH_SECONDS", env_int("FAHNDUNG_TIP_NOTIFY_BATCH_SECONDS", 600)))


def replay_window_seconds() -> int:
    return int(_get("FAHNDUNG_TIP_REPLAY_WINDOW_SECONDS", env_int("FAHNDUNG_TIP_REPLAY_WINDOW_SECONDS", 600)))


def scrypt_n() -> int:
    return int(_get("FAHNDUNG_TIP_SECRET_SCRYPT_N", env_int("FAHNDUNG_TIP_SECRET_SCRYPT_N", 2**14)))


def outbox_max_attempts() -> int:
    return int(_get("FAHNDUNG_TIP_OUTBOX_MAX_ATTEMPTS", env_int("FAHNDUNG_TIP_OUTBOX_MAX_ATTEMPTS", 20)))


def bench_endpoints() -> bool:
    return bool(_get("FAHNDUNG_BENCH_ENDPOINTS", env_bool("FAHNDUNG_BENCH_ENDPOINTS", False)))


def notify_extra_recipients() -> list[str]:
    return list(_get("FAHNDUNG_TIP_NOTIFY_EXTRA", env_list("FAHNDUNG_TIP_NOTIFY_EXTRA", [])))


def test_notify_delay() -> float:
    """Test-only hook: seconds to sleep inside the notification transaction (SIGKILL tests)."""
    return float(env_str("FAHNDUNG_TEST_NOTIFY_DELAY", "0") or 0)
