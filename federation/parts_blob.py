"""The parts of an outbox item kept as ONE blob, so what is sent is fixed at enqueue time.

A result's documents, protocol and ведомость are read and rendered when the item is queued;
a later change on the appliance (a re-generated protocol, a replaced document) does not alter
what the registry receives, and a resend after a crash sends the very same parts. The format is
the bundle's own part serialisation (sorted, length-prefixed), read back strictly.
"""
from __future__ import annotations

import struct
from typing import Mapping

from core.bundle import _PART_NAME
from core.exceptions import PermanentError

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
MAGIC = b"NOKP1"


class PartsBlobError(PermanentError):
    """The stored parts of an outbox item cannot be read back."""


def check_part_name(name: str) -> str:
    if not (isinstance(name, str) and _PART_NAME.fullmatch(name)):
        raise ValueError(f"invalid part name {name!r}")
    return name


def pack_parts(parts: Mapping[str, bytes]) -> bytes:
    out = [MAGIC, _U32.pack(len(parts))]
    for name in sorted(parts):
        raw = check_part_name(name).encode("ascii")
        data = bytes(parts[name])
        out += [_U16.pack(len(raw)), raw, _U64.pack(len(data)), data]
    return b"".join(out)


def unpack_parts(data: bytes) -> dict[str, bytes]:
    if not data.startswith(MAGIC):
        raise PartsBlobError("Сохранённые части пакета повреждены: неизвестный формат")
    view, pos = memoryview(data), len(MAGIC)

    def take(size: int) -> bytes:
        nonlocal pos
        if pos + size > len(view):
            raise PartsBlobError("Сохранённые части пакета обрезаны")
        chunk = bytes(view[pos:pos + size])
        pos += size
        return chunk

    count = _U32.unpack(take(_U32.size))[0]
    parts: dict[str, bytes] = {}
    for _ in range(count):
        name = take(_U16.unpack(take(_U16.size))[0]).decode("ascii", "replace")
        parts[name] = take(_U64.unpack(take(_U64.size))[0])
    if pos != len(view):
        raise PartsBlobError("После сохранённых частей пакета лишние байты")
    return parts
