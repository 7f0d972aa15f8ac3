"""Binding: a candidate's kiosk sign-in tells the workstation at that address whom it films; the room
camera's group is chosen by the operator; recordings are bound to both."""
from __future__ import annotations

import datetime as dt

import pytest

from station_api_kit import (STATION_IP, AppTransport, TestStation, enrolled_workstation,  # noqa: F401
                             video_world)
from core.models import OrgKind
from core.services import kiosk
from core.services.exam_groups import regenerate_code
from core.testing_exam import ExamDayWorld
from plugins.video_capture import stations
from plugins.video_capture.binding import current_binding
from plugins.video_capture.models import ROOM, WORKSTATION, Recording, Station


@pytest.fixture
def enrolled(enrolled_workstation):
    return enrolled_workstation


def test_kiosk_sign_in_binds_the_workstation_at_that_address(services, video_world, enrolled):
    group, (sokolov, orlova) = video_world.started_group("Соколов Дмитрий Олегович", "Орлова Анна Сергеевна")
    assert enrolled.call("GET", "/binding").body == {"group": None, "member": None, "label": "Рабочее место 3"}
    kiosk.sign_in(sokolov.access_code, STATION_IP, plugins=services.plugins)
    station = Station.get_by_id(video_world.workstation.id)
    assert (station.current_member_id, station.current_group_id) == (sokolov.id, group.id)
    assert enrolled.call("GET", "/binding").body == {"group": group.id, "member": sokolov.id,
                                                     "label": "Рабочее место 3 — Соколов Д. О."}
    key = enrolled.recording("Рабочее место 3 — Соколов Д. О.", source="webcam")
    recording = Recording.get(Recording.uuid == key)
    assert (recording.group_id, recording.member_id) == (group.id, sokolov.id)
    # the next candidate at the same seat takes it over
    kiosk.sign_in(orlova.access_code, STATION_IP, plugins=services.plugins)
    assert enrolled.call("GET", "/binding").body["label"] == "Рабочее место 3 — Орлова А. С."
    assert Recording.get(Recording.uuid == key).member_id == sokolov.id  # recordings keep their binding


def test_a_candidate_moving_to_another_seat_leaves_the_first_one(services, video_world):
    other = stations.create_station(video_world.venue_admin, "Рабочее место 4", WORKSTATION, "10.0.0.14", "")
    group, (member,) = video_world.started_group("Соколов Дмитрий Олегович")
    kiosk.sign_in(member.access_code, STATION_IP, plugins=services.plugins)
    code = regenerate_code(video_world.venue_admin, member)
    kiosk.sign_in(code, "10.0.0.14", plugins=services.plugins)
    assert Station.get_by_id(video_world.workstation.id).current_member_id is None
    assert Station.get_by_id(other.id).current_member_id == member.id
    assert current_binding(Station.get_by_id(video_world.workstation.id)).member is None


def test_sign_ins_elsewhere_bind_nothing(services, factory, video_world):
    other_world = ExamDayWorld(factory, video_world.other_cok, video_world.other_venue)
    _, (foreign,) = other_world.started_group("Кузнецов Павел Ильич")
    kiosk.sign_in(foreign.access_code, STATION_IP, plugins=services.plugins)  # same address, other venue
    _, (member,) = video_world.started_group("Соколов Дмитрий Олегович")
    kiosk.sign_in(member.access_code, "10.0.0.99", plugins=services.plugins)  # no station there
    kiosk.sign_in(regenerate_code(video_world.venue_admin, member), None, plugins=services.plugins)
    assert Station.get_by_id(video_world.workstation.id).current_member_id is None
    assert Station.get_by_id(video_world.room.id).current_member_id is None
    assert Station.get_by_id(video_world.foreign.id).current_member_id is None  # 10.9.0.1 ≠ 10.0.0.13


def test_binding_ends_with_the_groups_time(services, video_world):
    group, (member,) = video_world.started_group("Соколов Дмитрий Олегович", duration_minutes=60)
    kiosk.sign_in(member.access_code, STATION_IP, plugins=services.plugins)
    station = Station.get_by_id(video_world.workstation.id)
    assert current_binding(station).member == member.id
    later = kiosk.utcnow() + dt.timedelta(hours=2)
    assert current_binding(station, later).as_json() == {"group": None, "member": None, "label": "Рабочее место 3"}


def test_room_camera_films_the_group_the_operator_chose(app, video_world):
    group, _ = video_world.started_group("Соколов Дмитрий Олегович")
    code, _ = stations.issue_code(video_world.venue_admin, video_world.room)
    camera = TestStation(AppTransport(app))
    camera.enrol(code)
    assert [g.id for g in stations.room_group_choices(Station.get_by_id(video_world.room.id))] == [group.id]
    stations.set_room_group(video_world.venue_admin, Station.get_by_id(video_world.room.id), str(group.id))
    label = f"Камера зала 1 — Теория, {group.starts_at:%d.%m.%Y %H:%M}"
    assert camera.call("GET", "/binding").body == {"group": group.id, "member": None, "label": label}
    recording = Recording.get(Recording.uuid == camera.recording(label, source="network_camera"))
    assert (recording.group_id, recording.member_id) == (group.id, None)
    with pytest.raises(Exception, match="только для камеры зала"):
        stations.set_room_group(video_world.venue_admin, Station.get_by_id(video_world.workstation.id), str(group.id))
    assert Station.get_by_id(video_world.room.id).kind == ROOM
