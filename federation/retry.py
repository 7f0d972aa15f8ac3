"""The retry schedule of the outbox, as data (pretix's webhook retries): 10 s · 2^attempts, capped at 15 min."""
from __future__ import annotations

import datetime as dt

BASE_DELAY = dt.timedelta(seconds=10)
MAX_DELAY = dt.timedelta(minutes=15)


def delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th unanswered send (attempts ≥ 1 after the first failure)."""
    if attempts < 0:
        raise ValueError("attempts must not be negative")
    if attempts >= 7:  # 10 s · 2^7 > 15 min: no need to compute huge powers
        return MAX_DELAY
    return min(MAX_DELAY, BASE_DELAY * (2 ** attempts))


def next_attempt_at(now: dt.datetime, attempts: int) -> dt.datetime:
    return now + delay(attempts)
