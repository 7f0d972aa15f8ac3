"""«Наблюдение»: the latest picture of every station of the venue (the ЦОК: of its venues), grouped by the
running exam group, offline stations in red — through the real app."""
from __future__ import annotations

import re

import pytest

from video_playback_kit import COK, EXPERT, JPEG, OTHER_COK, OTHER_VENUE, VENUE, video  # noqa: F401 (fixture)
from core.audit import AuditRecord
from core.models import OrgKind
from plugins.video_capture.models import ROOM, Station
from plugins.video_capture.timeline import clock

LIVE = "/p/video_capture/live"


def tiles(page) -> dict[str, str]:
    """Station name → its tile's HTML."""
    found = re.findall(r'(<figure class="vc-tile.*?</figure>)', page.text, re.S)
    return {re.search(r"<strong>([^<]*)</strong>", tile).group(1): tile for tile in found}


def sections(page) -> list[tuple[str, list[str]]]:
    parts = re.findall(r'<section class="card" data-testid="section">\s*<h2>([^<]*)</h2>(.*?)</section>', page.text,
                       re.S)
    return [(title, re.findall(r"<strong>([^<]*)</strong>", body)) for title, body in parts]


def test_menu_entry_for_venue_and_centre_staff(video):
    assert f'href="{LIVE}">Наблюдение<' in video.browser(VENUE).get("/cabinet/venue/").text
    assert f'href="{LIVE}">Наблюдение<' in video.browser(COK).get("/cabinet/cok/").text
    assert LIVE not in video.browser(EXPERT).get("/cabinet/expert/").text


def test_tiles_grouped_by_running_group_with_candidate_names(video):
    idle = video.station("Рабочее место 10")
    video.station("Рабочее место 2", member=None)
    for station in (video.workstation, video.room, idle):
        video.frame(station, seconds_ago=3)
    page = video.browser(VENUE).get(LIVE)
    assert page.status_code == 200 and '<script src="/static/p/video_capture/live.js" defer></script>' in page.text
    (running, group_tiles), (outside, idle_tiles) = sections(page)
    assert running.startswith("Теория, ") and outside == "Вне экзамена"
    assert group_tiles == ["Камера зала 1", "Рабочее место 3"]
    assert idle_tiles == ["Рабочее место 2", "Рабочее место 10"]
    shown = tiles(page)
    assert "Соколов Дмитрий Олегович" in shown["Рабочее место 3"]
    assert f'src="{LIVE}/frames/{video.workstation.id}.jpg"' in shown["Рабочее место 3"]
    assert "vc-offline" not in shown["Рабочее место 3"] and "на связи" in shown["Рабочее место 3"]
    assert AuditRecord.select().where((AuditRecord.entity == "video_live") & (AuditRecord.action == "view")).exists()


def test_offline_stations_are_red_with_the_time_of_last_contact(video):
    video.frame(video.workstation, seconds_ago=45)
    video.frame(video.room, seconds_ago=2, seen_ago=90)  # a fresh picture, but the station went silent
    never = video.station("Рабочее место 4")
    page = video.browser(COK).get(LIVE)
    shown = tiles(page)
    workstation = Station.get_by_id(video.workstation.id)
    assert 'class="vc-tile vc-offline"' in shown["Рабочее место 3"]
    assert f"нет связи с {clock(workstation.last_seen_at)}" in shown["Рабочее место 3"]
    assert "vc-offline" in shown["Камера зала 1"] and "нет связи с" in shown["Камера зала 1"]
    assert "vc-offline" in shown[never.name] and "нет связи: станция ещё не выходила на связь" in shown[never.name]
    assert "<img" not in shown[never.name] and "Кадров ещё не было" in shown[never.name]
    status = video.browser(COK).get(f"{LIVE}/status").json
    assert status["refresh"] == 5
    by_id = {s["id"]: s for s in status["stations"]}
    assert by_id[video.workstation.id]["online"] is False and by_id[never.id]["frame"] is False
    assert by_id[video.workstation.id]["status"].startswith("нет связи с ")


def test_old_last_contact_shows_the_date(video):
    video.frame(video.workstation, seconds_ago=3 * 24 * 3600)
    shown = tiles(video.browser(VENUE).get(LIVE))
    assert re.search(r"нет связи с \d\d\.\d\d\.\d{4} \d\d:\d\d<", shown["Рабочее место 3"])


def test_frame_is_served_to_own_staff_only(video):
    video.frame(video.workstation, seconds_ago=1)
    url = f"{LIVE}/frames/{video.workstation.id}.jpg"
    for who in (VENUE, COK):
        answer = video.browser(who).get(url)
        assert answer.status_code == 200 and answer.content == JPEG
        assert answer.headers["content-type"] == "image/jpeg" and answer.headers["cache-control"] == "no-store"
    for who in (OTHER_COK, OTHER_VENUE, EXPERT):
        assert video.browser(who).get(url).status_code == 404
    assert video.browser(VENUE).get(f"{LIVE}/frames/{video.room.id}.jpg").status_code == 404  # none yet
    assert video.browser().get(url).status_code == 303


@pytest.mark.parametrize("who", (OTHER_COK, OTHER_VENUE))
def test_other_organisations_see_none_of_these_stations(video, who):
    video.frame(video.workstation, seconds_ago=1)
    page = video.browser(who).get(LIVE)
    assert page.status_code == 200 and tiles(page) == {}
    assert "Станций видеофиксации пока нет" in page.text
    assert video.browser(who).get(f"{LIVE}/status").json == {"refresh": 5, "stations": []}


def test_centre_sees_every_venue_and_names_it(video, factory):
    second = factory.org(OrgKind.VENUE, parent=video.cok, short_name="Площадка «Запад»")
    west = video.station("Камера зала 1", ROOM, venue=second)
    page = video.browser(COK).get(LIVE)
    titles = [title for title, _ in sections(page)]
    assert titles[0].endswith("— Площадка «Север»") and titles[-1] == "Вне экзамена"
    assert f'data-station="{west.id}"' in page.text
    assert f'data-station="{west.id}"' not in video.browser(VENUE).get(LIVE).text


def test_experts_have_no_monitoring(video):
    assert video.browser(EXPERT).get(LIVE).status_code == 404
