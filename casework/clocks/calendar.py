"""Working days: not a Saturday or Sunday, not a national holiday, not cuti bersama.
The calendar is data (table `holiday`, seeded from `db/seed_data/holidays.csv`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class HolidayCalendar:
    days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, days: Iterable[date]) -> HolidayCalendar:
        return cls(frozenset(days))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (day itself not counted)."""
        current = day
        left = count
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current


EMPTY = HolidayCalendar()
