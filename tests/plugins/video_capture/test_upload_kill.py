"""Killing the appliance during upload loses no finished segment (issue 5).

`nok serve` (gunicorn master and workers, in its own process group) runs over a real SQLCipher
file; a station thread uploads a recording's segments chunk by chunk over HTTP while the whole
process group is SIGKILLed in the middle of a segment. Every segment the appliance had confirmed
is there after the kill; after a restart the station resumes the interrupted one from the bytes
the appliance kept (and one more connection drops mid-chunk), and the whole recording verifies.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

from station_api_kit import API, HttpTransport, TestStation, VideoWorld
from appliance.bootstrap import open_services
from core.config import load_config
from core.plugins import PluginHost
from core.testing import ApplianceProcess, Factory, make_config
from plugins.video_capture import stations
from plugins.video_capture.models import Recording, Segment
from plugins.video_capture.verification import verify_recording

CHUNK = 32 * 1024
SIZES = [300_000, 260_000, 330_000, 400_000, 280_000, 350_000]
LABEL = "Рабочее место 3"


@pytest.fixture
def appliance(tmp_path):
    config = make_config(tmp_path / "data")
    services = open_services(config, PluginHost.load(config.plugins))
    world = VideoWorld(Factory())
    code, _ = stations.issue_code(world.venue_admin, world.workstation)
    services.db.close()
    with open(tmp_path / "serve.log", "wb") as log:
        running = ApplianceProcess(config.config_file, log=log)
        running.start()
        try:
            yield running, code, config.config_file
        finally:
            running.stop()


def stored_rows(config_file):
    """The appliance's database and blob store, opened straight from its files (to be closed)."""
    config = load_config(config_file)
    return open_services(config, PluginHost.load(config.plugins), run_migrations=False)


def upload_until_killed(station: TestStation, segments, acked: list[int], in_flight: threading.Event) -> None:
    """The station's uploader: segment after segment, chunk after chunk, until the appliance is gone."""
    try:
        for seg in segments:
            offset = 0
            while True:
                reply = station.put(seg, offset, min(offset + CHUNK, len(seg.data)) - 1)
                assert reply.status in (200, 201), reply
                if reply.body.get("stored"):
                    acked.append(seg.manifest.seq)
                    break
                offset = reply.body["received"]
                if len(acked) == 3 and offset >= 3 * CHUNK:
                    in_flight.set()  # the fourth segment is half way: kill now
    except (OSError, ConnectionError):
        return


def drop_mid_chunk(base: str, station: TestStation, seg, offset: int, sent: int) -> None:
    """Send a chunk's headers and only `sent` of its bytes, then hang up."""
    end = min(offset + CHUNK, len(seg.data)) - 1
    head = (f"PUT {API}/recordings/{seg.manifest.recording}/segments/{seg.manifest.seq} HTTP/1.1\r\n"
            f"Host: {base.split('//')[1]}\r\nAuthorization: Bearer {station.token}\r\n"
            f"X-Segment-Manifest: {seg.encoded}\r\nX-Segment-Signature: {seg.signature}\r\n"
            f"Content-Range: bytes {offset}-{end}/{len(seg.data)}\r\nContent-Length: {end - offset + 1}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    host, port = base.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head + seg.data[offset:offset + sent])


def test_killing_the_appliance_during_upload_loses_no_finished_segment(appliance):
    running, code, config_file = appliance
    station = TestStation(HttpTransport(running.base))
    assert station.enrol(code).status == 200
    key = station.recording(LABEL)
    segments = station.segments(key, LABEL, SIZES)
    acked: list[int] = []
    in_flight = threading.Event()
    uploader = threading.Thread(target=upload_until_killed, args=(station, segments, acked, in_flight))
    uploader.start()
    assert in_flight.wait(60), "the upload did not get to the fourth segment"
    running.kill()
    uploader.join(30)
    assert not uploader.is_alive() and acked[:3] == [0, 1, 2]

    services = stored_rows(config_file)  # the appliance is dead: read its files directly
    try:
        rows = {r.seq: r for r in Segment.select()}
        for seq in acked:
            assert rows[seq].digest == segments[seq].manifest.sha256 and rows[seq].verified_at is not None
            assert services.blobs.read(rows[seq].digest) == segments[seq].data
        interrupted = rows[len(acked)]
        assert interrupted.digest is None and interrupted.received >= 3 * CHUNK
    finally:
        services.db.close()

    running.start()
    for seg in segments[len(acked):]:
        status = station.status(seg)
        assert status.status == 200, status
        if seg.manifest.seq == len(acked):
            assert status.body["received"] >= 3 * CHUNK  # resumed, not restarted: the bytes survived
        if seg is segments[-1]:
            drop_mid_chunk(running.base, station, seg, 0, CHUNK - 1000)
            for _ in range(50):  # the worker counts the bytes it got before the hang-up
                if station.status(seg).body["received"] > 0:
                    break
                time.sleep(0.1)
            assert station.status(seg).body["received"] == CHUNK - 1000
        assert station.upload(seg, CHUNK).status == 201

    services = stored_rows(config_file)
    try:
        rows = list(Segment.select().order_by(Segment.seq))
        assert [(r.seq, r.verified_at is not None, r.problem) for r in rows] == [
            (seq, True, None) for seq in range(len(SIZES))]
        for row, seg in zip(rows, segments):
            assert services.blobs.read(row.digest) == seg.data
        assert verify_recording(Recording.get(Recording.uuid == key), services.blobs) == []
        assert not list((load_config(config_file).data_dir / "video_uploads").glob("*.part"))
    finally:
        services.db.close()
