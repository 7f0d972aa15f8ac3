"""The station API over the real app: enrolment, token, recordings, chunked resumable segment upload."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from station_api_kit import (STATION_IP, AppTransport, TestStation, enrolled_workstation,  # noqa: F401
                             video_world)
from core.audit import AuditRecord
from core.models import Role
from core.services.kiosk import utcnow
from plugins.video_capture import stations
from plugins.video_capture.models import LatestFrame, Recording, Segment, Station
from plugins.video_capture.segments_store import UPLOAD_DIR
from plugins.video_capture.verification import HASH_MISMATCH, verify_recording

CHUNK = 64 * 1024


@pytest.fixture
def send(app):
    return AppTransport(app)


@pytest.fixture
def station(enrolled_workstation):
    return enrolled_workstation


# --- enrolment ----------------------------------------------------------------------------------------

def test_enrol_gives_a_token_once_and_keeps_only_hashes(send, video_world):
    code, expires = stations.issue_code(video_world.venue_admin, video_world.workstation)
    assert expires - utcnow() > dt.timedelta(hours=23, minutes=59)
    row = Station.get_by_id(video_world.workstation.id)
    assert row.enrolment_code_hash == hashlib.sha256(code.encode()).hexdigest() and code not in str(row.__data__)
    st = TestStation(send)
    reply = st.enrol(code.lower().replace("-", " "))  # typed by hand: lower case, spaces
    assert reply.status == 200, reply
    assert reply.body["station"] == video_world.workstation.id and reply.body["name"] == "Рабочее место 3"
    row = Station.get_by_id(video_world.workstation.id)
    assert row.public_key == st.public_key and row.token_hash == hashlib.sha256(st.token.encode()).hexdigest()
    assert row.enrolment_code_hash is None and row.enrolled_at is not None
    assert row.address == STATION_IP  # the operator's address stays when the station sends none
    again = TestStation(send).enrol(code)
    assert again.status == 401 and "уже использован" in again.body["error"]


def test_wrong_and_expired_codes_are_refused(send, video_world):
    code, _ = stations.issue_code(video_world.venue_admin, video_world.workstation)
    wrong = TestStation(send).enrol("AAAA-BBBB-CCCC")
    assert wrong.status == 401 and "Код подключения не подходит" in wrong.body["error"]
    row = Station.get_by_id(video_world.workstation.id)
    row.enrolment_expires_at = utcnow() - dt.timedelta(seconds=1)
    row.save()
    expired = TestStation(send).enrol(code)
    assert expired.status == 401 and "истёк" in expired.body["error"]
    assert Station.get_by_id(video_world.workstation.id).token_hash is None


def test_a_new_code_replaces_the_old_one_and_bad_keys_are_refused(send, video_world):
    first, _ = stations.issue_code(video_world.venue_admin, video_world.room)
    second, _ = stations.issue_code(video_world.venue_admin, video_world.room)
    assert TestStation(send).enrol(first).status == 401
    bad = send("POST", "/p/video_capture/api/enrol", b'{"code": "%s", "public_key": "abc"}' % second.encode(),
               {"Content-Type": "application/json"})
    assert bad.status == 422 and "Ed25519" in bad.body["error"]
    st = TestStation(send)
    assert st.enrol(second, address="10.0.0.50").status == 200
    assert Station.get_by_id(video_world.room.id).address == "10.0.0.50"


def test_re_enrolment_with_another_key_is_refused_once_the_station_recorded(send, video_world, station):
    station.recording("Рабочее место 3")
    code, _ = stations.issue_code(video_world.venue_admin, video_world.workstation)
    other = TestStation(send)
    reply = other.enrol(code)
    assert reply.status == 409 and "новую станцию" in reply.body["error"]
    same_key = TestStation(send, key=station.key)
    assert same_key.enrol(code).status == 200
    assert station.call("GET", "/binding").status == 401  # the old token was replaced
    assert same_key.call("GET", "/binding").status == 200


# --- the token ----------------------------------------------------------------------------------------

def test_token_is_required_and_revocation_stops_it(send, video_world, station):
    assert send("GET", "/p/video_capture/api/binding").status == 401
    wrong = send("GET", "/p/video_capture/api/binding", headers={"Authorization": "Bearer nonsense"})
    assert wrong.status == 401 and "токен неверен или отозван" in wrong.body["error"]
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    reply = station.call("GET", "/binding")
    assert reply.status == 200 and reply.body == {"group": None, "member": None, "label": "Рабочее место 3"}
    assert Station.get_by_id(station.station_id).last_seen_at is not None
    stations.revoke(video_world.venue_admin, Station.get_by_id(station.station_id))
    assert station.call("GET", "/binding").status == 401
    assert Station.get_by_id(station.station_id).public_key == station.public_key  # kept for verification


def test_last_seen_is_written_cheaply(send, video_world, station):
    old = utcnow() - dt.timedelta(minutes=5)
    Station.update(last_seen_at=old).where(Station.id == station.station_id).execute()
    station.call("GET", "/binding")
    seen = Station.get_by_id(station.station_id).last_seen_at
    assert seen > old and stations.is_online(Station.get_by_id(station.station_id))
    before = AuditRecord.select().count()
    station.call("GET", "/binding")
    assert Station.get_by_id(station.station_id).last_seen_at == seen  # not rewritten within seconds
    assert AuditRecord.select().count() == before  # and never an audit record per call


# --- recordings ---------------------------------------------------------------------------------------

def test_recording_create_is_idempotent_and_checked(send, video_world, station):
    payload = {"uuid": "6F1C2B9E-4A0B-4C59-9E0F-2C4C7B1D0A11", "source": "webcam", "label": "Рабочее место 3",
               "started_at": "2026-11-23T10:00:00.000Z"}
    first = station.call("POST", "/recordings", payload)
    again = station.call("POST", "/recordings", payload)
    assert first.status == again.status == 201
    assert first.body == again.body == {"recording": "6f1c2b9e-4a0b-4c59-9e0f-2c4c7b1d0a11"}
    assert Recording.select().count() == 1
    recording = Recording.get()
    assert recording.station_id == station.station_id and recording.started_at == dt.datetime(2026, 11, 23, 10)
    for field, value, message in [("uuid", "12", "UUID"), ("source", "camera", "Неизвестный источник"),
                                  ("label", "", "label"), ("started_at", "вчера", "started_at")]:
        reply = station.call("POST", "/recordings", {**payload, "uuid": "0" * 8 + "-0000-4000-8000-" + "0" * 12,
                                                     field: value})
        assert reply.status == 422 and message in reply.body["error"], (field, reply)
    big = station.call("POST", "/recordings", {**payload, "label": "х" * 20000})
    assert big.status == 422 and "КБ" in big.body["error"]
    code, _ = stations.issue_code(video_world.venue_admin, video_world.room)
    room = TestStation(send)
    room.enrol(code)
    assert room.call("POST", "/recordings", payload).status == 409


# --- segments -----------------------------------------------------------------------------------------

def test_segments_upload_in_chunks_resume_and_verify(send, services, video_world, station):
    key = station.recording("Рабочее место 3")
    segments = station.segments(key, "Рабочее место 3", [200_000, 150_001, 70_000])
    first = station.upload(segments[0], CHUNK, stop_after=2)  # the connection drops after two chunks
    assert first.status == 200 and first.body == {"received": 2 * CHUNK}
    part = services.config.data_dir / UPLOAD_DIR / f"{Recording.get().id}-0.part"
    assert part.stat().st_size == 2 * CHUNK
    status = station.status(segments[0])
    assert status.body == {"received": 2 * CHUNK, "size": 200_000, "stored": False}
    head = station.send("HEAD", f"/p/video_capture/api/recordings/{key}/segments/0", b"", station.auth())
    assert head.status == 200 and head.headers["x-received-bytes"] == str(2 * CHUNK)
    assert head.headers["x-segment-stored"] == "0"
    # the answer to a chunk was lost: the station sends it again, the appliance skips what it has
    repeat = station.put(segments[0], CHUNK, 3 * CHUNK - 1)
    assert repeat.status == 200 and repeat.body == {"received": 3 * CHUNK}
    gap = station.put(segments[0], 3 * CHUNK + 1, 3 * CHUNK + 100)
    assert gap.status == 409 and gap.body["received"] == 3 * CHUNK
    done = station.upload(segments[0], CHUNK)
    assert done.status == 201 and done.body == {"stored": True, "verified": True, "problem": None}
    assert not part.exists()
    for seg in segments[1:]:
        assert station.upload(seg, CHUNK).status == 201
    again = station.upload(segments[1], CHUNK)
    assert again.status == 200 and again.body["stored"] is True
    rows = list(Segment.select().order_by(Segment.seq))
    assert [(r.seq, r.size, r.received, r.verified_at is not None, r.problem) for r in rows] == [
        (0, 200_000, 200_000, True, None), (1, 150_001, 150_001, True, None), (2, 70_000, 70_000, True, None)]
    for row, seg in zip(rows, segments):
        assert row.digest == seg.manifest.sha256 and services.blobs.read(row.digest) == seg.data
        assert seg.data not in (services.config.blob_dir / row.digest[:2] / row.digest[2:4] / row.digest).read_bytes()
    recording = Recording.get()
    assert recording.last_segment_at is not None
    assert verify_recording(recording, services.blobs) == []


def test_a_file_that_does_not_match_its_manifest_is_stored_with_the_problem(services, video_world, station):
    key = station.recording("Рабочее место 3")
    (seg,) = station.segments(key, "Рабочее место 3", [100_000])
    seg.data = seg.data[:50_000] + b"\x00" + seg.data[50_001:]  # flipped on the way
    reply = station.upload(seg, CHUNK)
    assert reply.status == 201 and reply.body == {"stored": True, "verified": False, "problem": HASH_MISMATCH}
    row = Segment.get()
    assert row.problem == HASH_MISMATCH and row.verified_at is None and row.digest != row.sha256
    assert AuditRecord.get(AuditRecord.action == "video_segment_problem").entity_id == str(row.id)
    problems = verify_recording(Recording.get(), services.blobs)
    assert [(p.seq, p.message) for p in problems] == [(0, HASH_MISMATCH)]


def test_a_bad_signature_is_refused_before_any_byte_is_kept(services, video_world, station):
    key = station.recording("Рабочее место 3")
    forger = TestStation(station.send, token=station.token, station_id=station.station_id)  # token, not key
    (seg,) = forger.segments(key, "Рабочее место 3", [90_000])
    reply = station.put(seg, 0, CHUNK - 1)
    assert reply.status == 422 and "Подпись сегмента" in reply.body["error"]
    assert Segment.select().count() == 0 and not (services.config.data_dir / UPLOAD_DIR).exists()
    assert AuditRecord.select().where(AuditRecord.action == "video_segment_refused").count() == 1


def test_manifest_must_match_the_url_the_station_and_the_recording(services, video_world, station):
    key = station.recording("Рабочее место 3")
    other = station.recording("Рабочее место 3")
    (seg,) = station.segments(other, "Рабочее место 3", [10_000])
    wrong_url = station.send("PUT", f"/p/video_capture/api/recordings/{key}/segments/0", seg.data,
                             station.auth({"X-Segment-Manifest": seg.encoded, "X-Segment-Signature": seg.signature,
                                           "Content-Range": "bytes 0-9999/10000"}))
    assert wrong_url.status == 422 and "другой записи" in wrong_url.body["error"]
    (relabelled,) = station.segments(key, "Рабочее место 7", [10_000])
    assert station.put(relabelled, 0, 9_999).status == 422
    (seg,) = station.segments(key, "Рабочее место 3", [10_000])
    assert station.put(seg, 0, 10_000).status == 422  # END past the size
    no_range = station.put(seg, 0, 9_999)
    assert no_range.status == 201
    unknown = station.send("PUT", "/p/video_capture/api/recordings/not-a-uuid/segments/0", b"x", station.auth())
    assert unknown.status == 404 and "Запись не найдена" in unknown.body["error"]


def test_another_file_under_a_stored_seq_is_refused_and_logged(video_world, station):
    key = station.recording("Рабочее место 3")
    (seg,) = station.segments(key, "Рабочее место 3", [30_000])
    assert station.upload(seg, CHUNK).status == 201
    (other,) = station.segments(key, "Рабочее место 3", [30_000])
    reply = station.upload(other, CHUNK)
    assert reply.status == 409 and "другим содержимым" in reply.body["error"]
    assert AuditRecord.select().where(AuditRecord.action == "video_segment_conflict").count() == 1
    assert Segment.get().sha256 == seg.manifest.sha256


def test_other_stations_recordings_are_not_found(send, video_world, station):
    key = station.recording("Рабочее место 3")
    code, _ = stations.issue_code(video_world.stranger, video_world.foreign)
    foreign = TestStation(send)
    foreign.enrol(code)
    (seg,) = foreign.segments(key, "Рабочее место 3", [1000])
    assert foreign.put(seg, 0, 999).status == 404
    assert foreign.status(seg).status == 404


# --- frames -------------------------------------------------------------------------------------------

def test_frame_is_kept_as_the_latest_still(send, video_world, station):
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 1000 + b"\xff\xd9"
    headers = station.auth({"Content-Type": "image/jpeg"})
    assert send("POST", "/p/video_capture/api/frame", jpeg, headers).status == 204
    assert send("POST", "/p/video_capture/api/frame", jpeg + b"2", headers).status == 204
    (frame,) = LatestFrame.select()
    assert bytes(frame.jpeg) == jpeg + b"2" and frame.station_id == station.station_id
    png = send("POST", "/p/video_capture/api/frame", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, headers)
    assert png.status == 422 and "JPEG" in png.body["error"]
    big = send("POST", "/p/video_capture/api/frame", b"\xff\xd8\xff" + b"\x00" * 300 * 1024, headers)
    assert big.status == 413 and "300 КБ" in big.body["error"]
    assert send("POST", "/p/video_capture/api/frame", jpeg, {"Content-Type": "image/jpeg"}).status == 401


def test_staff_cannot_use_the_api_without_a_station_token(signed_in, video_world):
    browser = signed_in(video_world.venue_admin)
    reply = browser.get("/p/video_capture/api/binding")
    assert reply.status_code == 401
    assert Role(video_world.venue_admin.role) is Role.ADMIN
