"""The signature pad in real Chromium: drawing with the mouse, «Очистить», a blank pad refused, no CSP errors."""
import pytest

from core.config import CONFIG_ENV
from core.models import Organisation
from core.testing import TEST_PASSWORD, chromium_browser, running_gunicorn

pytestmark = pytest.mark.browser
SAVE = "[data-signature-form] button[type=submit]"


def test_draw_clear_and_save_a_signature(services, people, nok_config):
    services.db.close()
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        page = browser.new_page(locale="ru-RU")
        problems = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda ex: problems.append(str(ex)))
        page.goto(f"{base}/login")
        page.fill("input[name=email]", "admin@venue.ru")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/cabinet/**")
        page.goto(f"{base}/cabinet/venue/signature")
        page.click(SAVE)  # nothing drawn yet: the page says so and does not submit
        assert page.is_visible("[data-signature-empty]") and page.url.endswith("/cabinet/venue/signature")
        box = page.locator("[data-signature-pad] canvas").bounding_box()

        def stroke():
            page.mouse.move(box["x"] + 30, box["y"] + 150)
            page.mouse.down()
            for step in range(1, 20):
                page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 150 - step * 5)
            page.mouse.up()

        stroke()
        page.click("[data-signature-clear]")
        page.click(SAVE)
        assert page.is_visible("[data-signature-empty]"), "после «Очистить» подпись снова пустая"
        stroke()
        page.click(SAVE)
        page.wait_for_url("**/signature?notice=signature")
        assert "Подпись сохранена" in page.inner_text("main")
        assert page.evaluate("document.querySelector('[data-testid=facsimile]').naturalWidth") > 0
        assert not problems, problems
    services.db.connect(reuse_if_open=True)
    assert Organisation.get_by_id(people["venue_admin"].organisation_id).facsimile_digest
