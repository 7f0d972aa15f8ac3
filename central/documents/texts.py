"""Dates in words as 725н writes them on a certificate: «7 июня 2029 года»."""
from __future__ import annotations

import datetime as dt

from core.documents.texts import MONTHS_GENITIVE

DASH = "—"


def date_in_words(value: dt.date | None) -> str:
    """«7 июня 2029 года»; «—» when there is no date yet."""
    if value is None:
        return DASH
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} года"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
