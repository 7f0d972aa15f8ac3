"""«Регистрация» of an employer through HTTP: the organisation, its Администратор, the one-time link."""
import re

import pytest

from core.demo_data import inn10, ogrn13
from core.models import Organisation, OutgoingMail, Role, User
from employer_world import form_page  # noqa: F401 (fixture)

VALID = {
    "email": "Director@Alliance.ru", "full_name": "Общество с ограниченной ответственностью «Альянс»",
    "short_name": "ООО «Альянс»", "inn": inn10("503212345"), "kpp": "503201001", "ogrn": ogrn13("115503212345"),
    "phone": "8 (495) 763-52-40", "head_name": "Смирнов Алексей Петрович", "head_position": "Директор",
}


def _register(web, **changes):
    web.get("/register/employer")
    return web.post("/register/employer", {**VALID, **changes})


def test_registration_creates_employer_and_admin_who_sets_password(web, smtp_server):
    page = _register(web)
    assert page.status_code == 200 and "director@alliance.ru" in page.text and "registration-done" in page.text
    org = Organisation.get(Organisation.inn == VALID["inn"])
    assert (org.kind, org.kpp, org.ogrn, org.short_name) == ("employer", "503201001", VALID["ogrn"], "ООО «Альянс»")
    assert (org.phone, org.head_name, org.head_position, org.email) == (
        "+74957635240", "Смирнов Алексей Петрович", "Директор", "director@alliance.ru")
    admin = User.get(User.email == "director@alliance.ru")
    assert admin.role == Role.ADMIN.value and admin.organisation_id == org.id and admin.password_hash is None

    letter = smtp_server.wait_for(1)[-1]
    assert letter["To"] == "director@alliance.ru"
    token = re.search(r"/password/set\?token=(\S+)", smtp_server.body(letter)).group(1)
    web.get(f"/password/set?token={token}")
    done = web.post("/password/set", {"token": token, "password": "Надёжный-пароль-2026",
                                      "password_repeat": "Надёжный-пароль-2026"})
    assert done.status_code == 303
    web.login("director@alliance.ru", "Надёжный-пароль-2026")
    home = web.get("/cabinet/employer/")
    assert home.status_code == 200 and "Личный кабинет Работодателя" in home.text and "Реестр соискателей" in home.text


def test_entrepreneur_registers_without_kpp(web, smtp_server):
    page = _register(web, is_entrepreneur="on", inn="500100732259", kpp="", ogrn="304500116000157",
                     email="ip@mail.ru")
    assert page.status_code == 200, page.text
    org = Organisation.get(Organisation.inn == "500100732259")
    assert org.kpp is None and org.ogrn == "304500116000157"


@pytest.mark.parametrize("field, value, words", [
    ("email", "не-почта", "электронной почты"),
    ("full_name", "", "Полное наименование"),
    ("short_name", "", "Краткое наименование"),
    ("inn", "7707083894", "контрольная сумма"),
    ("inn", "12345", "10 цифр"),
    ("kpp", "77360100", "9 символов"),
    ("ogrn", "1027700132194", "контрольная сумма"),
    ("phone", "12-34", "Номер телефона"),
    ("head_name", "Smith John", "кириллицы"),
    ("head_name", "Смирнов", "ФИО полностью"),
    ("head_position", "", "Должность руководителя"),
])
def test_every_wrong_field_is_named_in_russian_and_input_kept(web, form_page, field, value, words):
    page = _register(web, **{field: value})
    form_page.assert_refused(page, field, value, words=words)
    assert form_page.kept(page, "short_name", VALID["short_name"]) or field == "short_name"
    assert not Organisation.select().where(Organisation.kind == "employer").exists()


def test_all_wrong_fields_are_shown_at_once(web, form_page):
    page = _register(web, inn="1", ogrn="2", phone="3")
    for field in ("inn", "ogrn", "phone"):
        assert form_page.error(page, field)


def test_entrepreneur_with_kpp_is_refused(web, form_page):
    page = _register(web, is_entrepreneur="on", inn="500100732259", ogrn="304500116000157")
    form_page.assert_refused(page, "kpp", VALID["kpp"], words="нет КПП")
    assert 'name="is_entrepreneur" value="on" checked' in page.text


def test_duplicate_inn_and_kpp_is_refused(web, form_page, smtp_server):
    assert _register(web).status_code == 200
    page = _register(web, email="other@alliance.ru")
    form_page.assert_refused(page, "inn", VALID["inn"], words="ИНН и КПП уже зарегистрирована")
    assert Organisation.select().where(Organisation.inn == VALID["inn"]).count() == 1
    # A branch (обособленное подразделение) has the same ИНН and its own КПП.
    assert _register(web, email="branch@alliance.ru", kpp="503202001").status_code == 200


def test_taken_email_says_the_same_and_creates_nothing(web, people, smtp_server):
    page = _register(web, email="hr@stroy.ru")
    assert page.status_code == 200 and "registration-done" in page.text
    assert not Organisation.select().where(Organisation.inn == VALID["inn"]).exists()
    letter = smtp_server.wait_for(1)[-1]
    assert letter["To"] == "hr@stroy.ru" and "уже используется" in smtp_server.body(letter)
    assert OutgoingMail.select().where(OutgoingMail.recipient == "hr@stroy.ru").count() == 1


def test_signed_in_user_is_sent_to_the_cabinet(new_web, people):
    from core.testing import TEST_PASSWORD

    web = new_web()
    web.login("hr@stroy.ru", TEST_PASSWORD)
    assert web.get("/register/employer").status_code == 303
    web.get("/cabinet/employer/")  # a page with the session's CSRF token
    assert web.post("/register/employer", VALID).status_code == 303


def test_registration_needs_csrf(web):
    web.get("/register/employer")
    assert web.post("/register/employer", VALID, csrf=False).status_code == 403
    assert not Organisation.select().where(Organisation.inn == VALID["inn"]).exists()
