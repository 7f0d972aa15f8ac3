"""`video_part` bundles: a recording arrives in chunks and is appended at the expected offset only.

The chunks are written to `<data_dir>/incoming/<appliance>/<part_id>.part` (fsynced), while
`VideoPart.received_size` in the database says how many bytes are committed. A chunk is appended only
at that offset, after cutting off whatever an interrupted, rolled-back attempt left behind, and every
answer carries `next_offset`, so the sender resumes from there after any break. When the last byte is
in, the whole file's SHA-256 must equal the part id before it moves into the encrypted blob store.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Callable

from central.models import Appliance, VideoPart
from core.bundle import OpenedBundle
from core.context import Services
from core.db import write_transaction
from core.exceptions import ValidationError
from core.models.organisations import _now
from federation.protocol import CHUNK_SIZE, PART_CHUNK_DATA, PART_CHUNK_META, ChunkMeta

log = logging.getLogger(__name__)
MIB = 1024 * 1024
MAX_META_BYTES = 64 * 1024
_READ = 1024 * 1024


class VideoChecksumError(ValidationError):
    """The assembled file does not match its part id; `on_refused` starts the part over."""

    def __init__(self, message: str, on_refused: Callable[[], None]):
        super().__init__(message)
        self.on_refused = on_refused


def part_path(services: Services, appliance: Appliance, part_id: str) -> Path:
    return services.config.data_dir / "incoming" / appliance.appliance_id / f"{part_id}.part"


def read_chunk(services: Services, bundle: OpenedBundle) -> tuple[ChunkMeta, bytes]:
    """The chunk's description and bytes, checked against the protocol's limits."""
    if set(bundle.parts) != {PART_CHUNK_META, PART_CHUNK_DATA}:
        raise ValidationError(f"Пакет части видеозаписи должен содержать ровно «{PART_CHUNK_META}» "
                              f"и «{PART_CHUNK_DATA}».")
    meta = ChunkMeta.from_bytes(bytes(bundle.parts[PART_CHUNK_META]))
    data = bytes(bundle.parts[PART_CHUNK_DATA])
    if len(data) > CHUNK_SIZE:
        raise ValidationError(f"Часть видеозаписи больше допустимых {CHUNK_SIZE // MIB} МБ.")
    if meta.offset + len(data) > meta.total_size:
        raise ValidationError("Часть видеозаписи выходит за объявленный размер файла.")
    limit = services.config.max_video_mb * MIB
    if meta.total_size > limit:
        raise ValidationError(f"Видеозапись больше допустимых {services.config.max_video_mb} МБ.")
    if len(json.dumps(meta.meta, ensure_ascii=False)) > MAX_META_BYTES:
        raise ValidationError("Описание видеозаписи слишком велико.")
    return meta, data


def _part(appliance: Appliance, part_id: str) -> VideoPart | None:
    return VideoPart.get_or_none(VideoPart.appliance == appliance, VideoPart.part_id == part_id)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append(path: Path, committed: int, data: bytes) -> None:
    """Write `data` at `committed`, dropping bytes an uncommitted attempt left after it; fsync."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        _fsync_dir(path.parent.parent)
    created = not path.exists()
    with open(path, "r+b" if not created else "wb") as f:
        f.truncate(committed)
        f.seek(committed)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if created:
        _fsync_dir(path.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_READ):
            digest.update(block)
    return digest.hexdigest()


def _start_over(part_pk: int, path: Path) -> Callable[[], None]:
    def reset() -> None:
        with write_transaction():
            part = VideoPart.get_or_none(VideoPart.id == part_pk)  # gone when this chunk created it
            if part is not None and part.received_size:
                part.received_size = 0
                part.save()
        path.unlink(missing_ok=True)
    return reset


def store_chunk(services: Services, appliance: Appliance, bundle: OpenedBundle,
                after_commit: list[Callable[[], None]]) -> dict[str, Any]:
    """Append one chunk if it is the expected one; answer the offset expected next."""
    meta, data = read_chunk(services, bundle)
    part = _part(appliance, meta.part_id)
    if part is None:
        part = VideoPart.create(appliance=appliance, part_id=meta.part_id, title=meta.title[:300] or meta.part_id,
                                meta=json.dumps(meta.meta, ensure_ascii=False), total_size=meta.total_size)
    elif part.total_size != meta.total_size:
        raise ValidationError(f"Размер видеозаписи «{part.title}» не совпадает с ранее заявленным "
                              f"({meta.total_size} вместо {part.total_size} байт).")
    if part.blob_digest is not None:
        return {"next_offset": part.total_size}
    path = part_path(services, appliance, part.part_id)
    on_disk = path.stat().st_size if path.exists() else 0
    if on_disk < part.received_size:  # the part file was lost: resume from what is really there
        log.warning("Файл части видеозаписи %s короче принятого (%d < %d); приём продолжится с %d",
                    path, on_disk, part.received_size, on_disk)
        part.received_size = on_disk
        part.save()
    if meta.offset != part.received_size:
        return {"next_offset": part.received_size}
    _append(path, part.received_size, data)
    part.received_size += len(data)
    if part.received_size == part.total_size:
        if _sha256(path) != part.part_id:
            raise VideoChecksumError(
                f"Контрольная сумма видеозаписи «{part.title}» не совпала; запись будет принята заново с начала.",
                _start_over(part.id, path))
        with open(path, "rb") as f:
            part.blob_digest = services.blobs.put_stream(f).digest
        part.completed_at = _now()
        after_commit.append(lambda: path.unlink(missing_ok=True))
    part.save()
    return {"next_offset": part.received_size}


def duplicate_extras(services: Services, appliance: Appliance, bundle: OpenedBundle) -> dict[str, Any]:
    """A resent chunk that was committed already: tell the sender where to continue."""
    meta, _ = read_chunk(services, bundle)
    part = _part(appliance, meta.part_id)
    return {"next_offset": part.received_size if part is not None else 0}
