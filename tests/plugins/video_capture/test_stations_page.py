"""«Видеофиксация» over HTTP: the venue's and the ЦОК's staff manage stations; nobody else sees them."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from station_api_kit import STATION_IP, AppTransport, TestStation, video_world  # noqa: F401 (fixture)
from core.audit import AuditRecord
from core.models import Role
from core.services import kiosk
from plugins.video_capture.models import ROOM, Station

PAGE = "/p/video_capture/stations"
CODE = re.compile(r"<strong>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</strong>")


def table(html: str) -> str:
    """The stations table of the page (the add form below has placeholders of its own)."""
    return html[html.index('data-testid="stations"'):html.index("</table>")]


@pytest.fixture
def venue_web(signed_in, video_world):
    """The venue administrator's browser, on the stations page (so it holds the form token)."""
    web = signed_in(video_world.venue_admin)
    assert web.get(PAGE).status_code == 200
    return web


def test_venue_staff_see_their_stations_and_whom_they_film(services, venue_web, video_world):
    _, (member,) = video_world.started_group("Соколов Дмитрий Олегович")
    kiosk.sign_in(member.access_code, STATION_IP, plugins=services.plugins)
    Station.update(last_seen_at=kiosk.utcnow()).where(Station.id == video_world.workstation.id).execute()
    page = venue_web.get(PAGE)
    assert page.status_code == 200
    assert 'href="/p/video_capture/stations"' in page.text and "Видеофиксация" in page.text  # the menu item
    text = table(page.text)
    assert "Рабочее место 3" in text and "Камера зала 1" in text and "Рабочее место 1" not in text
    assert "Камера зала" in text and STATION_IP in text and "Соколов Дмитрий Олегович" in text
    assert "На&nbsp;связи" in text and "Нет&nbsp;связи" in text
    assert "Площадка «Север»" not in text  # one venue: no venue column
    assert AuditRecord.select().where((AuditRecord.action == "view")
                                      & (AuditRecord.entity == "video_capture_station_list")).count() == 2


def test_adding_a_station_checks_the_form_and_keeps_what_was_typed(venue_web, video_world):
    reply = venue_web.post(PAGE, {"name": "Рабочее место 5", "kind": "workstation", "address": "10.0.0.300"})
    assert reply.status_code == 422
    assert "Укажите IP-адрес" in reply.text and 'value="Рабочее место 5"' in reply.text
    assert 'value="10.0.0.300"' in reply.text and 'aria-invalid="true"' in reply.text
    taken = venue_web.post(PAGE, {"name": "Рабочее место 5", "kind": "workstation", "address": STATION_IP})
    assert taken.status_code == 422 and "уже указан у станции «Рабочее место 3»" in taken.text
    same = venue_web.post(PAGE, {"name": "Рабочее место 3", "kind": "workstation", "address": ""})
    assert same.status_code == 422 and "уже есть" in same.text
    empty = venue_web.post(PAGE, {"name": "  ", "kind": "room"})
    assert empty.status_code == 422 and "Укажите название станции" in empty.text
    done = venue_web.post(PAGE, {"name": "Камера зала 2", "kind": "room", "address": ""})
    assert done.status_code == 303 and done.headers["location"].endswith("?notice=added")
    station = Station.get(Station.name == "Камера зала 2")
    assert station.venue_id == video_world.venue.id and station.kind == ROOM and station.address is None
    assert "Станция добавлена" in venue_web.get(done.headers["location"]).text


def test_the_enrolment_code_is_shown_once_and_works(app, venue_web, video_world):
    page = venue_web.post(f"{PAGE}/{video_world.workstation.id}/code")
    assert page.status_code == 200 and "Код подключения станции «Рабочее место 3»" in page.text
    code = CODE.search(page.text).group(1)
    assert code not in venue_web.get(PAGE).text  # shown only in the answer that issued it
    station = TestStation(AppTransport(app))
    assert station.enrol(code).status == 200
    listed = venue_web.get(PAGE).text
    assert "Отключить" in listed
    revoked = venue_web.post(f"{PAGE}/{video_world.workstation.id}/revoke")
    assert revoked.status_code == 303 and "notice=revoked" in revoked.headers["location"]
    assert station.call("GET", "/binding").status == 401
    assert "Отключена" in venue_web.get(PAGE).text


def test_room_camera_group_is_chosen_on_the_page(venue_web, video_world):
    group, _ = video_world.started_group("Соколов Дмитрий Олегович")
    page = venue_web.get(PAGE)
    assert f'<option value="{group.id}">Теория, {group.starts_at:%d.%m.%Y %H:%M}</option>' in page.text
    saved = venue_web.post(f"{PAGE}/{video_world.room.id}/group", {"group": str(group.id)})
    assert saved.status_code == 303
    assert Station.get_by_id(video_world.room.id).current_group_id == group.id
    wrong = venue_web.post(f"{PAGE}/{video_world.room.id}/group", {"group": "999999"})
    assert wrong.status_code == 422 and "Выберите группу этой площадки" in wrong.text
    assert venue_web.post(f"{PAGE}/{video_world.room.id}/group", {"group": ""}).status_code == 303
    assert Station.get_by_id(video_world.room.id).current_group_id is None


def test_cok_staff_see_and_manage_their_venues_stations(signed_in, video_world):
    web = signed_in(video_world.cok_operator)
    page = web.get(PAGE)
    assert page.status_code == 200 and "Рабочее место 3" in table(page.text)
    assert "Площадка «Север»" in table(page.text)
    assert "Рабочее место 1" not in table(page.text)  # the other ЦОК's venue
    assert web.post(f"{PAGE}/{video_world.room.id}/code").status_code == 200
    added = web.post(PAGE, {"name": "Рабочее место 9", "kind": "workstation", "address": "10.0.0.19",
                            "venue": str(video_world.venue.id)})
    assert added.status_code == 303
    foreign = web.post(PAGE, {"name": "Рабочее место 9", "kind": "workstation",
                              "venue": str(video_world.other_venue.id)})
    assert foreign.status_code == 422 and "Выберите площадку" in foreign.text


@pytest.mark.parametrize("who", ["stranger", "other_cok_admin"])
def test_other_organisations_get_404_for_our_stations(signed_in, video_world, who):
    web = signed_in(getattr(video_world, who))
    page = web.get(PAGE)
    assert page.status_code == 200 and "Рабочее место 3" not in table(page.text)
    for action in ("code", "revoke", "group"):
        reply = web.post(f"{PAGE}/{video_world.workstation.id}/{action}", {"group": ""})
        assert reply.status_code == 404, action
    assert Station.get_by_id(video_world.workstation.id).enrolment_code_hash is None


def test_others_get_404_and_strangers_are_sent_to_sign_in(signed_in, new_web, factory, video_world):
    expert = signed_in(video_world.expert)
    assert expert.get(PAGE).status_code == 404
    applicant = signed_in(factory.user(Role.APPLICANT, full_name="Соколов Дмитрий Олегович"))
    assert applicant.get(PAGE).status_code == 404
    applicant.get("/cabinet/applicant/")
    assert applicant.post(f"{PAGE}/{video_world.workstation.id}/code").status_code == 404
    anonymous = new_web().get(PAGE)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")


def test_forms_need_the_csrf_token(venue_web, video_world):
    reply = venue_web.post(f"{PAGE}/{video_world.workstation.id}/code", csrf=False)
    assert reply.status_code == 403
    assert Station.get_by_id(video_world.workstation.id).enrolment_code_hash is None
    assert dt.timedelta(hours=24) > dt.timedelta(0)
