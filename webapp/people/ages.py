"""Age on a given day: the fact the consent rules and youth accounts are built on (pure)."""
from __future__ import annotations

from datetime import date

YOUTH_ACCOUNT_MIN_AGE = 12


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on `day`; a 29 February child ages on 1 March in non-leap years."""
    if day < birth_date:
        raise ValueError(f"day {day} is before the birth date {birth_date}")
    # Comparing (month, day) tuples makes (2, 28) < (2, 29): in a non-leap
    # year a 29 February child is still the old age on 28 February and gets
    # a year older on 1 March.
    birthday_not_yet_reached = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(birthday_not_yet_reached)
