"""Video parts: chunks appended at the expected offset only, resumable, verified, moved to the blob store."""
from __future__ import annotations

import os

import pytest

from central.ingest import BundleRefusedError
from central.models import RefusedBundle, VideoPart
from central.video_ingest import part_path
from federation import protocol as p
from ingest_kit import Sender, ingestor, read_ack

WHOLE = os.urandom(3000)


@pytest.fixture
def sender(spk_world) -> Sender:
    return Sender(spk_world)


def _send(services, sender, bundle) -> dict:
    return read_ack(services, ingestor(services).handle(bundle, sender.curve_key), bundle)


def test_chunks_assemble_into_a_verified_blob(spk_world, sender):
    services = spk_world.services
    first = sender.chunk(WHOLE[:1000], offset=0, whole=WHOLE)
    ack = _send(services, sender, first)
    assert (ack["status"], ack["next_offset"]) == (p.ACK_STORED, 1000)
    part = VideoPart.get()
    path = part_path(services, spk_world.appliance, part.part_id)
    assert path.read_bytes() == WHOLE[:1000] and part.blob_digest is None

    again = _send(services, sender, first)  # the ack was lost: resent, same serial and bundle id
    assert (again["status"], again["next_offset"]) == (p.ACK_DUPLICATE, 1000)

    ack = _send(services, sender, sender.chunk(WHOLE[1000:], offset=1000, whole=WHOLE))
    assert (ack["status"], ack["next_offset"]) == (p.ACK_STORED, len(WHOLE))
    part = VideoPart.get()
    assert services.blobs.read(part.blob_digest) == WHOLE
    assert part.received_size == part.total_size == len(WHOLE) and part.completed_at is not None
    assert not path.exists()
    assert part.title == "Веб-камера, 10:00–10:01"


def test_chunk_at_a_wrong_offset_is_not_appended_and_the_answer_says_where_to_resume(spk_world, sender):
    services = spk_world.services
    _send(services, sender, sender.chunk(WHOLE[:1000], offset=0, whole=WHOLE))
    ahead = _send(services, sender, sender.chunk(WHOLE[2000:], offset=2000, whole=WHOLE))
    assert (ahead["status"], ahead["next_offset"]) == (p.ACK_STORED, 1000)
    behind = _send(services, sender, sender.chunk(WHOLE[:500], offset=0, whole=WHOLE))
    assert behind["next_offset"] == 1000
    assert VideoPart.get().received_size == 1000


def test_bytes_left_by_an_uncommitted_attempt_are_cut_off(spk_world, sender):
    services = spk_world.services
    _send(services, sender, sender.chunk(WHOLE[:1000], offset=0, whole=WHOLE))
    path = part_path(services, spk_world.appliance, VideoPart.get().part_id)
    with open(path, "ab") as f:  # a crash after writing but before the commit
        f.write(b"garbage that was never acknowledged")
    _send(services, sender, sender.chunk(WHOLE[1000:], offset=1000, whole=WHOLE))
    assert services.blobs.read(VideoPart.get().blob_digest) == WHOLE


def test_lost_part_file_makes_the_sender_resume_from_what_is_there(spk_world, sender):
    services = spk_world.services
    _send(services, sender, sender.chunk(WHOLE[:1000], offset=0, whole=WHOLE))
    part_path(services, spk_world.appliance, VideoPart.get().part_id).unlink()
    ack = _send(services, sender, sender.chunk(WHOLE[1000:], offset=1000, whole=WHOLE))
    assert ack["next_offset"] == 0
    _send(services, sender, sender.chunk(WHOLE[:1000], offset=0, whole=WHOLE))
    _send(services, sender, sender.chunk(WHOLE[1000:], offset=1000, whole=WHOLE))
    assert services.blobs.read(VideoPart.get().blob_digest) == WHOLE


def test_file_that_does_not_match_its_id_is_refused_and_started_over(spk_world, sender):
    services = spk_world.services
    forged = bytes(b ^ 1 for b in WHOLE[1000:])
    _send(services, sender, sender.chunk(WHOLE[:1000], offset=0, whole=WHOLE))
    with pytest.raises(BundleRefusedError) as info:
        ingestor(services).handle(sender.chunk(forged, offset=1000, whole=WHOLE), sender.curve_key)
    assert "Контрольная сумма видеозаписи" in str(info.value)
    part = VideoPart.get()
    assert part.blob_digest is None and part.received_size == 0
    assert not part_path(services, spk_world.appliance, part.part_id).exists()
    assert RefusedBundle.get().kind == p.KIND_VIDEO_PART


@pytest.mark.parametrize("make, reason", [
    (lambda s: s.chunk(b"x" * 10, offset=2995, whole=WHOLE), "выходит за объявленный размер"),
    (lambda s: s.bundle(p.KIND_VIDEO_PART, {p.PART_CHUNK_DATA: b"x"}), "ровно"),
    (lambda s: s.bundle(p.KIND_VIDEO_PART, {p.PART_CHUNK_META: b"{", p.PART_CHUNK_DATA: b"x"}), "повреждено"),
])
def test_malformed_chunks_are_refused(spk_world, sender, make, reason):
    with pytest.raises(BundleRefusedError) as info:
        ingestor(spk_world.services).handle(make(sender), sender.curve_key)
    assert reason in str(info.value)
    assert VideoPart.select().count() == 0


def test_declared_size_must_not_change(spk_world, sender):
    services = spk_world.services
    _send(services, sender, sender.chunk(WHOLE[:1000], offset=0, whole=WHOLE))
    other = sender.chunk(WHOLE[1000:2000], offset=1000, whole=WHOLE)
    meta = p.ChunkMeta(part_id=VideoPart.get().part_id, offset=1000, total_size=4000, title="т", meta={})
    bundle = sender.bundle(p.KIND_VIDEO_PART, {p.PART_CHUNK_META: meta.to_bytes(), p.PART_CHUNK_DATA: b"y"},
                           serial=2)
    with pytest.raises(BundleRefusedError) as info:
        ingestor(services).handle(bundle, sender.curve_key)
    assert "не совпадает с ранее заявленным" in str(info.value)
    assert _send(services, sender, other)["next_offset"] == 2000
