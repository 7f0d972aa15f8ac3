"""The retry schedule of the outbox, as data (pretix's webhook retries): base · 2^attempts, capped at 15 min.

The base is 10 s unless the appliance's config says otherwise (`federation_retry_base_seconds`).
"""
from __future__ import annotations

import datetime as dt

BASE_DELAY = dt.timedelta(seconds=10)
MAX_DELAY = dt.timedelta(minutes=15)


def delay(attempts: int, base: dt.timedelta = BASE_DELAY) -> dt.timedelta:
    """How long to wait after the `attempts`-th unanswered send (attempts ≥ 1 after the first failure)."""
    if attempts < 0:
        raise ValueError("attempts must not be negative")
    if attempts >= 20:  # far beyond the cap for any sane base: no need to compute huge powers
        return MAX_DELAY
    return min(MAX_DELAY, base * (2 ** attempts))


def next_attempt_at(now: dt.datetime, attempts: int, base: dt.timedelta = BASE_DELAY) -> dt.datetime:
    return now + delay(attempts, base)
