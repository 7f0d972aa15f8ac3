"""Playback of a candidate's recordings through the real app: who may watch, segments streamed with byte
ranges, the timeline the player reads (segments with times, gaps and broken segments marked)."""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re

import pytest

from video_playback_kit import (CHAIR, COK, EXPERT, OTHER_COK, OTHER_VENUE, OUTSIDER, START, VENUE,  # noqa: F401
                                video)
from core.audit import AuditRecord
from core.models import Admission, GroupMember
from core.workflow import Status
from plugins.video_capture.models import Segment
from plugins.video_capture.timeline import clock
from plugins.video_capture.verification import HASH_MISMATCH, INCOMPLETE

ALLOWED = (CHAIR, EXPERT, COK, VENUE)
REFUSED = (OUTSIDER, OTHER_COK, OTHER_VENUE)


def page_url(member) -> str:
    return f"/p/video_capture/candidates/{member.id}"


def tracks(page) -> list[dict]:
    """The players' data (`data-track`), in page order."""
    return [json.loads(html.unescape(raw)) for raw in re.findall(r"data-track='([^']*)'", page.text)]


def problems(page) -> list[str]:
    items = re.findall(r'<li class="vc-(?:gap|broken)"><time>([^<]*)</time> — ([^<]*)</li>', page.text)
    return [f"{at} — {html.unescape(text)}" for at, text in items]


def at(seconds: float) -> str:
    return clock(START + dt.timedelta(seconds=seconds))


@pytest.mark.parametrize("who", ALLOWED)
def test_commission_and_own_staff_watch_the_candidate(video, who):
    video.record(video.workstation, "webcam", [1.0])
    (segment,) = Segment.select()
    web = video.browser(who)
    page = web.get(page_url(video.member))
    assert page.status_code == 200, page.text[:500]
    assert "Видеозапись экзамена: Соколов Дмитрий Олегович" in page.text
    assert f"/p/video_capture/segments/{segment.id}.webm" in page.text
    assert '<script src="/static/p/video_capture/player.js" defer></script>' in page.text
    stream = web.get(f"/p/video_capture/segments/{segment.id}.webm")
    assert stream.status_code == 200 and stream.headers["content-type"] == "video/webm"
    assert hashlib.sha256(stream.content).hexdigest() == segment.sha256


@pytest.mark.parametrize("who", REFUSED)
def test_other_experts_and_organisations_find_nothing(video, who):
    video.record(video.workstation, "webcam", [1.0])
    (segment,) = Segment.select()
    web = video.browser(who)
    for url in (page_url(video.member), f"/p/video_capture/segments/{segment.id}.webm"):
        answer = web.get(url)
        assert answer.status_code == 404, url
        assert "Соколов" not in answer.text and "webm" not in answer.headers.get("content-type", "")


def test_the_candidate_and_strangers_cannot_watch(video):
    video.record(video.workstation, "webcam", [1.0])
    (segment,) = Segment.select()
    anonymous = video.browser()
    for url in (page_url(video.member), f"/p/video_capture/segments/{segment.id}.webm"):
        assert anonymous.get(url).status_code == 303
        assert anonymous.get(url).headers["location"].startswith("/login")
    candidate = video.browser(video.member.application.applicant.email)
    assert candidate.get(page_url(video.member)).status_code == 404
    assert candidate.get(f"/p/video_capture/segments/{segment.id}.webm").status_code == 404
    assert video.browser(COK).get("/p/video_capture/candidates/999999").status_code == 404


def test_segment_answers_byte_ranges_and_audits_the_view_once(video):
    video.record(video.workstation, "webcam", [2.0])
    (segment,) = Segment.select()
    web = video.browser(EXPERT)
    whole = web.get(f"/p/video_capture/segments/{segment.id}.webm").content
    assert len(whole) == segment.size and whole[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a WebM file
    views = AuditRecord.select().where(AuditRecord.entity == "video_segment").count()
    part = web.get(f"/p/video_capture/segments/{segment.id}.webm", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{segment.size}"
    assert part.headers["accept-ranges"] == "bytes" and part.content == whole[100:200]
    tail = web.get(f"/p/video_capture/segments/{segment.id}.webm", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == whole[-50:]
    rest = web.get(f"/p/video_capture/segments/{segment.id}.webm", headers={"Range": "bytes=500-"})
    assert rest.content == whole[500:] and rest.headers["content-length"] == str(segment.size - 500)
    assert AuditRecord.select().where(AuditRecord.entity == "video_segment").count() == views  # not from byte 0
    outside = web.get(f"/p/video_capture/segments/{segment.id}.webm", headers={"Range": f"bytes={segment.size}-"})
    assert outside.status_code == 416 and outside.headers["content-range"] == f"bytes */{segment.size}"
    web.get(f"/p/video_capture/segments/{segment.id}.webm", headers={"Range": "bytes=0-"})
    assert AuditRecord.select().where(AuditRecord.entity == "video_segment").count() == views + 1


def test_timeline_strings_segments_on_the_wall_clock_with_gaps_marked(video):
    video.record(video.workstation, "screen", [1.0, 1.0], start=START + dt.timedelta(seconds=0.5))
    video.record(video.workstation, "webcam", [1.0, 1.0, 1.5], gap_before={2: 5.0})
    video.record(video.room, "network_camera", [2.0, 2.0])
    page = video.browser(CHAIR).get(page_url(video.member))
    webcam, screen, room = tracks(page)
    assert [t["title"] for t in (webcam, screen, room)] == [
        "Веб-камера — Рабочее место 3", "Экран — Рабочее место 3", "IP-камера — Камера зала 1"]
    assert page.text.index("Рабочее место соискателя") < page.text.index("Веб-камера — Рабочее место 3") \
        < page.text.index("Камеры зала") < page.text.index("IP-камера — Камера зала 1")
    assert [(s["seq"], s["start"], s["end"]) for s in webcam["segments"]] == [(0, 0, 1), (1, 1, 2), (2, 7, 8.5)]
    assert [(s["start"], s["end"]) for s in screen["segments"]] == [(0.5, 1.5), (1.5, 2.5)]
    assert webcam["length"] == screen["length"] == room["length"] == 8.5  # one clock for every player
    local = START.replace(tzinfo=dt.timezone.utc).astimezone()
    assert webcam["origin"] == local.hour * 3600 + local.minute * 60 + local.second
    assert webcam["segments"][2]["url"] == f"/p/video_capture/segments/{webcam['segments'][2]['id']}.webm"
    (gap,) = webcam["marks"]
    assert (gap["kind"], gap["start"], gap["end"]) == ("gap", 2, 7)
    assert problems(page) == [f"{at(2)} — Нет записи с {at(2)} до {at(7)}"]
    assert screen["marks"] == room["marks"] == []
    assert page.text.count("Пропусков нет, все сегменты прошли проверку целостности.") == 2
    assert f"23 ноября 2026 г., с {at(0)} до {at(8.5)}" in page.text


def test_broken_chain_edited_and_unfinished_segments_are_marked(video):
    video.record(video.workstation, "webcam", [1.0, 1.0, 1.0, 1.0, 1.0], broken=1, edited=3, incomplete=4)
    video.record(video.workstation, "screen", [1.0, 1.0, 1.0], missing=1)
    page = video.browser(VENUE).get(page_url(video.member))
    webcam, screen = tracks(page)
    assert [s["seq"] for s in webcam["segments"]] == [0, 1, 2, 3]  # the half-uploaded one cannot play
    assert [(m["kind"], m["start"]) for m in webcam["marks"]] == [("broken", 1), ("broken", 3), ("gap", 4)]
    assert [(m["kind"], m["start"], m["end"]) for m in screen["marks"]] == [("gap", 1, 2), ("broken", 2, 2)]
    shown = problems(page)
    assert f"{at(1)} — Сегмент не продолжает предыдущий: цепочка нарушена (сегменты переставлены или подменены)" \
        in shown
    assert f"{at(3)} — {HASH_MISMATCH}" in shown and f"{at(4)} — {INCOMPLETE}" in shown
    assert f"{at(1)} — Нет записи с {at(1)} до {at(2)}" in shown
    assert f"{at(2)} — Нет сегментов № 1–1: запись прерывается" in shown
    assert "Пропусков нет" not in page.text
    edited = Segment.get(Segment.problem == HASH_MISMATCH)
    served = video.browser(VENUE).get(f"/p/video_capture/segments/{edited.id}.webm")  # what is stored, marked above
    assert served.status_code == 200 and int(served.headers["content-length"]) == len(served.content)
    assert hashlib.sha256(served.content).hexdigest() == edited.digest != edited.sha256


def test_only_this_candidates_recordings_and_their_groups_room(video):
    neighbour = GroupMember.create(group=video.group, admission=Admission.ADMITTED,
                                   application=video.exam.application("Белова Анна Сергеевна", Status.ADMITTED))
    other_group, _ = video.exam.started_group("Орлов Иван Петрович")
    video.record(video.workstation, "webcam", [1.0], member=neighbour)
    video.record(video.room, "network_camera", [1.0], group=other_group)
    page = video.browser(COK).get(page_url(video.member))
    assert tracks(page) == []
    assert "Записей с рабочего места соискателя нет." in page.text
    assert "Записей камер зала для этой группы нет." in page.text
    assert "Время записи</dt><dd>записей нет" in page.text
    video.record(video.room, "network_camera", [1.0])
    assert [t["title"] for t in tracks(video.browser(COK).get(page_url(video.member)))] == [
        "IP-камера — Камера зала 1"]
    assert [t["title"] for t in tracks(video.browser(COK).get(page_url(neighbour)))] == [
        "Веб-камера — Рабочее место 3", "IP-камера — Камера зала 1"]


def test_destroyed_recording_is_listed_not_played(video):
    recording = video.record(video.workstation, "webcam", [1.0])
    Segment.delete().execute()
    recording.destroyed_at = dt.datetime(2030, 1, 10, 9, 0)
    recording.save()
    page = video.browser(CHAIR).get(page_url(video.member))
    assert tracks(page) == []
    assert "Рабочее место 3 — Соколов Д. О.: уничтожена 10 января 2030 г. по истечении срока хранения" in page.text


def test_page_view_is_audited(video):
    video.browser(EXPERT).get(page_url(video.member))
    record = AuditRecord.select().where(AuditRecord.entity == "video_recordings").get()
    assert record.action == "view" and record.entity_id == str(video.member.id)
    assert json.loads(record.data) == {"group": video.group.id}
