"""Fixtures of the playback and monitoring tests: a started group with a commission, the staff of its
ЦОК and venue, another ЦОК, enrolled stations, and real recordings stored as the station API stores
them — VP8 WebM segments made with PyAV from synthetic frames, signed with the station's Ed25519
key, chained by SHA-256, kept encrypted in the blob store with their `Segment` rows.

A module with its own name rather than a conftest.py: test files import it (fixtures included).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import uuid
from typing import Iterator

import av
import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from appliance.testing import login
from core.models import OrgKind, Role
from core.config import CONFIG_ENV
from core.testing import TEST_PASSWORD, WebClient, chromium_browser, running_gunicorn
from core.testing_browser import sign_in as browser_sign_in
from core.testing_browser import watch as browser_watch
from core.testing_exam import ExamDayWorld
from plugins.video_capture.chain import GENESIS, SegmentManifest, sign
from plugins.video_capture.models import ROOM, WORKSTATION, LatestFrame, Recording, Segment, Station
from plugins.video_capture.station_keys import public_key_hex
from plugins.video_capture.verification import HASH_MISMATCH, manifest_time

CHAIR = "chair@spk.ru"
EXPERT = "expert@spk.ru"
OUTSIDER = "outsider@spk.ru"
COK = "admin@cok.ru"
VENUE = "operator@venue.ru"
OTHER_COK = "admin@yug.ru"
OTHER_VENUE = "operator@yug-venue.ru"
START = dt.datetime(2026, 11, 23, 7, 0, 0)  # UTC


def webm_segment(seconds: float = 1.0, *, fps: int = 10, shade: int = 0, width: int = 160, height: int = 120) -> bytes:
    """A complete VP8 WebM file of synthetic frames (a bar moving over a tinted background)."""
    out = io.BytesIO()
    with av.open(out, "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for n in range(max(1, round(seconds * fps))):
            image = np.full((height, width, 3), (shade * 40) % 256, dtype=np.uint8)
            x = (n * 7) % (width - 16)
            image[height // 3: height // 3 * 2, x:x + 16] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


class VideoWorld:
    """A ЦОК with a venue, another ЦОК with its venue, a started group with one candidate and a
    commission (chair + expert), an outside expert, and a workstation and a room camera enrolled."""

    def __init__(self, factory, services, app, name: str = "Соколов Дмитрий Олегович"):
        self.app, self.blobs = app, services.blobs
        spk = factory.org(OrgKind.SPK, short_name="СПК")
        self.cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Профи»")
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok, short_name="Площадка «Север»")
        self.other_cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Юг»")
        self.other_venue = factory.org(OrgKind.VENUE, parent=self.other_cok, short_name="Площадка «Юг»")
        factory.user(Role.ADMIN, self.cok, email=COK)
        factory.user(Role.OPERATOR, self.venue, email=VENUE)
        factory.user(Role.ADMIN, self.other_cok, email=OTHER_COK)
        factory.user(Role.OPERATOR, self.other_venue, email=OTHER_VENUE)
        chair = factory.user(Role.EXPERT, spk, email=CHAIR, full_name="Волков Павел Андреевич")
        expert = factory.user(Role.EXPERT, spk, email=EXPERT, full_name="Зайцева Ольга Игоревна")
        self.exam = ExamDayWorld(factory, self.cok, self.venue, chair=chair, member=expert)
        self.outsider = self.exam.certify(factory.user(Role.EXPERT, spk, email=OUTSIDER, full_name="Сторонний Эксперт"))
        self.group, (self.member,) = self.exam.started_group(name)
        self.key = Ed25519PrivateKey.generate()
        self.workstation = self.station("Рабочее место 3", WORKSTATION, member=self.member)
        self.room = self.station("Камера зала 1", ROOM, group=self.group)

    def station(self, name: str, kind: str = WORKSTATION, *, venue=None, member=None, group=None) -> Station:
        return Station.create(venue=venue or self.venue, name=name, kind=kind, public_key=public_key_hex(self.key),
                              enrolled_at=START, current_member=member, current_group=group or (member.group_id
                                                                                               if member else None))

    def record(self, station: Station, source: str, seconds: list[float], *, start: dt.datetime = START,
               member=None, group=None, gap_before: dict[int, float] | None = None, broken: int | None = None,
               edited: int | None = None, incomplete: int | None = None, missing: int | None = None) -> Recording:
        """A recording of segments lasting `seconds`, stored as the station API stores them.

        `gap_before` {seq: s} leaves a pause before a segment; `broken` chains a segment to a wrong
        predecessor; `edited` stores another file than the signed one (the API marks it on arrival);
        `incomplete` leaves a segment half uploaded; `missing` deletes a segment's row."""
        label = f"{station.name} — Соколов Д. О." if station.kind == WORKSTATION else station.name
        room = station.kind == ROOM
        recording = Recording.create(uuid=str(uuid.uuid4()), station=station, source=source, label=label,
                                     group=group or self.group,
                                     member=None if room else (member or self.member), started_at=start)
        previous, at = GENESIS, start
        for seq, length in enumerate(seconds):
            at += dt.timedelta(seconds=(gap_before or {}).get(seq, 0))
            data = webm_segment(length, shade=seq)
            digest = hashlib.sha256(data).hexdigest()
            ends = at + dt.timedelta(seconds=length)
            manifest = SegmentManifest(recording=recording.uuid, seq=seq, started_at=manifest_time(at),
                                       ended_at=manifest_time(ends), frames=round(length * 10), width=160, height=120,
                                       sha256=digest, prev_sha256="ab" * 32 if seq == broken else previous,
                                       station=station.id, source=source, label=label)
            stored = webm_segment(length, shade=seq + 3) if seq == edited else data
            ref = self.blobs.put(stored) if seq != incomplete else None
            problem = HASH_MISMATCH if seq == edited else None
            if seq != missing:
                Segment.create(recording=recording, seq=seq, started_at=at, ended_at=ends, frames=manifest.frames,
                               width=160, height=120, sha256=digest, prev_sha256=manifest.prev_sha256,
                               signature=sign(manifest, self.key), size=len(data),
                               received=len(data) // 2 if ref is None else len(data),
                               digest=ref.digest if ref else None, verified_at=None if problem or not ref else ends,
                               problem=problem)
            previous, at = digest, ends
        return recording

    def frame(self, station: Station, seconds_ago: float, seen_ago: float | None = None) -> None:
        """The station's latest picture, sent `seconds_ago`; it called the appliance `seen_ago` seconds ago."""
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        LatestFrame.create(station=station, jpeg=JPEG, captured_at=now - dt.timedelta(seconds=seconds_ago))
        station.last_seen_at = now - dt.timedelta(seconds=seconds_ago if seen_ago is None else seen_ago)
        station.save()

    def browser(self, email: str | None = None) -> WebClient:
        web = WebClient(self.app)
        return login(web, email) if email else web


@contextlib.contextmanager
def served(services, nok_config) -> Iterator[tuple[str, object]]:
    """The app in real gunicorn over this test's config, and a Chromium: (base URL, browser). The
    test's own database connection is closed first, as a second process uses the file meanwhile."""
    services.db.close()
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        yield base, browser


def watch(page, problems: list[str]) -> None:
    browser_watch(page, "страница", problems)


def sign_in(browser, base: str, email: str, problems: list[str]):
    """A new browser context signed in as `email` (password TEST_PASSWORD), its errors watched."""
    return browser_sign_in(browser, base, email, problems)


def jpeg_bytes() -> bytes:
    """A small real JPEG (PyAV's mjpeg encoder)."""
    codec = av.CodecContext.create("mjpeg", "w")
    codec.width, codec.height, codec.pix_fmt = 32, 24, "yuvj420p"
    codec.time_base = 1
    frame = av.VideoFrame.from_ndarray(np.full((24, 32, 3), 90, dtype=np.uint8), format="rgb24").reformat(
        format="yuvj420p")
    return b"".join(bytes(p) for p in codec.encode(frame) + codec.encode(None))


JPEG = jpeg_bytes()


@pytest.fixture
def video(services, app, factory) -> VideoWorld:
    services.db.connect(reuse_if_open=True)
    return VideoWorld(factory, services, app)
