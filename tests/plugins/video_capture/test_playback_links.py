"""The expert's review page and the ЦОК's личное дело link to the candidate's playback page, and only
while the video_capture plugin is active."""
from __future__ import annotations

import pytest

from video_playback_kit import CHAIR, COK, video  # noqa: F401 (fixture)
from appliance.testing import login
from core.models import OrgKind, Role
from core.plugins import BUILTIN_PLUGINS, PluginHost
from core.testing import WebClient
from core.testing_exam import ExamDayWorld, take_theory


def test_review_page_and_personal_file_link_to_the_playback(video, services):
    take_theory(video.member, services.plugins, passed=True)
    application = video.member.application
    link = f'href="/p/video_capture/candidates/{video.member.id}"'
    review = video.browser(CHAIR).get(f"/cabinet/expert/results/{application.id}")
    assert review.status_code == 200, review.text[:500]
    assert review.text.count(link) == 1 and "Видеофиксация экзамена" in review.text
    case = video.browser(COK).get(f"/cabinet/cok/results/{application.id}")
    assert case.status_code == 200, case.text[:500]
    assert case.text.count(link) == 1
    assert video.browser(CHAIR).get(f"/p/video_capture/candidates/{video.member.id}").status_code == 200


@pytest.fixture
def without_video():
    """The app with every built-in plugin but video_capture."""
    return PluginHost.with_plugins({k: v for k, v in BUILTIN_PLUGINS.items() if k != "video_capture"})


def test_no_link_without_the_plugin(without_video, nok_config, factory):
    from appliance.bootstrap import open_services
    from appliance.web.app import create_app

    services = open_services(nok_config, without_video)
    try:
        spk = factory.org(OrgKind.SPK)
        cok = factory.org(OrgKind.COK, parent=spk)
        world = ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok))
        admin = factory.user(Role.ADMIN, cok, email="admin@cok.ru")
        _, (member,) = world.started_group("Соколов Дмитрий Олегович")
        take_theory(member, services.plugins, passed=True)
        app = create_app(services)
        review = login(WebClient(app), world.chair).get(f"/cabinet/expert/results/{member.application_id}")
        case = login(WebClient(app), admin).get(f"/cabinet/cok/results/{member.application_id}")
        for page in (review, case):
            assert page.status_code == 200 and "Видео" in page.text and "/p/video_capture/" not in page.text
    finally:
        services.db.close()
