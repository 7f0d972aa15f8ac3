"""What the reports share: the СПК's scope, SQL that differs by database, page bounds.

The scope and the deadlines are the domain's (`central.services.scope`, `central.services.deadlines`),
so a report counts exactly the results the «Результаты экзаменов» list shows.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import peewee

from central.models import PlannedExam
from central.services.deadlines import overdue_condition, settings_for
from central.services.paging import PER_PAGE, Page
from central.services.scope import spk_condition as result_scope
from core.db import database, is_sqlite
from core.models import Organisation

__all__ = ["PER_PAGE", "Page", "add_months", "days_between", "month_of", "overdue_condition", "page_bounds",
           "planned_scope", "result_scope", "settings_for"]


def page_bounds(total: int, page: int, per_page: int) -> tuple[int, int]:
    """The page clamped to 1..pages, and the number of pages (1 for an empty list)."""
    pages = max(1, math.ceil(total / per_page))
    return min(max(1, page), pages), pages


def planned_scope(spk: Organisation) -> peewee.Expression:
    """Planned exams of the СПК's ЦОК."""
    own_coks = Organisation.alias("plan_cok")
    return PlannedExam.cok.in_(own_coks.select(own_coks.id).where(own_coks.parent == spk.id))


def days_between(start: Any, end: Any) -> peewee.Node:
    """Whole days from the date of `start` (a date and time) to `end` (a date), in SQL."""
    if is_sqlite(database.obj):
        return peewee.fn.julianday(end) - peewee.fn.julianday(peewee.fn.date(start))
    return end - peewee.Cast(start, "date")


def month_of(field: Any) -> peewee.Node:
    """«2026-11» of a date, in SQL."""
    if is_sqlite(database.obj):
        return peewee.fn.strftime("%Y-%m", field)
    return peewee.fn.to_char(field, "YYYY-MM")


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
