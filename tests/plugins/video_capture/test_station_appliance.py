"""End to end: `nok station` commands against the real appliance app (station_api) over HTTP.

The operator's enrolment code, the kiosk sign-in that binds the workstation, a synthetic
recording cut into segments, uploaded in chunks, verified on arrival, stored encrypted, and
playable from the blob store; the live still arrives for monitoring.
"""
from __future__ import annotations

import contextlib
import io
import threading
import wsgiref.simple_server

import av
from click.testing import CliRunner

from core.services import kiosk
from plugins.video_capture import station_cli, stations
from plugins.video_capture.models import LatestFrame, Recording, Station
from plugins.video_capture.spool import Spool
from plugins.video_capture.station_keys import SPOOL_DIR
from plugins.video_capture.verification import verify_recording

from station_api_kit import STATION_IP, video_world  # noqa: F401 (fixture)


class _Quiet(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Threaded(wsgiref.simple_server.WSGIServer):
    """One thread per request: the uploader and the live link talk to the appliance at once."""

    daemon_threads = True

    def process_request(self, request, client_address):
        threading.Thread(target=self._handle, args=(request, client_address), daemon=True).start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


@contextlib.contextmanager
def serving(app):
    """The appliance app on a loopback port (its own threads, each with its own DB connection)."""
    server = wsgiref.simple_server.make_server("127.0.0.1", 0, app, server_class=_Threaded, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def station(*args):
    return CliRunner().invoke(station_cli.standalone(), [str(a) for a in args], catch_exceptions=False)


def test_a_bound_workstation_records_and_the_appliance_verifies_every_segment(services, app, video_world,
                                                                              tmp_path):  # noqa: F811
    group, (sokolov,) = video_world.started_group("Соколов Дмитрий Олегович")
    kiosk.sign_in(sokolov.access_code, STATION_IP, plugins=services.plugins)
    code, _ = stations.issue_code(video_world.venue_admin, video_world.workstation)
    folder = tmp_path / "workstation"
    with serving(app) as url:
        assert station("init", "--dir", folder).exit_code == 0
        enrol = station("enrol", "--dir", folder, "--appliance", url, "--code", code.lower().replace("-", " "))
        assert enrol.exit_code == 0, enrol.output + enrol.stderr
        assert "Станция «Рабочее место 3»" in enrol.output
        record = station("record", "--dir", folder, "--source", "synthetic", "--width", 320, "--height", 240,
                         "--segment-seconds", 1, "--duration", 3.5, "--drain-seconds", 30)
        assert record.exit_code == 0, record.output + record.stderr
        assert "в очереди: 0" in record.output, record.output + record.stderr
    (recording,) = Recording.select().where(Recording.station == video_world.workstation.id)
    assert (recording.group_id, recording.member_id) == (group.id, sokolov.id)
    assert recording.label == "Рабочее место 3 — Соколов Д. О." and recording.source == "synthetic"
    segments = list(recording.segments.order_by(Recording.segments.field.model.seq))
    assert len(segments) >= 3 and [s.seq for s in segments] == list(range(len(segments)))
    assert all(s.verified_at is not None and s.problem is None and s.digest for s in segments)
    assert verify_recording(recording, services.blobs) == []
    for segment in segments:
        with av.open(io.BytesIO(services.blobs.read(segment.digest))) as container:
            frames = list(container.decode(video=0))
        assert len(frames) == segment.frames and (frames[0].width, frames[0].height) == (320, 240)
    still = LatestFrame.get(LatestFrame.station == video_world.workstation.id)
    assert still.jpeg[:3] == b"\xff\xd8\xff"
    assert Station.get_by_id(video_world.workstation.id).last_seen_at is not None
    assert Spool(folder / SPOOL_DIR).usage() == (0, 0)


def test_a_refused_segment_is_kept_aside_with_the_appliances_reason(services, app, video_world,
                                                                    tmp_path):  # noqa: F811
    code, _ = stations.issue_code(video_world.venue_admin, video_world.workstation)
    folder, other = tmp_path / "workstation", tmp_path / "impostor"
    with serving(app) as url:
        assert station("init", "--dir", folder).exit_code == 0
        assert station("enrol", "--dir", folder, "--appliance", url, "--code", code).exit_code == 0
        # segments signed by another key (a copied token on another machine): the appliance refuses them
        assert station("init", "--dir", other).exit_code == 0
        (other / "station.json").write_bytes((folder / "station.json").read_bytes())
        (other / "station.json").chmod(0o600)
        record = station("record", "--dir", other, "--source", "synthetic", "--width", 160, "--height", 120,
                         "--segment-seconds", 1, "--duration", 1.5, "--drain-seconds", 20)
        assert record.exit_code == 0, record.output + record.stderr
    spool = Spool(other / SPOOL_DIR)
    failed = spool.failed_entries()
    assert failed and spool.usage() == (0, 0)
    reason = (failed[0] / "problem.txt").read_text(encoding="utf-8")
    assert "подпис" in reason.lower() or "ключ" in reason.lower(), reason
    status = station("status", "--dir", other)
    assert f"Отклонено устройством: {len(failed)}" in status.output
