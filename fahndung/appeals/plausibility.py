"""Plausibility of person and event data (issue 10, finding 8). Each check returns
field -> [German messages] like rules.py; the services refuse the write before anything
reaches the database (a constraint error would surface as a 5xx)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from fahndung.core import clock

AGE_RANGE = (0, 120)
HEIGHT_RANGE_CM = (40, 250)
CLOCK_SKEW = timedelta(minutes=5)  # devices whose clocks run a little ahead

Problems = dict[str, list[str]]


def _add(problems: Problems, field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _range(problems: Problems, data: dict[str, Any], low_key: str, high_key: str, bounds: tuple[int, int],
           what: str, unit: str) -> None:
    low, high = _number(data.get(low_key)), _number(data.get(high_key))
    for key, value in ((low_key, low), (high_key, high)):
        if value is not None and not bounds[0] <= value <= bounds[1]:
            _add(problems, key, f"{what} muss zwischen {bounds[0]} und {bounds[1]}{unit} liegen.")
    if low is not None and high is not None and high < low and low_key not in problems and high_key not in problems:
        _add(problems, high_key, f"{what} „bis“ darf nicht kleiner sein als „von“.")


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_person(data: dict[str, Any], *, today: date | None = None) -> Problems:
    """Age 0–120 and from ≤ to, height 40–250 cm, date of birth not in the future and
    consistent with the age, last seen not in the future."""
    problems: Problems = {}
    today = today or clock.now().date()
    _range(problems, data, "age_min", "age_max", AGE_RANGE, "Das Alter", " Jahren")
    _range(problems, data, "height_min_cm", "height_max_cm", HEIGHT_RANGE_CM, "Die Größe", " cm")
    born = data.get("date_of_birth")
    if isinstance(born, date):
        if born > today:
            _add(problems, "date_of_birth", "Das Geburtsdatum liegt in der Zukunft.")
        elif age_on(born, today) > AGE_RANGE[1]:
            _add(problems, "date_of_birth", f"Das Geburtsdatum ergibt ein Alter über {AGE_RANGE[1]} Jahren.")
        else:
            age = age_on(born, today)
            low, high = _number(data.get("age_min")), _number(data.get("age_max"))
            if "age_min" not in problems and "age_max" not in problems and (
                (low is not None and age < low) or (high is not None and age > high)
            ):
                _add(problems, "date_of_birth",
                     f"Das Geburtsdatum (Alter {age}) passt nicht zur Altersangabe.")
    seen = data.get("last_seen_at")
    if isinstance(seen, datetime) and seen > clock.now() + CLOCK_SKEW:
        _add(problems, "last_seen_at", "„Zuletzt gesehen“ liegt in der Zukunft.")
    return problems


def check_event(appeal: Any) -> Problems:
    """Time span ordered and not in the future; a reward, when given, is more than 0 EUR."""
    problems: Problems = {}
    start, end = appeal.occurred_from, appeal.occurred_to
    limit = clock.now() + CLOCK_SKEW
    if isinstance(start, datetime) and start > limit:
        _add(problems, "occurred_from", "Die Tatzeit liegt in der Zukunft.")
    if isinstance(end, datetime) and end > limit:
        _add(problems, "occurred_to", "Das Ende der Tatzeit liegt in der Zukunft.")
    if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        _add(problems, "occurred_to", "Das Ende der Tatzeit liegt vor dem Beginn.")
    if appeal.reward_amount is not None and _number(appeal.reward_amount) is not None and appeal.reward_amount <= 0:
        _add(problems, "reward_amount", "Eine Belohnung muss größer als 0 EUR sein (sonst das Feld leer lassen).")
    return problems
