"""Russian wording shared by the federation worker and `nok federation …` (plurals, times)."""
from __future__ import annotations

import datetime as dt


def plural(n: int, one: str, few: str, many: str) -> str:
    """«1 пакет», «2 пакета», «5 пакетов»."""
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def local_time(value: dt.datetime | None, empty: str = "—") -> str:
    """A stored (naive UTC) moment as the appliance's wall clock, «20.11.2026 12:05»."""
    if value is None:
        return empty
    return value.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M")
