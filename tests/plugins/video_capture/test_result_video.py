"""Hook `nok_result_video`: which recording files travel to the СПК with a candidate's result, and the
federation outbox queueing each file once (a room camera's file is shared by its group's candidates)."""
from __future__ import annotations

import datetime as dt
import json

from video_playback_kit import START, video  # noqa: F401 (fixture)
from core.models import Admission, GroupMember, SpkSubmission
from core.workflow import Status
from federation.models import OutboxItem
from federation.outbox import enqueue_submissions
from federation.parts_blob import unpack_parts
from federation.protocol import KIND_EXAM_RESULT, KIND_VIDEO_PART
from plugins.video_capture import hooks
from plugins.video_capture.chain import SegmentManifest, signature_valid
from plugins.video_capture.models import Segment
from plugins.video_capture.timeline import clock


def test_candidates_own_and_room_recordings_go_intact_segments_only(video, services):
    webcam = video.record(video.workstation, "webcam", [1.0, 2.0, 1.0], edited=2)
    room = video.record(video.room, "network_camera", [1.5], incomplete=None)
    video.record(video.room, "network_camera", [1.0], start=START + dt.timedelta(minutes=5), incomplete=0)
    other_group, (other,) = video.exam.started_group("Белова Анна Сергеевна")
    video.record(video.workstation, "webcam", [1.0], member=other, group=other_group)
    application = video.member.application
    found = services.plugins.result_video(application)
    assert found == hooks.nok_result_video(application) != []
    expected = [s for s in Segment.select().where(Segment.recording.in_([webcam.id, room.id]))
                .order_by(Segment.started_at, Segment.recording, Segment.seq)
                if s.seq != 2 or s.recording_id != webcam.id]
    assert [f["digest"] for f in found] == [s.digest for s in expected], "no edited, incomplete or foreign segment"
    first = found[0]
    segment = Segment.get(Segment.digest == first["digest"])
    assert first["size"] == segment.size
    assert first["title"] == f"Веб-камера — Рабочее место 3, {clock(segment.started_at)}–{clock(segment.ended_at)}"
    meta = first["meta"]
    assert (meta["recording"], meta["stream"], meta["room"], meta["segment"]) == (webcam.id, "webcam", False, 0)
    assert signature_valid(SegmentManifest(**meta["manifest"]), meta["signature"], meta["station_public_key"]), \
        "the registry can check the station's signature"
    room_entry = next(f for f in found if f["meta"]["room"])
    assert room_entry["title"].startswith("IP-камера — Камера зала 1, ")
    json.dumps(found)  # JSON-able, as the hook's contract says


def test_destroyed_recordings_send_nothing(video, services):
    recording = video.record(video.workstation, "webcam", [1.0])
    recording.destroyed_at = dt.datetime(2027, 11, 23)
    recording.save()
    assert services.plugins.result_video(video.member.application) == []


def test_outbox_queues_each_recording_file_once(video, services):
    video.record(video.workstation, "webcam", [1.0])
    video.record(video.room, "network_camera", [1.0])
    second = GroupMember.create(group=video.group, admission=Admission.ADMITTED,
                                application=video.exam.application("Белова Анна Сергеевна", Status.SENT_TO_SPK))
    for application in (video.member.application, second.application):
        SpkSubmission.create(application=application, payload=json.dumps({"format": "nok-spk-result/1"}))
    assert enqueue_submissions(services) == 4, "two results, the webcam file, the room camera file once"
    kinds = [(i.kind, i.source.split(":")[0]) for i in OutboxItem.select().order_by(OutboxItem.id)]
    assert kinds == [(KIND_EXAM_RESULT, "spk_submission"), (KIND_VIDEO_PART, "video"), (KIND_VIDEO_PART, "video"),
                     (KIND_EXAM_RESULT, "spk_submission")]
    videos = OutboxItem.select().where(OutboxItem.kind == KIND_VIDEO_PART)
    for item in videos:
        segment = Segment.get(Segment.digest == item.file_digest)
        assert item.file_size == segment.size == services.blobs.size(item.file_digest)
        assert json.loads(item.meta)["meta"]["application_id"] == video.member.application_id
    results = OutboxItem.select().where(OutboxItem.kind == KIND_EXAM_RESULT).order_by(OutboxItem.id)
    listed = [json.loads(unpack_parts(services.blobs.read(r.parts_digest))["result.json"])["video"] for r in results]
    assert {v["part_id"] for v in listed[0]} == {i.file_digest for i in videos}
    assert [v["part_id"] for v in listed[1]] == [i.file_digest for i in videos if json.loads(i.meta)["meta"]["room"]]
