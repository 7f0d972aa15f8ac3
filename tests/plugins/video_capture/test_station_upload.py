"""The station uploader and live link against a stand-in appliance over real HTTP (station_kit)."""
from __future__ import annotations

import logging
import threading
import time

import numpy as np
import pytest

from core.exceptions import TransientError
from plugins.video_capture.api_client import ApplianceClient, UnauthorisedError
from plugins.video_capture.capture import Binding, CaptureLoop, LiveState
from plugins.video_capture.live_link import LiveLink, jpeg_still
from plugins.video_capture.providers import SyntheticRecorder
from plugins.video_capture.segmenter import Segmenter
from plugins.video_capture.spool import PROBLEM_FILE, Spool
from plugins.video_capture.station_keys import SPOOL_DIR
from plugins.video_capture.uploader import SpoolUploader

from station_kit import LABEL, TOKEN, make_station, public_hex, record_synthetic, stand_in  # noqa: F401


@pytest.fixture
def station(tmp_path, stand_in):  # noqa: F811
    folder = tmp_path / "station"
    identity = make_station(folder, stand_in.url)
    stand_in.state.public_key = public_hex(identity)
    return folder, identity


def uploader(spool, server, **options) -> SpoolUploader:
    return SpoolUploader(spool, ApplianceClient(server.url, TOKEN, timeout=5), retry_seconds=0.05,
                         max_retry_seconds=0.2, **options)


def test_drains_the_spool_in_order_creating_the_recording_first(station, stand_in):  # noqa: F811
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=25)
    sent = {(e.manifest.recording, e.manifest.seq): e.file.read_bytes() for e in spool.pending()}
    up = uploader(spool, stand_in, chunk_size=4096)
    assert up.drain() == 3
    (created,) = stand_in.state.recordings.values()
    assert created["label"] == LABEL and created["source"] == "synthetic"
    assert {key: value["data"] for key, value in stand_in.state.stored.items()} == sent
    assert all(value["verified"] for value in stand_in.state.stored.values())
    assert [seq for _, seq, start, _ in stand_in.state.ranges if start == 0] == [0, 1, 2]
    assert any(start > 0 for _, _, start, _ in stand_in.state.ranges)  # really chunked
    assert spool.pending() == [] and spool.usage() == (0, 0)
    assert list(spool.recordings.iterdir()) == []  # created, closed and empty: the note is dropped
    status = spool.status()
    assert status["uploaded"] == 3 and status["last_verified"] and status["last_segment"].endswith("№ 2")


def test_resumes_a_half_uploaded_segment_from_what_the_appliance_holds(station, stand_in):  # noqa: F811
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=8, width=320, height=240)
    (entry,) = spool.pending()
    data = entry.file.read_bytes()
    client = ApplianceClient(stand_in.url, TOKEN)
    client.create_recording(entry.manifest.recording, "synthetic", LABEL, entry.manifest.started_at)
    half = len(data) // 2
    reply = client.put_chunk(entry.manifest.recording, 0, entry.manifest.canonical(), entry.signature, 0,
                             data[:half], len(data))
    assert reply.status == 200 and reply.body == {"received": half}
    stand_in.state.ranges.clear()
    assert uploader(spool, stand_in, chunk_size=1 << 20).drain() == 1
    assert stand_in.state.ranges == [(entry.manifest.recording, 0, half, len(data) - 1)]  # only the rest
    assert stand_in.state.stored[(entry.manifest.recording, 0)]["data"] == data
    assert stand_in.state.stored[(entry.manifest.recording, 0)]["verified"]


def test_keeps_segments_while_the_appliance_is_down_and_drains_when_it_is_back(station, stand_in):  # noqa: F811
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=30)
    names = [e.name for e in spool.pending()]
    stand_in.stop()
    up = uploader(spool, stand_in)
    with pytest.raises(TransientError, match="Устройство недоступно"):
        up.drain()
    assert up.run_until_empty(timeout=0.3) is False
    assert [e.name for e in spool.pending()] == names and "недоступно" in spool.status()["last_error"]
    stop = threading.Event()
    worker = threading.Thread(target=up.run, args=(stop,))
    worker.start()
    try:
        time.sleep(0.3)
        assert len(spool.pending()) == 3  # still down: nothing lost
        stand_in.start()  # back on the same port
        deadline = time.monotonic() + 20
        while spool.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join()
    assert spool.pending() == [] and len(stand_in.state.stored) == 3
    assert spool.status()["last_error"] is None


def test_service_unavailable_is_transient_too(station, stand_in):  # noqa: F811
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=5)
    stand_in.state.unavailable = True
    with pytest.raises(TransientError, match="код 503"):
        uploader(spool, stand_in).drain()
    assert len(spool.pending()) == 1


def test_a_refused_segment_is_set_aside_with_the_reason_and_the_rest_flows(station, stand_in, caplog):  # noqa: F811
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=25)
    stand_in.state.refuse[1] = "Сегмент подписан неизвестным ключом"
    up = uploader(spool, stand_in)
    with caplog.at_level(logging.ERROR, logger="plugins.video_capture"):
        assert up.drain() == 2
    assert sorted(seq for _, seq in stand_in.state.stored) == [0, 2]
    (failed,) = spool.failed_entries()
    assert failed.name.endswith("-000001") and (failed / "segment.webm").is_file()
    assert (failed / PROBLEM_FILE).read_text(encoding="utf-8").strip() == "Сегмент подписан неизвестным ключом"
    assert "Сегмент подписан неизвестным ключом" in caplog.text and spool.pending() == []


def test_a_revoked_token_deletes_nothing(station, stand_in):  # noqa: F811
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=15)
    bad = SpoolUploader(spool, ApplianceClient(stand_in.url, "revoked"), retry_seconds=0.05)
    with pytest.raises(UnauthorisedError, match="токен неверен или отозван"):
        bad.drain()
    assert len(spool.pending()) == 2 and spool.failed_entries() == [] and stand_in.state.stored == {}


def test_a_tampered_spool_file_arrives_unverified(station, stand_in):  # noqa: F811
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=5)
    (entry,) = spool.pending()
    data = bytearray(entry.file.read_bytes())
    data[-10] ^= 0xFF
    entry.file.write_bytes(bytes(data))
    up = uploader(spool, stand_in)
    assert up.drain() == 1
    (stored,) = stand_in.state.stored.values()
    assert stored["verified"] is False and spool.status()["last_verified"] is False


def test_live_link_follows_the_binding_and_sends_stills(station, stand_in):  # noqa: F811
    folder, identity = station
    live = LiveState(Binding(None, None, "Рабочее место 3"))
    link = LiveLink(ApplianceClient(stand_in.url, TOKEN), live, "Рабочее место 3")
    stand_in.state.binding = {"group": 4, "member": 11, "label": LABEL}
    assert link.poll_binding() == Binding(4, 11, LABEL) == live.binding
    stand_in.state.binding = {"group": None, "member": None, "label": ""}
    assert link.poll_binding().label == "Рабочее место 3"
    assert link.send_frame() is False  # nothing captured yet
    live.publish(np.full((720, 1280, 3), 90, np.uint8), None)
    assert link.send_frame() is True and link.send_frame() is False  # the same picture is not sent twice
    (jpeg,) = stand_in.state.frames
    assert jpeg.startswith(b"\xff\xd8\xff") and len(jpeg) <= 300 * 1024
    noisy = np.random.default_rng(1).integers(0, 255, (2160, 3840, 3), dtype=np.uint8)
    assert len(jpeg_still(noisy)) <= 300 * 1024


def test_a_new_candidate_at_the_station_starts_a_new_recording(station, stand_in):  # noqa: F811
    folder, identity = station
    spool = Spool(folder / SPOOL_DIR)
    live = LiveState(Binding(None, None, "Рабочее место 3"))
    segmenter = Segmenter(spool, identity, "synthetic", fps=10, segment_seconds=1)

    class Switching(SyntheticRecorder):
        """After 12 frames the kiosk binds a candidate: the live link would set this binding."""

        def read_frame(self):
            if self.count == 12:
                live.set_binding(Binding(4, 11, LABEL))
            return super().read_frame()

    recorder = Switching({"width": 96, "height": 64, "frames": 25, "realtime": False})
    CaptureLoop(recorder, segmenter, live, threading.Event()).run()
    manifests = [e.manifest for e in spool.pending()]
    first, second = manifests[0].recording, manifests[-1].recording
    assert first != second
    assert [(m.recording == first, m.seq, m.label) for m in manifests] == [
        (True, 0, "Рабочее место 3"), (True, 1, "Рабочее место 3"), (False, 0, LABEL), (False, 1, LABEL)]
    assert [m.frames for m in manifests] == [10, 2, 10, 3]
    up = uploader(spool, stand_in)
    assert up.drain() == 4
    assert [r["label"] for r in stand_in.state.recordings.values()] == ["Рабочее место 3", LABEL]
