"""The month calendar of exam times («Согласование даты экзамена», seed 003 рис. 14).

Each day lists the venue's times for the qualification as «09:00 (taken/seats)»; a full time
is shown but cannot be chosen. Weeks start on Monday, as Russian calendars do.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from core.services.scheduling import SlotView, free_slots

MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь")
WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
MONTHS_AHEAD = 12


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    slots: list[SlotView]


@dataclass(frozen=True)
class Month:
    first: dt.date
    weeks: list[list[Day]]
    prev: str | None  # «YYYY-MM» of the neighbour months the page may show
    next: str | None

    @property
    def title(self) -> str:
        return f"{MONTHS[self.first.month - 1]} {self.first.year}"


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """The first day of the asked month («2026-12»), kept between this month and a year ahead."""
    this = today.replace(day=1)
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        wanted = dt.date(year, month, 1)
    except ValueError:
        return this
    return min(max(wanted, this), _shift(this, MONTHS_AHEAD))


def month_calendar(venue, qualification, first: dt.date, today: dt.date) -> Month:
    """The month's grid with the slots of the venue for the qualification (one query)."""
    last = _shift(first, 1)
    start = max(first, today)
    views = free_slots(venue, qualification, start=start, days=max((last - start).days, 0)) if start < last else []
    by_day: dict[dt.date, list[SlotView]] = {}
    for view in views:
        by_day.setdefault(view.slot.starts_at.date(), []).append(view)
    grid = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    weeks = [[Day(day, day.month == first.month, by_day.get(day, []) if day.month == first.month else [])
              for day in week] for week in grid]
    this = today.replace(day=1)
    prev = _shift(first, -1) if first > this else None
    nxt = _shift(first, 1) if first < _shift(this, MONTHS_AHEAD) else None
    return Month(first, weeks, prev and f"{prev:%Y-%m}", nxt and f"{nxt:%Y-%m}")
