"""A period of days, as the access overview filters by it. Pure: no Flask."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    """A period of days, both ends inclusive; a missing end is open."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, first: date, last: date) -> bool:
        """True when the days first..last share at least one day with this period."""
        return (self.end is None or first <= self.end) and (self.start is None or self.start <= last)
