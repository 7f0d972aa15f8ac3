"""Small pieces of Russian document text: dates, initials, the city of an address, capitalisation."""
from __future__ import annotations

import datetime as dt
import re

MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря")
_CITY = re.compile(r"\bг\.\s*([А-ЯЁ][А-Яа-яЁё\- ]*?)(?=,|$)")


def date_words(value: dt.date | None) -> str:
    """«23 ноября 2026 г.» — how Russian documents write a date; «—» when there is none."""
    if value is None:
        return "—"
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."


def date_digits(value: dt.date) -> str:
    """«23.11.2026» (payment purposes, table cells)."""
    return value.strftime("%d.%m.%Y")


def short_person_name(full_name: str | None) -> str:
    """«Петров Сергей Николаевич» → «Петров С. Н.» (the signature line transcript)."""
    parts = (full_name or "").split()
    if len(parts) < 2:
        return " ".join(parts)
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:3])])


def upper_first(text: str) -> str:
    """«в том числе НДС» → «В том числе НДС» (unlike `str.capitalize`, the rest stays as it is)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """«Генеральный директор» → «генеральный директор», for the middle of a sentence."""
    return text[:1].lower() + text[1:]


def city_of(address: str | None) -> str:
    """«г. Москва» from «109147, г. Москва, ул. …»; "" when the address names no city."""
    match = _CITY.search(address or "")
    return f"г. {match.group(1).strip()}" if match else ""
