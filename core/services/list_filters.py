"""What the filters of the staff lists share («Заявления», «Результаты экзаменов», groups, the expert's list).

The same fields must read and answer the same everywhere: the ФИО to search, the qualification,
and a period «с … по …» of whole days, the «по» day included. The forms report every wrong
field next to itself (`Checker`); the period becomes database conditions, so lists filter and
paginate in the database.
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping

import peewee

from core.services.applicant_profile import Checker, parse_date

MAX_NAME = 100


def read_name(check: Checker, params: Mapping[str, str]) -> str:
    """The ФИО to search, with runs of spaces folded."""
    name = " ".join((params.get("name") or "").split())
    if len(name) > MAX_NAME:
        check.add("name", f"ФИО для поиска — не более {MAX_NAME} символов.")
    return name


def read_qualification(check: Checker, params: Mapping[str, str]) -> int | None:
    """The id of the qualification chosen in the list, if any."""
    qualification = params.get("qualification") or ""
    if qualification and not qualification.isdigit():
        check.add("qualification", "Выберите квалификацию из списка.")
        return None
    return int(qualification) if qualification else None


def read_period(check: Checker, params: Mapping[str, str], label_from: str,
                label_to: str) -> tuple[dt.date | None, dt.date | None]:
    """The dates `date_from` and `date_to`, either may be empty; «по» must not come before «с»."""
    date_from = check(parse_date, params.get("date_from"), "date_from", label_from, required=False)
    date_to = check(parse_date, params.get("date_to"), "date_to", label_to, required=False)
    if date_from and date_to and date_to < date_from:
        check.add("date_to", "Дата «по» раньше даты «с».")
    return date_from, date_to


def within_days(field: peewee.Field, date_from: dt.date | None, date_to: dt.date | None) -> list[peewee.Expression]:
    """Conditions keeping `field` (a date and time) from the start of `date_from` to the end of `date_to`."""
    conditions = []
    if date_from:
        conditions.append(field >= dt.datetime.combine(date_from, dt.time.min))
    if date_to:
        conditions.append(field < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    return conditions
