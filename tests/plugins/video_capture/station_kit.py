"""Helpers of the station tests: a station directory, spooled segments, and a stand-in appliance.

`StandIn` speaks the station↔appliance HTTP contract (/tmp contract of issue 5, station_api.py)
from memory over a real socket (falcon under wsgiref in a thread), so the uploader is tested
through real HTTP: it checks hashes and signatures like the appliance does, can refuse a
segment, go down and come back on the same port. The real appliance is used by the
end-to-end tests; this one lets a test look inside (what arrived, which ranges were sent).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import threading
import wsgiref.simple_server
from dataclasses import dataclass, field
from pathlib import Path

import falcon
import pytest

from plugins.video_capture.capture import Binding, CaptureLoop, LiveState
from plugins.video_capture.chain import SegmentManifest, signature_valid
from plugins.video_capture.providers import SyntheticRecorder
from plugins.video_capture.segmenter import Segmenter
from plugins.video_capture.spool import Spool
from plugins.video_capture.station_keys import SPOOL_DIR, Enrolment, StationIdentity, create_key, public_key_hex

LABEL = "Рабочее место 3 — Соколов Д. О."
TOKEN = "station-token-for-tests"


@dataclass
class StandIn:
    """What the stand-in appliance holds and how it should misbehave."""

    public_key: str = ""
    binding: dict = field(default_factory=lambda: {"group": None, "member": None, "label": "Рабочее место 3"})
    recordings: dict = field(default_factory=dict)  # uuid → the POSTed JSON
    partial: dict = field(default_factory=dict)  # (uuid, seq) → bytearray received so far
    stored: dict = field(default_factory=dict)  # (uuid, seq) → {"data", "manifest", "verified"}
    frames: list = field(default_factory=list)
    ranges: list = field(default_factory=list)  # (uuid, seq, start, end) of every PUT
    refuse: dict = field(default_factory=dict)  # seq → Russian reason answered with 422
    unavailable: bool = False  # answer 503 to everything

    def received(self, uuid: str, seq: int) -> int:
        if (uuid, seq) in self.stored:
            return len(self.stored[(uuid, seq)]["data"])
        return len(self.partial.get((uuid, seq), b""))


def _authorised(req) -> None:
    if req.get_header("Authorization") != f"Bearer {TOKEN}":
        raise falcon.HTTPUnauthorized(title="Станция не подключена: токен неверен или отозван.")


class _Api:
    def __init__(self, state: StandIn):
        self.state = state

    def process_request(self, req, resp) -> None:
        if self.state.unavailable:
            raise falcon.HTTPServiceUnavailable(title="Устройство перезапускается")
        if not req.path.endswith("/enrol"):
            _authorised(req)

    def on_post_enrol(self, req, resp) -> None:
        body = json.load(req.bounded_stream)
        if body.get("code") != "ABCD-EFGH-JKLM":
            raise falcon.HTTPUnauthorized(title="Код подключения не подходит: он введён с ошибкой, уже "
                                                "использован или истёк.")
        self.state.public_key = body["public_key"]
        resp.media = {"station": 7, "name": "Рабочее место 3", "token": TOKEN}

    def on_get_binding(self, req, resp) -> None:
        resp.media = self.state.binding

    def on_post_recordings(self, req, resp) -> None:
        body = json.load(req.bounded_stream)
        self.state.recordings.setdefault(body["uuid"], body)
        resp.status, resp.media = falcon.HTTP_201, {"recording": body["uuid"]}

    def on_get_status(self, req, resp, uuid, seq) -> None:
        resp.media = {"received": self.state.received(uuid, seq), "stored": (uuid, seq) in self.state.stored}

    def on_put_segment(self, req, resp, uuid, seq) -> None:
        state = self.state
        if uuid not in state.recordings:
            raise falcon.HTTPNotFound(title="Запись не найдена")
        if seq in state.refuse:
            raise falcon.HTTPUnprocessableEntity(title=state.refuse[seq])
        if (uuid, seq) in state.stored:
            resp.media = {"stored": True}
            return
        _, _, spec = (req.get_header("Content-Range") or "").partition(" ")
        span, _, total = spec.partition("/")
        start, end = (int(x) for x in span.split("-"))
        state.ranges.append((uuid, seq, start, end))
        buffer = state.partial.setdefault((uuid, seq), bytearray())
        if start != len(buffer):
            resp.status = falcon.HTTP_409
            resp.media = {"title": "Начало фрагмента не совпадает с полученным", "received": len(buffer)}
            return
        buffer += req.bounded_stream.read()
        if len(buffer) < int(total):
            resp.media = {"received": len(buffer)}
            return
        manifest = SegmentManifest.from_dict(json.loads(base64.b64decode(req.get_header("X-Segment-Manifest"))))
        verified = (hashlib.sha256(buffer).hexdigest() == manifest.sha256
                    and signature_valid(manifest, req.get_header("X-Segment-Signature"), state.public_key))
        state.stored[(uuid, seq)] = {"data": bytes(buffer), "manifest": manifest, "verified": verified}
        del state.partial[(uuid, seq)]
        resp.status = falcon.HTTP_201
        resp.media = {"stored": True, "verified": verified, "problem": None if verified else "Подпись не сходится"}

    def on_post_frame(self, req, resp) -> None:
        self.state.frames.append(req.bounded_stream.read())
        resp.status = falcon.HTTP_204


class StandInServer:
    """The stand-in on a loopback port; `stop()` makes it unreachable, `start()` brings it back there."""

    def __init__(self, state: StandIn | None = None):
        self.state = state or StandIn()
        api = _Api(self.state)
        self.app = falcon.App(middleware=[api])
        prefix = "/p/video_capture/api"
        self.app.add_route(f"{prefix}/enrol", api, suffix="enrol")
        self.app.add_route(f"{prefix}/binding", api, suffix="binding")
        self.app.add_route(f"{prefix}/recordings", api, suffix="recordings")
        self.app.add_route(prefix + "/recordings/{uuid}/segments/{seq:int}", api, suffix="segment")
        self.app.add_route(prefix + "/recordings/{uuid}/segments/{seq:int}/status", api, suffix="status")
        self.app.add_route(f"{prefix}/frame", api, suffix="frame")
        self.port = 0
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StandInServer:
        class Quiet(wsgiref.simple_server.WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self._server = wsgiref.simple_server.make_server("127.0.0.1", self.port, self.app, handler_class=Quiet)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None


@pytest.fixture
def stand_in():
    server = StandInServer().start()
    yield server
    server.stop()


XVFB = "/usr/bin/Xvfb"


@pytest.fixture
def xvfb_display(monkeypatch):
    """A private X server (Xvfb picks a free display itself, -displayfd); DISPLAY points at it.

    Without Xvfb the test fails under CI and is skipped only on a bare laptop (core.testing's rule).
    """
    if not os.path.exists(XVFB):
        message = "Xvfb не установлен (пакет xvfb; make test ставит его сам)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    read_end, write_end = os.pipe()
    server = subprocess.Popen([XVFB, "-displayfd", str(write_end), "-screen", "0", "1280x720x24", "-nolisten", "tcp",
                               "-noreset"],  # else the server resets (and forgets the root colour) when a client leaves
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_end, 16)
        if not chunk:
            break
        number += chunk
    os.close(read_end)
    if not number.strip().isdigit():
        server.kill()
        server.wait()
        pytest.fail("Xvfb не запустился")
    monkeypatch.setenv("DISPLAY", f":{number.decode().strip()}")
    yield os.environ["DISPLAY"]
    server.terminate()
    server.wait(timeout=10)


def make_station(folder: Path, appliance_url: str, station: int = 7, token: str = TOKEN) -> StationIdentity:
    """A station directory with a fresh key and an enrolment (as `nok station init` + `enrol` leave it)."""
    key = create_key(folder)
    Enrolment(appliance=appliance_url, station=station, name="Рабочее место 3", token=token).save(folder)
    return StationIdentity(station, key)


def record_synthetic(folder: Path, identity: StationIdentity, *, frames: int = 25, fps: int = 10,
                     segment_seconds: float = 1, width: int = 160, height: int = 120, label: str = LABEL) -> Spool:
    """Record `frames` synthetic frames (not in real time) into the station's spool."""
    spool = Spool(folder / SPOOL_DIR)
    segmenter = Segmenter(spool, identity, "synthetic", fps=fps, segment_seconds=segment_seconds)
    recorder = SyntheticRecorder({"width": width, "height": height, "fps": fps, "frames": frames,
                                  "realtime": False})
    CaptureLoop(recorder, segmenter, LiveState(Binding(None, None, label)), threading.Event()).run()
    return spool


def public_hex(identity: StationIdentity) -> str:
    return public_key_hex(identity.key)
