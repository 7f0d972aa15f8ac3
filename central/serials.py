"""The registry's serial rules (docs/federation.md «Transport and serials»), as one pure decision.

Like devpi's replication, only the exact next serial is applied; an equal serial with the same bundle
id is a duplicate acknowledged again; a serial ahead of a gap is held; anything older is refused —
as a replay when that bundle was received before, else as a rollback (an appliance restored from an
old backup reuses serials the registry has already committed).
"""
from __future__ import annotations

import enum
from typing import Callable


class SerialDecision(str, enum.Enum):
    APPLY = "apply"          # s = L + 1: store now
    DUPLICATE = "duplicate"  # s = L, same bundle id: stored once, acknowledge again
    HOLD = "hold"            # s > L + 1: keep until the gap is filled
    REPLAY = "replay"        # this bundle id was committed before: «повтор»
    ROLLBACK = "rollback"    # an old serial with a new bundle id: «устаревший номер»


def decide(serial: int, bundle_id: str, last_serial: int, last_bundle_id: str | None,
           seen_before: Callable[[str], bool]) -> SerialDecision:
    """What to do with bundle `serial`/`bundle_id` when `last_serial` is committed.

    `seen_before(bundle_id)` tells whether a bundle with this id was committed earlier; it is asked
    only when the answer matters, since it costs a query.
    """
    if serial == last_serial and bundle_id == last_bundle_id:
        return SerialDecision.DUPLICATE
    if serial > last_serial + 1:
        return SerialDecision.HOLD
    if seen_before(bundle_id):
        return SerialDecision.REPLAY
    if serial == last_serial + 1:
        return SerialDecision.APPLY
    return SerialDecision.ROLLBACK


def replay_reason(serial: int) -> str:
    return f"Отклонён как повтор: пакет № {serial} с этим идентификатором уже был принят реестром."


def rollback_reason(serial: int, last_serial: int) -> str:
    return (f"Устаревший номер пакета № {serial}: реестр уже принял пакеты комплекса по № {last_serial}. "
            "Возможно, комплекс восстановлен из старой резервной копии.")
