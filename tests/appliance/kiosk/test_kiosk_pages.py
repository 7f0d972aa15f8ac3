"""«Вход на рабочее место экзамена» through the real app: code → cookie → the stage's page."""
from kiosk_kit import exam_world, sign_in  # noqa: F401 (fixtures)

from core.models import GroupMember, KioskSession, User, WebSession
from core.models.exams import GROUP_PRACTICE
from core.testing import TEST_PASSWORD


def test_page_asks_for_the_code_without_a_cabinet_menu(web):
    page = web.get("/kiosk")
    assert page.status_code == 200 and "Вход на рабочее место экзамена" in page.text
    assert 'name="code"' in page.text and 'autocomplete="off"' in page.text
    assert 'name="email"' not in page.text and "sidebar" not in page.text
    assert web.csrf  # the anonymous session's token, as on the login page


def test_code_signs_in_and_redirects_to_the_theory_page(web, exam_world):
    _, (member,) = exam_world.started_group("Соколов Дмитрий Олегович")
    result = sign_in(web, member.access_code.lower())
    assert result.status_code == 303 and result.headers["location"].endswith("/p/theory_exam/take")
    cookie = result.cookies["nok_kiosk"]
    assert cookie.http_only and cookie.same_site == "Strict" and cookie.path == "/"
    assert "nok_session" not in web.cookies and WebSession.select().count() == 0  # no cabinet session at a station
    assert GroupMember.get_by_id(member.id).code_used_at is not None
    again = web.get("/kiosk")  # a live station session goes straight to the exam
    assert again.status_code == 303 and again.headers["location"].endswith("/p/theory_exam/take")
    page = web.get("/p/theory_exam/take")
    assert page.status_code == 200 and "Соколов Дмитрий Олегович" in page.text


def test_wrong_code_keeps_what_was_typed_and_tells_nothing(web, new_web, exam_world):
    _, (member,) = exam_world.started_group("Соколов Дмитрий Олегович")
    sign_in(new_web(), member.access_code)
    wrong = sign_in(web, "abcd efgh")
    used = sign_in(web, member.access_code)
    assert wrong.status_code == used.status_code == 401
    assert 'value="abcd efgh"' in wrong.text
    assert wrong.text.replace("abcd efgh", member.access_code) == used.text  # the same answer, word for word
    assert "nok_kiosk" not in web.cookies


def test_sign_in_without_the_form_token_is_refused(web, exam_world):
    _, (member,) = exam_world.started_group("Соколов Дмитрий Олегович")
    web.get("/kiosk")
    result = web.post("/kiosk", {"code": member.access_code}, csrf=False)
    assert result.status_code == 403 and GroupMember.get_by_id(member.id).code_used_at is None


def test_venue_may_require_the_cabinet_login(services, web, exam_world):
    services.config.kiosk_require_login = True
    _, (member,) = exam_world.started_group("Соколов Дмитрий Олегович")
    page = web.get("/kiosk")
    assert 'name="email"' in page.text and 'name="password"' in page.text
    applicant = User.get_by_id(member.application.applicant_id)
    refused = sign_in(web, member.access_code, email=applicant.email, password="неверный пароль")
    assert refused.status_code == 401 and f'value="{applicant.email}"' in refused.text
    ok = sign_in(web, member.access_code, email=applicant.email, password=TEST_PASSWORD)
    assert ok.status_code == 303 and "nok_kiosk" in web.cookies


def test_logout_closes_the_station(web, exam_world):
    _, (member,) = exam_world.started_group("Соколов Дмитрий Олегович")
    sign_in(web, member.access_code)
    web.get("/p/theory_exam/take")
    result = web.post("/kiosk/logout")
    assert result.status_code == 303 and "nok_kiosk" not in web.cookies
    assert KioskSession.get(KioskSession.member == member.id).closed_at is not None
    assert "Вы вышли" in web.get("/kiosk?left=1").text


def test_practice_group_goes_to_its_own_stage(web, exam_world):
    _, (member,) = exam_world.started_group("Соколов Дмитрий Олегович", kind=GROUP_PRACTICE)
    result = sign_in(web, member.access_code)
    assert result.status_code == 303 and result.headers["location"].endswith("/p/practice_portfolio/take")
    theory = web.get("/p/theory_exam/take")
    assert theory.status_code == 404
