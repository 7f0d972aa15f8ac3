"""Russian wording shared by the federation worker and `nok federation …` (plurals, times)."""
from __future__ import annotations

import datetime as dt

from core.russian import plural  # noqa: F401 (the federation's texts use it through this module)


def local_time(value: dt.datetime | None, empty: str = "—") -> str:
    """A stored (naive UTC) moment as the appliance's wall clock, «20.11.2026 12:05»."""
    if value is None:
        return empty
    return value.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M")
