"""Login, logout, one-time password link and lockout through HTTP."""
import re

from core.models import Role, WebSession
from core.testing import TEST_PASSWORD


def test_login_page_is_russian_and_sets_anonymous_session(web):
    page = web.get("/login")
    assert page.status_code == 200
    assert "Вход в НОК-Платформу" in page.text and 'lang="ru"' in page.text
    assert "nok_session" in web.cookies and web.csrf
    cookie = page.cookies["nok_session"]
    assert cookie.http_only and cookie.same_site == "Lax"


def test_each_role_lands_in_its_cabinet(people, new_web):
    expected = {
        "spk_admin": ("spk", "Личный кабинет СПК"),
        "cok_operator": ("cok", "Личный кабинет ЦОК"),
        "venue_admin": ("venue", "Личный кабинет Площадки"),
        "employer_admin": ("employer", "Личный кабинет Работодателя"),
        "expert": ("expert", "Личный кабинет Эксперта"),
        "applicant": ("applicant", "Личный кабинет Соискателя"),
    }
    for key, (slug, title) in expected.items():
        web = new_web()
        result = web.login(people[key].email, TEST_PASSWORD)
        assert result.status_code == 303 and result.headers["location"].endswith(f"/cabinet/{slug}/")
        home = web.get(f"/cabinet/{slug}/")
        assert home.status_code == 200 and title in home.text and people[key].full_name in home.text


def test_session_is_rotated_on_login(people, web):
    web.get("/login")
    anonymous = web.cookies["nok_session"]
    web.post("/login", {"email": "admin@cok.ru", "password": TEST_PASSWORD})
    assert web.cookies["nok_session"] != anonymous


def test_wrong_password_and_lockout(people, web, nok_config):
    web.get("/login")
    for _ in range(nok_config.lockout_threshold - 1):
        page = web.post("/login", {"email": "admin@cok.ru", "password": "неверный-пароль-1"})
        assert page.status_code == 401 and "Неверный адрес электронной почты или пароль" in page.text
        assert 'value="admin@cok.ru"' in page.text, "введённый email не теряется"
    page = web.post("/login", {"email": "admin@cok.ru", "password": "неверный-пароль-1"})
    assert "Вход временно заблокирован" in page.text
    page = web.post("/login", {"email": "admin@cok.ru", "password": TEST_PASSWORD})
    assert page.status_code == 401 and "заблокирован" in page.text


def test_logout_ends_session(people, web):
    web.login("admin@cok.ru", TEST_PASSWORD)
    home = web.get("/cabinet/cok/")
    assert home.status_code == 200
    token_count = WebSession.select().where(WebSession.user.is_null(False)).count()
    web.post("/logout")
    assert WebSession.select().where(WebSession.user.is_null(False)).count() == token_count - 1
    assert web.get("/cabinet/cok/").status_code == 303


def test_anonymous_is_sent_to_login(web, people):
    result = web.get("/cabinet/cok/staff")
    assert result.status_code == 303 and result.headers["location"].startswith("/login?next=")


def test_password_link_from_mail_sets_password_once(people, web, new_web, smtp_server):
    admin = new_web()
    admin.login("admin@cok.ru", TEST_PASSWORD)
    admin.get("/cabinet/cok/staff/new")
    admin.post("/cabinet/cok/staff/new", {"full_name": "Новикова Ольга Петровна", "email": "olga@cok.ru",
                                          "role": "operator", "phone": "", "position": "Специалист"})
    letter = smtp_server.wait_for(1)[-1]
    link = re.search(r"http://testserver(/password/set\?token=[\w-]+)", smtp_server.body(letter)).group(1)
    page = web.get(link)
    assert page.status_code == 200 and "olga@cok.ru" in page.text
    token = link.split("token=")[1]
    bad = web.post("/password/set", {"token": token, "password": "Пароль-ольги-1", "password_repeat": "другой-2"})
    assert bad.status_code == 400 and "Пароли не совпадают" in bad.text
    done = web.post("/password/set", {"token": token, "password": "Пароль-ольги-1",
                                      "password_repeat": "Пароль-ольги-1"})
    assert done.status_code == 303 and "password_set=1" in done.headers["location"]
    assert "Пароль установлен" in web.get("/login?password_set=1").text
    assert web.post("/login", {"email": "olga@cok.ru", "password": "Пароль-ольги-1"}).status_code == 303
    again = new_web().get(link)
    assert again.status_code == 400 and "уже использована" in again.text


def test_role_enum_titles_are_russian():
    assert [r.title for r in Role] == ["Администратор", "Оператор", "Эксперт", "Соискатель"]


def test_forgot_password_mails_a_link_and_hides_unknown_addresses(people, web, smtp_server):
    page = web.get("/login")
    assert 'href="/password/forgot"' in page.text
    web.get("/password/forgot")
    unknown = web.post("/password/forgot", {"email": "nobody@mail.ru"})
    known = web.post("/password/forgot", {"email": "welder@mail.ru"})
    assert unknown.status_code == known.status_code == 200
    assert "Если адрес" in unknown.text and "Если адрес" in known.text
    letter = smtp_server.wait_for(1)[-1]
    assert letter["To"] == "welder@mail.ru" and letter["Subject"] == "НОК-Платформа: восстановление пароля"
    link = re.search(r"http://testserver(/password/set\?token=[\w-]+)", smtp_server.body(letter)).group(1)
    token = link.split("token=")[1]
    web.get(link)
    done = web.post("/password/set", {"token": token, "password": "Сварщик-2026-пароль",
                                      "password_repeat": "Сварщик-2026-пароль"})
    assert done.status_code == 303
    assert web.post("/login", {"email": "welder@mail.ru", "password": "Сварщик-2026-пароль"}).status_code == 303


def test_forgot_password_is_throttled(people, web, smtp_server):
    from core.services import auth as auth_service

    web.get("/password/forgot")
    web.post("/password/forgot", {"email": "welder@mail.ru"})
    smtp_server.wait_for(1)
    web.post("/password/forgot", {"email": "welder@mail.ru"})
    assert len(smtp_server.messages) == 1, "второе письмо раньше чем через 5 минут не отправляется"
    assert auth_service.PASSWORD_RESET_INTERVAL.total_seconds() == 300
