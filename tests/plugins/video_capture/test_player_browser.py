"""The player in real Chromium against real gunicorn: real VP8 WebM segments (PyAV, synthetic frames)
stored as the station API stores them play one after another, the timeline seeks across segments,
the candidate's webcam and screen keep in step, and a broken segment shows its mark — with no
script or console error (a CSP violation would be one)."""
from __future__ import annotations

import pytest

from video_playback_kit import CHAIR, served, sign_in, video  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

WEBCAM = ".vc-player >> nth=0"
SCREEN = ".vc-player >> nth=1"


def state(page, player: str) -> dict:
    return page.locator(player).evaluate(
        "root => ({segment: root.dataset.segment, ready: root.querySelector('video').readyState,"
        " paused: root.querySelector('video').paused, src: root.querySelector('video').currentSrc,"
        " time: root.querySelector('video').currentTime, clock: root.querySelector('.vc-clock').textContent})")


def test_player_strings_segments_seeks_and_marks_the_broken_one(video, services, nok_config):
    video.record(video.workstation, "webcam", [1.5, 1.5, 1.5], broken=2)
    video.record(video.workstation, "screen", [1.5, 1.5, 1.5])
    member, urls = video.member.id, []
    problems: list[str] = []
    with served(services, nok_config) as (base, browser):
        page = sign_in(browser, base, CHAIR, problems)
        page.on("request", lambda request: urls.append(request.url) if ".webm" in request.url else None)
        page.goto(f"{base}/p/video_capture/candidates/{member}")
        for player in (WEBCAM, SCREEN):
            page.locator(player).locator("video").evaluate(
                "video => new Promise(done => video.readyState >= 2 ? done() : "
                "video.addEventListener('loadeddata', () => done(), {once: true}))")
            assert state(page, player)["ready"] >= 2
        # the broken link is marked on the webcam's timeline (drawn by the script) and listed under it
        webcam = page.locator(WEBCAM)
        assert webcam.locator(".vc-timeline .vc-mark.vc-broken").count() == 1
        assert page.locator(SCREEN).locator(".vc-mark").count() == 0
        assert "цепочка нарушена" in webcam.locator(".vc-problems").inner_text()
        assert webcam.locator(".vc-piece").count() == 3

        # play: "ended" moves to the next segment, and the screen follows in step
        webcam.locator(".vc-play").click()
        page.wait_for_function("() => document.querySelectorAll('.vc-player')[0].dataset.segment === '1'")
        page.wait_for_function("() => { const v = document.querySelectorAll('.vc-player video')[0];"
                               " return v.readyState >= 2 && !v.paused && v.currentTime > 0.1; }")
        assert state(page, WEBCAM)["src"].endswith(".webm") and state(page, WEBCAM)["src"] != state(page, SCREEN)["src"]
        page.wait_for_function("() => document.querySelectorAll('.vc-player')[1].dataset.segment === '1'")
        webcam.locator(".vc-play").click()  # pause: both stop
        page.wait_for_function("() => [...document.querySelectorAll('.vc-player video')].every(v => v.paused)")

        # seek: a click at 5/6 of the timeline is 3.75 s in: the third segment, 0.75 s into it, on both players
        timeline = webcam.locator(".vc-timeline")
        timeline.click(position={"x": timeline.bounding_box()["width"] * 5 / 6, "y": 10})
        for index in (0, 1):
            page.wait_for_function(f"() => {{ const p = document.querySelectorAll('.vc-player')[{index}];"
                                   " const v = p.querySelector('video'); return p.dataset.segment === '2'"
                                   " && v.readyState >= 1 && Math.abs(v.currentTime - 0.75) < 0.3; }")
        assert state(page, WEBCAM)["clock"] == state(page, SCREEN)["clock"]
        assert state(page, WEBCAM)["clock"] != page.locator(WEBCAM).locator(".vc-scale span").first.inner_text()
    assert not problems, problems
    assert any("/p/video_capture/segments/" in url for url in urls)


def test_synced_player_waits_through_a_gap_and_alone_jumps_it(video, services, nok_config):
    # nothing from the webcam between 1.5 s and 4.5 s: long enough to see the wait on a busy machine
    video.record(video.workstation, "webcam", [1.5, 1.5], gap_before={1: 3.0})
    video.record(video.workstation, "screen", [1.5, 1.5, 1.5, 1.5])
    member = video.member.id
    problems: list[str] = []
    with served(services, nok_config) as (base, browser):
        page = sign_in(browser, base, CHAIR, problems)
        page.goto(f"{base}/p/video_capture/candidates/{member}")
        webcam = page.locator(WEBCAM)
        assert webcam.locator(".vc-mark.vc-gap").count() == 1
        page.wait_for_function("() => [...document.querySelectorAll('.vc-player video')].every(v => v.readyState >= 2)")
        page.locator(SCREEN).locator(".vc-play").click()  # the webcam follows the screen
        page.wait_for_function("() => document.querySelectorAll('.vc-player')[0].classList.contains('vc-waiting')")
        assert state(page, WEBCAM)["segment"] == "1" and state(page, SCREEN)["paused"] is False
        page.wait_for_function("() => { const p = document.querySelectorAll('.vc-player')[0], v = p.querySelector('video');"
                               " return !p.classList.contains('vc-waiting') && !v.paused && v.currentTime > 0.2; }")
        webcam_at, screen_at = state(page, WEBCAM), state(page, SCREEN)
        # the players re-sync when they drift apart by more than a second
        assert screen_at["segment"] == "3" and abs(webcam_at["time"] - screen_at["time"]) <= 1.0
        page.wait_for_function("() => [...document.querySelectorAll('.vc-player video')].every(v => v.paused)")

        # alone (not synced) the webcam jumps over the gap at once and the screen stays where it is
        page.uncheck(".vc-sync")
        webcam.locator(".vc-timeline").click(position={"x": 2, "y": 10})
        page.wait_for_function("() => document.querySelectorAll('.vc-player')[0].dataset.segment === '0'")
        webcam.evaluate("root => { root.dataset.waited = 'no'; new MutationObserver(() => {"
                        " if (root.classList.contains('vc-waiting')) root.dataset.waited = 'yes'; })"
                        ".observe(root, {attributes: true}); }")
        webcam.locator(".vc-play").click()
        page.wait_for_function("() => { const p = document.querySelectorAll('.vc-player')[0];"
                               " return p.dataset.segment === '1' && !p.querySelector('video').paused; }")
        assert webcam.get_attribute("data-waited") == "no" and state(page, SCREEN)["paused"] is True
    assert not problems, problems
