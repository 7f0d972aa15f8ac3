"""Is a stored recording still what the stations sent? Checked on arrival and again on playback.

The database keeps each segment's manifest fields and signature; the blob store keeps its file.
`verify_recording` rebuilds every manifest from the `Segment` rows (plus the recording's
station, source and label), re-hashes each file while streaming it out of the blob store,
checks the station's Ed25519 signature and then how the segments chain together. So an edited
file, an edited database row, a deleted or a swapped segment each show up as a `ChainProblem`
at the segment where it happened (the playback page marks it there).

Manifest times travel as ISO 8601 UTC text and are stored as naive UTC datetimes; the text
must come back byte for byte to check the signature, so only the one spelling the station's
segmenter writes and `manifest_time` rebuilds is accepted on arrival: UTC with milliseconds,
«2026-11-23T10:00:00.250Z» (one fixed width, so the strings also compare in time order).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from core.exceptions import BlobIntegrityError, BlobNotFoundError
from plugins.video_capture.chain import ChainProblem, SegmentManifest, chain_problems, signature_valid
from plugins.video_capture.models import Recording, Segment

if TYPE_CHECKING:
    from core.blobstore import BlobStore

HASH_MISMATCH = ("Содержимое файла сегмента не совпадает с подписанным описанием (SHA-256): файл изменён "
                 "или повреждён")
BAD_SIGNATURE = "Подпись сегмента не совпадает с ключом станции: описание сегмента изменено"
BLOB_MISSING = "Файл сегмента удалён из хранилища"
BLOB_BROKEN = "Файл сегмента в хранилище повреждён или подменён"
INCOMPLETE = "Сегмент загружен не полностью"
DESTROYED = "Запись уничтожена по истечении срока хранения"


def manifest_time(moment: dt.datetime) -> str:
    """A stored naive-UTC time as the manifest spells it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_manifest_time(text: str, what: str) -> dt.datetime:
    """The manifest's UTC time as a naive datetime; anything `manifest_time` would not write back
    exactly is refused with a Russian `ValueError` (the signature could not be checked later)."""
    try:
        moment = dt.datetime.fromisoformat(text.removesuffix("Z")) if text.endswith("Z") else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None or manifest_time(moment) != text:
        raise ValueError(f"{what} сегмента должно быть записано в UTC с миллисекундами, например "
                         "2026-11-23T10:00:00.000Z")
    return moment


def manifest_of(segment: Segment, recording: Recording) -> SegmentManifest:
    """The manifest the station signed, rebuilt from the stored row."""
    return SegmentManifest(recording=recording.uuid, seq=segment.seq, started_at=manifest_time(segment.started_at),
                           ended_at=manifest_time(segment.ended_at), frames=segment.frames, width=segment.width,
                           height=segment.height, sha256=segment.sha256, prev_sha256=segment.prev_sha256,
                           station=recording.station_id, source=recording.source, label=recording.label)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def stored_sha256(blobs: "BlobStore", digest: str) -> str:
    """SHA-256 of a stored file, streamed out of the blob store (decrypted and authenticated)."""
    hasher = hashlib.sha256()
    for chunk in blobs.open(digest):
        hasher.update(chunk)
    return hasher.hexdigest()


def _segment_problems(segment: Segment, recording: Recording, public_key: str | None,
                      blobs: "BlobStore", rehash_after: dt.timedelta | None) -> list[str]:
    problems = []
    if segment.problem:
        problems.append(segment.problem)
    recent = (rehash_after is not None and segment.verified_at is not None
              and _utcnow() - segment.verified_at < rehash_after)
    if recent:
        if not blobs.exists(segment.digest):
            problems.append(BLOB_MISSING)
    else:
        try:
            actual = stored_sha256(blobs, segment.digest)
        except BlobNotFoundError:
            problems.append(BLOB_MISSING)
        except BlobIntegrityError:
            problems.append(BLOB_BROKEN)
        else:
            if actual != segment.sha256 and HASH_MISMATCH not in problems:
                problems.append(HASH_MISMATCH)
            elif rehash_after is not None and not problems:
                Segment.update(verified_at=_utcnow()).where(Segment.id == segment.id).execute()
    if not public_key or not signature_valid(manifest_of(segment, recording), segment.signature, public_key):
        if BAD_SIGNATURE not in problems:
            problems.append(BAD_SIGNATURE)
    return problems


def verify_recording(recording: Recording, blobs: "BlobStore", *,
                     rehash_after: dt.timedelta | None = None) -> list[ChainProblem]:
    """Every finding on a recording, in segment order: per-segment file and signature checks, then
    gaps, reordering and broken links of the chain. An empty list means it verifies.

    By default every stored file is decrypted and re-hashed. With `rehash_after` (the playback
    page), a file verified more recently than that is only checked to exist: re-reading a
    two-hour exam (1–2 GB) on every view cost seconds, and the bytes a player streams are
    authenticated chunk by chunk by the blob store (AES-GCM) anyway."""
    if recording.destroyed_at is not None:
        return [ChainProblem(0, DESTROYED)]
    public_key = recording.station.public_key
    problems: list[ChainProblem] = []
    manifests = []
    for segment in Segment.select().where(Segment.recording == recording.id).order_by(Segment.seq):
        if segment.digest is None:
            problems.append(ChainProblem(segment.seq, INCOMPLETE))
            continue
        problems += [ChainProblem(segment.seq, text) for text in
                     _segment_problems(segment, recording, public_key, blobs, rehash_after)]
        manifests.append(manifest_of(segment, recording))
    problems += chain_problems(manifests)
    return sorted(problems, key=lambda p: p.seq)
