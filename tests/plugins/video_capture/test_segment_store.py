"""The segment store: verify_recording finds deleted, swapped and edited segments; uploads survive
crashes at every step (unacknowledged bytes, a complete file left unstored, a concurrent request)."""
from __future__ import annotations

import fcntl
import os

import pytest

from station_api_kit import enrolled_workstation, video_world  # noqa: F401 (fixtures)
from plugins.video_capture.chain import ChainProblem
from plugins.video_capture.models import Recording, Segment
from plugins.video_capture.segments_store import upload_path
from plugins.video_capture.verification import (BAD_SIGNATURE, BLOB_BROKEN, BLOB_MISSING, HASH_MISMATCH,
                                                INCOMPLETE, verify_recording)

CHUNK = 32 * 1024
LABEL = "Рабочее место 3"


@pytest.fixture
def station(enrolled_workstation):
    return enrolled_workstation


@pytest.fixture
def recorded(station):
    """A recording of four stored, verified segments; returns (recording, the station's segments)."""
    key = station.recording(LABEL)
    segments = station.segments(key, LABEL, [40_000, 50_000, 45_000, 30_000])
    for seg in segments:
        assert station.upload(seg, CHUNK).status == 201
    recording = Recording.get(Recording.uuid == key)
    return recording, segments


def row(seq: int) -> Segment:
    return Segment.get(Segment.seq == seq)


def messages(recording, blobs) -> list[tuple[int, str]]:
    return [(p.seq, p.message) for p in verify_recording(Recording.get_by_id(recording.id), blobs)]


def test_an_intact_recording_verifies(services, recorded):
    recording, _ = recorded
    assert verify_recording(recording, services.blobs) == []


def test_a_deleted_segment_is_a_gap(services, recorded):
    recording, _ = recorded
    row(1).delete_instance()
    assert messages(recording, services.blobs) == [(2, "Нет сегментов № 1–1: запись прерывается")]


def test_a_deleted_file_is_reported_at_its_segment(services, recorded):
    recording, _ = recorded
    services.blobs.delete(row(2).digest)
    assert messages(recording, services.blobs) == [(2, BLOB_MISSING)]


def test_swapped_segments_break_signatures_and_the_chain(services, recorded):
    recording, _ = recorded
    first, second = row(1), row(2)
    Segment.update(seq=-1).where(Segment.id == first.id).execute()
    Segment.update(seq=1).where(Segment.id == second.id).execute()
    Segment.update(seq=2).where(Segment.id == first.id).execute()
    found = messages(recording, services.blobs)
    assert (1, BAD_SIGNATURE) in found and (2, BAD_SIGNATURE) in found
    assert any(seq == 1 and "цепочка нарушена" in text for seq, text in found)
    assert all(seq in (1, 2, 3) for seq, _ in found)


def test_swapped_files_do_not_match_their_manifests(services, recorded):
    recording, _ = recorded
    first, second = row(1), row(2)
    Segment.update(digest=second.digest).where(Segment.id == first.id).execute()
    Segment.update(digest=first.digest).where(Segment.id == second.id).execute()
    assert messages(recording, services.blobs) == [(1, HASH_MISMATCH), (2, HASH_MISMATCH)]


def test_an_edited_file_is_detected(services, recorded):
    recording, segments = recorded
    edited = bytearray(segments[1].data)
    edited[1000] ^= 0xFF
    Segment.update(digest=services.blobs.put(bytes(edited)).digest).where(Segment.id == row(1).id).execute()
    assert messages(recording, services.blobs) == [(1, HASH_MISMATCH)]


def test_an_edited_blob_file_on_disk_is_detected(services, recorded):
    recording, _ = recorded
    digest = row(3).digest
    path = services.config.blob_dir / digest[:2] / digest[2:4] / digest
    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01
    path.write_bytes(bytes(data))
    assert messages(recording, services.blobs) == [(3, BLOB_BROKEN)]


def test_an_edited_row_no_longer_matches_the_signature(services, recorded):
    recording, _ = recorded
    seg = row(2)
    seg.ended_at = seg.ended_at.replace(second=30)
    seg.save()
    assert messages(recording, services.blobs) == [(2, BAD_SIGNATURE)]


def test_a_rewritten_file_with_its_hash_breaks_the_signature_and_the_next_link(services, recorded):
    recording, _ = recorded
    forged = services.blobs.put(os.urandom(50_000))
    Segment.update(digest=forged.digest, sha256=forged.digest).where(Segment.id == row(1).id).execute()
    found = messages(recording, services.blobs)
    assert (1, BAD_SIGNATURE) in found
    assert any(seq == 2 and "цепочка нарушена" in text for seq, text in found)


def test_an_unfinished_segment_is_reported(services, station):
    key = station.recording(LABEL)
    first, second = station.segments(key, LABEL, [40_000, 40_000])
    station.upload(first, CHUNK)
    station.upload(second, CHUNK, stop_after=1)
    recording = Recording.get(Recording.uuid == key)
    assert [(p.seq, p.message) for p in verify_recording(recording, services.blobs)] == [(1, INCOMPLETE)]
    assert isinstance(verify_recording(recording, services.blobs)[0], ChainProblem)


# --- crashes during upload -------------------------------------------------------------------------

def test_bytes_written_but_never_acknowledged_are_cut_off(services, station):
    key = station.recording(LABEL)
    (seg,) = station.segments(key, LABEL, [100_000])
    station.upload(seg, CHUNK, stop_after=1)
    path = upload_path(services.config.data_dir, Recording.get(Recording.uuid == key), 0)
    with open(path, "ab") as f:  # a killed request wrote half of its chunk and never counted it
        f.write(os.urandom(5000))
    assert station.status(seg).body["received"] == CHUNK
    assert station.upload(seg, CHUNK).body == {"stored": True, "verified": True, "problem": None}


def test_a_complete_file_left_unstored_is_stored_by_the_next_status_query(services, station):
    key = station.recording(LABEL)
    (seg,) = station.segments(key, LABEL, [70_000])
    station.upload(seg, CHUNK, stop_after=1)
    recording = Recording.get(Recording.uuid == key)
    path = upload_path(services.config.data_dir, recording, 0)
    path.write_bytes(seg.data)  # the last chunk was written and counted, then the process died
    Segment.update(received=len(seg.data)).where(Segment.recording == recording.id).execute()
    assert row(0).digest is None
    status = station.status(seg)
    assert status.body == {"received": 70_000, "size": 70_000, "stored": True, "verified": True, "problem": None}
    assert services.blobs.read(row(0).digest) == seg.data and not path.exists()


def test_bytes_the_disk_lost_are_asked_for_again(services, station):
    key = station.recording(LABEL)
    (seg,) = station.segments(key, LABEL, [100_000])
    station.upload(seg, CHUNK, stop_after=2)
    path = upload_path(services.config.data_dir, Recording.get(Recording.uuid == key), 0)
    os.truncate(path, 10_000)
    reply = station.put(seg, 2 * CHUNK, 3 * CHUNK - 1)
    assert reply.status == 409 and reply.body["received"] == 10_000
    assert station.upload(seg, CHUNK).status == 201
    assert row(0).verified_at is not None


def test_a_segment_being_received_by_another_request_is_not_touched(services, station):
    key = station.recording(LABEL)
    (seg,) = station.segments(key, LABEL, [100_000])
    station.upload(seg, CHUNK, stop_after=1)
    path = upload_path(services.config.data_dir, Recording.get(Recording.uuid == key), 0)
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        reply = station.put(seg, CHUNK, 2 * CHUNK - 1)
        assert reply.status == 409 and "другим запросом" in reply.body["error"]
    finally:
        os.close(fd)
    assert station.upload(seg, CHUNK).status == 201


def test_a_page_view_rehashes_only_files_not_verified_lately(services, recorded):
    """The playback page passes `rehash_after`: a file verified within it is only checked to exist, an
    older one is decrypted and re-hashed again (and its verification time renewed)."""
    import datetime as dt

    recording, _ = recorded
    digest = row(3).digest
    path = services.config.blob_dir / digest[:2] / digest[2:4] / digest
    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01
    path.write_bytes(bytes(data))
    day = dt.timedelta(hours=24)
    assert verify_recording(Recording.get_by_id(recording.id), services.blobs, rehash_after=day) == []
    services.blobs.delete(row(2).digest)
    assert [(p.seq, p.message) for p in verify_recording(Recording.get_by_id(recording.id), services.blobs,
                                                         rehash_after=day)] == [(2, BLOB_MISSING)]
    Segment.update(verified_at=row(3).verified_at - dt.timedelta(days=2)).where(Segment.seq == 3).execute()
    before = row(0).verified_at
    problems = verify_recording(Recording.get_by_id(recording.id), services.blobs, rehash_after=dt.timedelta(0))
    assert [(p.seq, p.message) for p in problems] == [(2, BLOB_MISSING), (3, BLOB_BROKEN)]
    assert row(0).verified_at > before  # re-hashed and found intact: renewed
