"""The station in real Chromium: code → test, answers saved by the page's script, reload, finish."""
import pytest

from kiosk_kit import exam_world  # noqa: F401 (fixture)
from core.config import CONFIG_ENV
from core.testing import chromium_browser, running_gunicorn

pytestmark = pytest.mark.browser


def test_station_saves_answers_as_they_are_given(services, exam_world, nok_config, tmp_path):
    _, (member,) = exam_world.started_group("Соколов Дмитрий Олегович")
    code = member.access_code
    services.db.close()
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        page = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 768}).new_page()
        page.goto(f"{base}/kiosk")
        assert page.title() == "Вход на рабочее место экзамена — НОК-Платформа"
        page.fill("input[name=code]", code.lower())
        page.screenshot(path=str(tmp_path / "sign_in.png"))
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/p/theory_exam/take")
        assert "Соколов Дмитрий Олегович" in page.inner_text("[data-testid=candidate]")
        assert page.is_hidden("form[data-question] .save-button")  # the script saves by itself
        page.screenshot(path=str(tmp_path / "take_top.png"))
        single = page.locator("form[data-type=single]").first
        single.locator("input[type=radio]").first.check()
        single.locator("[data-save-state]:text-is('Сохранено')").wait_for()
        qid = single.get_attribute("data-question")
        assert "answered" in page.get_attribute(f"[data-nav='{qid}']", "class")
        typed = page.locator("form[data-type=text], form[data-type=number]").first
        typed.locator("input[name=value]").fill("12,5")
        typed.locator("[data-save-state]:text-is('Сохранено')").wait_for()
        timer = page.inner_text("[data-timer]")
        assert ":" in timer and timer <= "30:00"
        page.screenshot(path=str(tmp_path / "take.png"), full_page=False)
        page.reload()
        assert single.locator("input[type=radio]").first.is_checked()
        assert typed.locator("input[name=value]").input_value() == "12,5"
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("[data-finish] button")
        page.wait_for_selector("text=Экзамен завершён")
        assert "из" in page.inner_text("[data-testid=answered]")
        page.screenshot(path=str(tmp_path / "result.png"))
        page.go_back()
        page.wait_for_url(f"{base}/kiosk")
