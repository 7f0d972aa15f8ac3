"""Receiving a station's recordings: resumable, chunked segment uploads into the blob store.

A segment arrives as PUTs of byte ranges. Each chunk is streamed into a temp file under
``<data_dir>/video_uploads`` (never held in memory), fsynced, and only then counted in
``Segment.received``; so after a crash or SIGKILL the count names bytes that are on disk, and a
longer temp file is cut back to it before the next chunk. Concurrent requests for one segment
are serialised by an exclusive lock on its temp file (the loser is told to retry).

When the last byte is in, the file goes into the encrypted blob store in one pass (its address
is the SHA-256 of the plaintext, so that pass is also the hash check against the manifest), the
row gets its digest and either ``verified_at`` or a Russian ``problem``, and the temp file is
removed. Every step is idempotent: a crash between them is finished by the next request (a
status query included), and a segment already stored answers "stored" again.

A manifest must name this recording, this seq and this station, repeat the recording's source
and label (they are rebuilt from the recording on playback) and carry a valid signature by the
station's key — otherwise the chunk is refused before a byte is written (`ValidationError`).
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import peewee

from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.services.kiosk import utcnow
from plugins.video_capture.binding import current_binding
from plugins.video_capture.chain import SegmentManifest, signature_valid
from plugins.video_capture.models import Recording, Segment, Station
from plugins.video_capture.stations import ConflictError
from plugins.video_capture.verification import BAD_SIGNATURE, HASH_MISMATCH, parse_manifest_time

UPLOAD_DIR = "video_uploads"
MAX_SEGMENT_BYTES = 4 * 1024 ** 3
MAX_CHUNK_BYTES = 64 * 1024 ** 2
BLOCK = 256 * 1024
_RANGE = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+)")


@dataclass(frozen=True)
class ContentRange:
    """``bytes START-END/TOTAL`` (END inclusive); ``bytes */TOTAL`` carries no bytes (finish only)."""

    start: int
    end: int  # start - 1 for an empty range
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class UploadState:
    """Where a segment's upload stands; `completed` is true only for the request that stored it."""

    received: int
    size: int | None
    stored: bool
    verified: bool = False
    problem: str | None = None
    completed: bool = False

    def as_json(self) -> dict:
        data = {"received": self.received, "size": self.size, "stored": self.stored}
        if self.stored:
            data.update(verified=self.verified, problem=self.problem)
        return data


def parse_content_range(header: str | None) -> ContentRange:
    match = _RANGE.fullmatch((header or "").strip())
    if not match:
        raise ValidationError("Заголовок Content-Range должен иметь вид «bytes НАЧАЛО-КОНЕЦ/РАЗМЕР».")
    total = int(match.group(3))
    start, end = (int(match.group(1)), int(match.group(2))) if match.group(1) else (total, total - 1)
    if total <= 0 or total > MAX_SEGMENT_BYTES:
        raise ValidationError(f"Размер сегмента должен быть от 1 байта до {MAX_SEGMENT_BYTES // 1024 ** 3} ГБ.")
    if match.group(1) and (end < start or end >= total):
        raise ValidationError("Диапазон Content-Range выходит за размер сегмента.")
    if end - start + 1 > MAX_CHUNK_BYTES:
        raise ValidationError(f"Часть сегмента больше {MAX_CHUNK_BYTES // 1024 ** 2} МБ: отправляйте частями поменьше.")
    return ContentRange(start, end, total)


# --- recordings ------------------------------------------------------------------------------------

def create_recording(station: Station, data: object, sources: set[str]) -> Recording:
    """POST /api/recordings: idempotent on the station's UUID; bound to whom the station films now."""
    if not isinstance(data, dict):
        raise ValidationError("Ожидался объект JSON с полями uuid, source, label, started_at.")
    try:
        key = str(uuid_module.UUID(str(data.get("uuid", ""))))
    except ValueError:
        raise ValidationError("Поле «uuid» должно быть UUID записи.") from None
    source, label = data.get("source"), data.get("label")
    if source not in sources:
        raise ValidationError(f"Неизвестный источник видео «{source}».")
    if not isinstance(label, str) or not label.strip() or len(label) > 200:
        raise ValidationError("Поле «label» — подпись записи, от 1 до 200 знаков.")
    started_at = _utc(data.get("started_at"))
    with write_transaction():
        existing = Recording.get_or_none(Recording.uuid == key)
        if existing is not None:
            if existing.station_id != station.id:
                raise ConflictError("Запись с этим идентификатором принадлежит другой станции.")
            return existing
        binding = current_binding(station)
        return Recording.create(uuid=key, station=station.id, source=source, label=label, group=binding.group,
                                member=binding.member, started_at=started_at)


def _utc(value: object) -> dt.datetime:
    """Any ISO 8601 time with a zone («…Z» too) as naive UTC."""
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError("Поле «started_at» — время начала записи в UTC, например 2026-11-23T10:00:00.000Z.")
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def station_recording(station: Station, key: str) -> Recording:
    try:
        key = str(uuid_module.UUID(key))
    except ValueError:
        key = ""
    recording = Recording.get_or_none((Recording.uuid == key) & (Recording.station == station.id))
    if recording is None:
        raise NotFoundError("Запись не найдена: сначала создайте её (POST /p/video_capture/api/recordings).")
    if recording.destroyed_at is not None:
        raise ConflictError("Запись уничтожена по истечении срока хранения: сегменты к ней не принимаются.")
    return recording


# --- manifests -------------------------------------------------------------------------------------

def read_manifest(encoded: str | None, signature: str | None, station: Station, recording: Recording,
                  seq: int) -> SegmentManifest:
    """The X-Segment-Manifest header, checked against the URL, the station and its key."""
    try:
        raw = base64.b64decode((encoded or "").strip(), validate=True)
        manifest = SegmentManifest.from_dict(json.loads(raw.decode("utf-8")))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, TypeError, AttributeError):
        raise ValidationError("Заголовок X-Segment-Manifest должен содержать описание сегмента: JSON в base64.") \
            from None
    except ValueError as ex:
        raise ValidationError(str(ex)) from None
    if manifest.recording != recording.uuid or manifest.seq != seq or manifest.station != station.id:
        raise ValidationError("Описание сегмента относится к другой записи, другому номеру или другой станции.")
    if manifest.source != recording.source or manifest.label != recording.label:
        raise ValidationError("Источник и подпись в описании сегмента должны совпадать с записью.")
    try:
        start, end = (parse_manifest_time(manifest.started_at, "Время начала"),
                      parse_manifest_time(manifest.ended_at, "Время окончания"))
    except ValueError as ex:
        raise ValidationError(str(ex)) from None
    if end < start:
        raise ValidationError("Сегмент заканчивается раньше, чем начинается.")
    if not signature or not station.public_key or not signature_valid(manifest, signature.strip().lower(),
                                                                      station.public_key):
        audit.record("video_segment_refused", "video_capture_recording", recording.id,
                     {"seq": seq, "sha256": manifest.sha256, "reason": BAD_SIGNATURE})
        raise ValidationError(BAD_SIGNATURE)
    return manifest


# --- chunks ----------------------------------------------------------------------------------------

def upload_path(data_dir: Path, recording: Recording, seq: int) -> Path:
    return Path(data_dir) / UPLOAD_DIR / f"{recording.id}-{seq}.part"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    """The temp file, opened (created) and exclusively locked; another request holding it → 409."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConflictError("Этот сегмент сейчас принимается другим запросом: повторите позже.") from None
        yield fd
    finally:
        os.close(fd)


def _segment(recording: Recording, manifest: SegmentManifest, signature: str, total: int) -> Segment:
    """The row of this upload (created at the first chunk); another file for the same seq → 409."""
    values = dict(recording=recording.id, seq=manifest.seq, started_at=parse_manifest_time(manifest.started_at, ""),
                  ended_at=parse_manifest_time(manifest.ended_at, ""), frames=manifest.frames,
                  width=manifest.width, height=manifest.height, sha256=manifest.sha256,
                  prev_sha256=manifest.prev_sha256, signature=signature.strip().lower(), size=total)
    segment = Segment.get_or_none((Segment.recording == recording.id) & (Segment.seq == manifest.seq))
    if segment is None:
        try:
            with write_transaction():
                return Segment.create(**values)
        except peewee.IntegrityError:  # another worker created it just now
            segment = Segment.get((Segment.recording == recording.id) & (Segment.seq == manifest.seq))
    if any(getattr(segment, name) != value for name, value in values.items() if name != "recording"):
        audit.record("video_segment_conflict", "video_capture_segment", segment.id,
                     {"recording": recording.uuid, "seq": manifest.seq, "stored_sha256": segment.sha256,
                      "sent_sha256": manifest.sha256, "size": total})
        state = "сохранён" if segment.digest else "принимается"
        raise ConflictError(f"Сегмент № {manifest.seq} этой записи уже {state} с другим содержимым: другой файл "
                            "под тем же номером не принимается.")
    return segment


def _state(segment: Segment, *, completed: bool = False) -> UploadState:
    return UploadState(segment.received, segment.size, segment.digest is not None, segment.verified_at is not None,
                       segment.problem, completed)


def receive_chunk(blobs, data_dir: Path, recording: Recording, manifest: SegmentManifest, signature: str,
                  rng: ContentRange, body: BinaryIO) -> UploadState:
    """Append one chunk (bytes already received are skipped), and store the segment once complete."""
    segment = _segment(recording, manifest, signature, rng.total)
    if segment.digest is not None:
        return _state(segment)
    path = upload_path(data_dir, recording, segment.seq)
    with _locked(path) as fd:
        segment = Segment.get_by_id(segment.id)  # another request may have moved it on meanwhile
        if segment.digest is not None:
            path.unlink(missing_ok=True)
            return _state(segment)
        received = min(segment.received, os.fstat(fd).st_size)  # never count bytes the disk lost
        if received != segment.received:
            _count(segment, received)
        if rng.start > received:
            raise ConflictError(f"Получено только {received} байт сегмента: продолжите с этого места.",
                                received=received)
        os.ftruncate(fd, received)  # bytes past the count were never acknowledged
        written = _copy(body, fd, received, skip=min(received - rng.start, rng.length),
                        length=rng.length) if rng.length else 0
        if written:
            os.fsync(fd)
            _count(segment, received + written)
        if rng.length and rng.start + rng.length > segment.received:
            raise ValidationError("Часть сегмента пришла не полностью: соединение прервалось. Продолжите загрузку.")
        if segment.received < segment.size:
            return _state(segment)
        return _complete(blobs, recording, segment, path)


def _count(segment: Segment, received: int) -> None:
    """Record how many bytes are safely on disk (called only after they were fsynced)."""
    with write_transaction():
        Segment.update(received=received).where(Segment.id == segment.id).execute()
    segment.received = received


def _copy(body: BinaryIO, fd: int, offset: int, *, skip: int, length: int) -> int:
    """Stream `length` bytes of the request body to the file at `offset`, dropping the first `skip`
    (already stored); returns how many were written."""
    left, written = length, 0
    while left:
        block = body.read(min(BLOCK, left))
        if not block:
            break
        left -= len(block)
        if skip >= len(block):
            skip -= len(block)
            continue
        block = block[skip:] if skip else block
        skip = 0
        os.pwrite(fd, block, offset + written)
        written += len(block)
    return written


def _complete(blobs, recording: Recording, segment: Segment, path: Path) -> UploadState:
    """The whole file is in: store it encrypted, record the verdict, drop the temp file."""
    on_disk = path.stat().st_size if path.exists() else 0
    if on_disk < segment.size:  # the temp file lost bytes it had (a disk was restored): ask for them again
        _count(segment, on_disk)
        return _state(segment)
    with open(path, "rb") as f:
        ref = blobs.put_stream(f, max_size=segment.size)
    problem = None
    if ref.digest != segment.sha256 or ref.size != segment.size:
        problem = HASH_MISMATCH
    now = utcnow()
    with write_transaction():
        Segment.update(digest=ref.digest, verified_at=None if problem else now, problem=problem,
                       received_at=now).where((Segment.id == segment.id) & Segment.digest.is_null()).execute()
        Recording.update(last_segment_at=now).where(Recording.id == recording.id).execute()
        if problem:
            audit.record("video_segment_problem", "video_capture_segment", segment.id,
                         {"recording": recording.uuid, "seq": segment.seq, "problem": problem,
                          "manifest_sha256": segment.sha256, "file_sha256": ref.digest})
    path.unlink(missing_ok=True)
    return _state(Segment.get_by_id(segment.id), completed=True)


def upload_status(blobs, data_dir: Path, recording: Recording, seq: int) -> UploadState:
    """How far a segment got (HEAD / GET …/status); a fully received one left unstored by a crash
    is stored now."""
    segment = Segment.get_or_none((Segment.recording == recording.id) & (Segment.seq == seq))
    if segment is None:
        return UploadState(0, None, False)
    if segment.digest is None and segment.received >= segment.size:
        path = upload_path(data_dir, recording, seq)
        with contextlib.suppress(ConflictError), _locked(path):
            segment = Segment.get_by_id(segment.id)
            if segment.digest is None:
                return _complete(blobs, recording, segment, path)
            path.unlink(missing_ok=True)  # the lock made an empty file: another request stored it
    return _state(segment)
