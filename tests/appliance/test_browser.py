"""Real Chromium (Debian's) through Playwright: every role logs in and sees its own cabinet."""
import pytest

from core.config import CONFIG_ENV
from core.testing import TEST_PASSWORD, chromium_browser, running_gunicorn

pytestmark = pytest.mark.browser

ROLES = [
    ("admin@spk.ru", "Личный кабинет СПК", "Сотрудники"),
    ("admin@cok.ru", "Личный кабинет ЦОК", "Теория"),
    ("operator@cok.ru", "Личный кабинет ЦОК", "Результаты экзаменов"),
    ("admin@venue.ru", "Личный кабинет Площадки", "Ваша подпись"),
    ("hr@stroy.ru", "Личный кабинет Работодателя", "Реестр соискателей"),
    ("expert@spk.ru", "Личный кабинет Эксперта", "Результаты экзаменов"),
    ("welder@mail.ru", "Личный кабинет Соискателя", "Пробный экзамен"),
]


def test_every_role_logs_in_and_sees_its_cabinet(services, people, nok_config, tmp_path):
    services.db.close()
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        for email, cabinet_title, menu_item in ROLES:
            context = browser.new_context(locale="ru-RU")
            page = context.new_page()
            page.goto(f"{base}/login")
            assert page.title() == "Вход — НОК-Платформа"
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/cabinet/**")
            assert page.inner_text("[data-testid=cabinet-title]") == cabinet_title
            assert menu_item in page.inner_text("nav.sidebar")
            if email == "admin@cok.ru":
                page.click("nav.sidebar >> text=Сотрудники")
                page.wait_for_selector("[data-testid=staff-table]")
                assert "Попов Андрей Сергеевич" in page.inner_text("[data-testid=staff-table]")
                page.screenshot(path=str(tmp_path / "staff.png"))
            page.click("text=Выйти")
            page.wait_for_url(f"{base}/login")
            context.close()


def test_wrong_password_message_in_browser(services, people, nok_config):
    services.db.close()
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        page = browser.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=email]", "admin@cok.ru")
        page.fill("input[name=password]", "не тот пароль")
        page.click("button[type=submit]")
        assert "Неверный адрес электронной почты или пароль" in page.inner_text("[role=alert]")
        assert page.input_value("input[name=email]") == "admin@cok.ru"
