"""«Наблюдение» in real Chromium against real gunicorn: the pictures are reloaded by the page script and a
station that stops sending turns red with «нет связи с …» without reloading the page; no console error."""
from __future__ import annotations

import datetime as dt

import pytest

from video_playback_kit import VENUE, served, sign_in, video  # noqa: F401 (fixture)
from plugins.video_capture.models import LatestFrame, Station

pytestmark = pytest.mark.browser


def test_live_page_refreshes_pictures_and_marks_a_silent_station(video, services, nok_config):
    video.frame(video.workstation, seconds_ago=1)
    tile = f'[data-station="{video.workstation.id}"]'
    problems: list[str] = []
    with served(services, nok_config) as (base, browser):
        page = sign_in(browser, base, VENUE, problems)
        page.goto(f"{base}/p/video_capture/live")
        page.wait_for_function(f"() => document.querySelector('{tile} img').naturalWidth > 0")
        assert "vc-offline" not in page.locator(tile).get_attribute("class")
        assert "Соколов Дмитрий Олегович" in page.locator(tile).inner_text()
        page.wait_for_function(f"() => document.querySelector('{tile} img').src.includes('.jpg?t=')")

        services.db.connect(reuse_if_open=True)  # the station falls silent: its last picture and call get old
        long_ago = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=2)
        LatestFrame.update(captured_at=long_ago).execute()
        Station.update(last_seen_at=long_ago).execute()
        services.db.close()
        page.wait_for_function(f"() => document.querySelector('{tile}').classList.contains('vc-offline')",
                               timeout=15_000)
        assert page.locator(f"{tile} .vc-status").inner_text().startswith("нет связи с ")
        assert page.locator(".vc-lost").is_hidden()
    assert not problems, problems
