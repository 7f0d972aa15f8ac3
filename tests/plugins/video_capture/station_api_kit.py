"""Helpers of the station API tests: a venue with staff and a running exam group, a test station with
its own Ed25519 key that signs chained segments, and one upload routine that speaks the contract
either to the app in-process (falcon's TestClient) or to a real server over HTTP.

Segment bytes are random: what the appliance checks (hash, signature, chain) does not depend on
them being video.
"""
from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import uuid as uuid_module
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import falcon.testing
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.models import OrgKind, Role
from core.testing_exam import ExamDayWorld
from plugins.video_capture import stations
from plugins.video_capture.chain import GENESIS, SegmentManifest, sign
from plugins.video_capture.models import ROOM, WORKSTATION, Station
from plugins.video_capture.verification import manifest_time

API = "/p/video_capture/api"
STATION_IP = "10.0.0.13"


class VideoWorld(ExamDayWorld):
    """СПК → ЦОК → venue (with staff), another ЦОК with its venue, and a workstation and room camera."""

    def __init__(self, factory):
        spk = factory.org(OrgKind.SPK)
        cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Профи»")
        venue = factory.org(OrgKind.VENUE, parent=cok, short_name="Площадка «Север»")
        super().__init__(factory, cok, venue)
        self.other_cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Юг»")
        self.other_venue = factory.org(OrgKind.VENUE, parent=self.other_cok, short_name="Площадка «Юг»")
        self.venue_admin = factory.user(Role.ADMIN, venue, full_name="Васильев Игорь Николаевич")
        self.cok_operator = factory.user(Role.OPERATOR, cok, full_name="Попов Андрей Сергеевич")
        self.stranger = factory.user(Role.ADMIN, self.other_venue, full_name="Лебедев Артём Юрьевич")
        self.other_cok_admin = factory.user(Role.ADMIN, self.other_cok, full_name="Орлов Игорь Петрович")
        self.workstation = stations.create_station(self.venue_admin, "Рабочее место 3", WORKSTATION, STATION_IP, "")
        self.room = stations.create_station(self.venue_admin, "Камера зала 1", ROOM, "", "")
        self.foreign = stations.create_station(self.stranger, "Рабочее место 1", WORKSTATION, "10.9.0.1", "")


@pytest.fixture
def video_world(services, factory) -> VideoWorld:
    services.db.connect(reuse_if_open=True)
    return VideoWorld(factory)


@pytest.fixture
def enrolled_workstation(app, video_world) -> "TestStation":
    """«Рабочее место 3» of the venue, enrolled with a fresh code, talking to the app in-process."""
    code, _ = stations.issue_code(video_world.venue_admin, video_world.workstation)
    station = TestStation(AppTransport(app))
    assert station.enrol(code).status == 200
    return station


# --- transports --------------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: dict

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body})"


class AppTransport:
    """The app in this process."""

    def __init__(self, app):
        self.client = falcon.testing.TestClient(app)

    def __call__(self, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> Reply:
        result = self.client.simulate_request(method, path, body=body, headers=headers or {})
        data = json.loads(result.text) if result.text and result.headers.get("content-type", "").startswith(
            "application/json") else {}
        return Reply(result.status_code, {k.lower(): v for k, v in result.headers.items()}, data)


class HttpTransport:
    """A real server: one connection per request, as a station behind a flaky network would do."""

    def __init__(self, base: str, timeout: float = 10.0):
        self.netloc, self.timeout = urlsplit(base).netloc, timeout

    def __call__(self, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> Reply:
        conn = http.client.HTTPConnection(self.netloc, timeout=self.timeout)
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            reply = conn.getresponse()
            raw = reply.read()
            data = json.loads(raw) if raw and (reply.getheader("Content-Type") or "").startswith(
                "application/json") else {}
            return Reply(reply.status, {k.lower(): v for k, v in reply.getheaders()}, data)
        finally:
            conn.close()


# --- the test station ----------------------------------------------------------------------------------

@dataclass
class Segment:
    data: bytes
    manifest: SegmentManifest
    signature: str

    @property
    def encoded(self) -> str:
        return base64.b64encode(self.manifest.canonical()).decode()


@dataclass
class TestStation:
    """A station process: key, token, recordings; builds signed, chained segments."""

    __test__ = False  # not a test class for pytest

    send: object
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    token: str = ""
    station_id: int = 0

    @property
    def public_key(self) -> str:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()

    def auth(self, extra: dict | None = None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def call(self, method: str, path: str, payload=None, headers: dict | None = None) -> Reply:
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        extra = {"Content-Type": "application/json"} if payload is not None else {}
        return self.send(method, API + path, body, self.auth({**extra, **(headers or {})}))

    def enrol(self, code: str, address: str | None = None) -> Reply:
        payload = {"code": code, "public_key": self.public_key}
        if address:
            payload["address"] = address
        reply = self.send("POST", f"{API}/enrol", json.dumps(payload).encode(), {"Content-Type": "application/json"})
        if reply.status == 200:
            self.token, self.station_id = reply.body["token"], reply.body["station"]
        return reply

    def recording(self, label: str, source: str = "synthetic") -> str:
        key = str(uuid_module.uuid4())
        reply = self.call("POST", "/recordings", {"uuid": key, "source": source, "label": label,
                                                  "started_at": "2026-11-23T10:00:00.000Z"})
        assert reply.status == 201, reply
        return key

    def segments(self, recording: str, label: str, sizes: list[int], source: str = "synthetic",
                 key: Ed25519PrivateKey | None = None) -> list[Segment]:
        start, prev, out = dt.datetime(2026, 11, 23, 10, 0, 0), GENESIS, []
        for seq, size in enumerate(sizes):
            data = os.urandom(size)
            out.append(self.segment(recording, seq, data, prev, label, start + dt.timedelta(seconds=60 * seq),
                                    source=source, key=key))
            prev = out[-1].manifest.sha256
        return out

    def segment(self, recording: str, seq: int, data: bytes, prev: str, label: str, start: dt.datetime, *,
                source: str = "synthetic", key: Ed25519PrivateKey | None = None, sha256: str | None = None) -> Segment:
        import hashlib

        manifest = SegmentManifest(recording=recording, seq=seq, started_at=manifest_time(start),
                                   ended_at=manifest_time(start + dt.timedelta(seconds=59, microseconds=900000)),
                                   frames=600, width=160, height=120,
                                   sha256=sha256 or hashlib.sha256(data).hexdigest(), prev_sha256=prev,
                                   station=self.station_id, source=source, label=label)
        return Segment(data, manifest, sign(manifest, key or self.key))

    # --- uploading ---------------------------------------------------------------------------------

    def put(self, seg: Segment, start: int, end: int, body: bytes | None = None) -> Reply:
        chunk = seg.data[start:end + 1] if body is None else body
        headers = self.auth({"X-Segment-Manifest": seg.encoded, "X-Segment-Signature": seg.signature,
                             "Content-Range": f"bytes {start}-{end}/{len(seg.data)}",
                             "Content-Type": "application/octet-stream"})
        return self.send("PUT", f"{API}/recordings/{seg.manifest.recording}/segments/{seg.manifest.seq}", chunk,
                         headers)

    def status(self, seg: Segment) -> Reply:
        return self.call("GET", f"/recordings/{seg.manifest.recording}/segments/{seg.manifest.seq}/status")

    def upload(self, seg: Segment, chunk: int, *, stop_after: int | None = None) -> Reply:
        """Resume from what the appliance holds and send the rest; `stop_after` chunks then give up
        (the connection "drops")."""
        offset, sent, reply = self.status(seg).body["received"], 0, None
        offset = offset if offset < len(seg.data) else 0  # as the real uploader: a stored one is sent again
        while True:
            end = min(offset + chunk, len(seg.data)) - 1
            reply = self.put(seg, offset, end)
            sent += 1
            if reply.status != 200 or reply.body.get("stored"):
                return reply
            offset = reply.body["received"]
            if stop_after is not None and sent >= stop_after:
                return reply
