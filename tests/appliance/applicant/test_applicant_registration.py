"""Self-registration and the whole way of seed 004: register → letter → password → data → documents → sent."""
import re

from core.audit import AuditRecord
from core.models import Application, ApplicantProfile, ApplicationDocument, Role, User
from core.workflow import Status

from applicant_world import (BASE, PERSONAL, field_error, photo_jpeg, scan_jpeg, upload,
                             world)  # noqa: F401 (fixtures)

LINK = re.compile(r"http://testserver(/password/set\?token=[\w-]+)")


def test_registration_form_errors_are_russian_and_keep_input(web):
    web.get("/register")
    page = web.post("/register", {"full_name": "Иван", "email": "ivan@", "phone": "12", "consent_pd": ""})
    assert page.status_code == 422
    assert "полностью" in field_error(page.text, "full_name")
    assert "электронной почты" in field_error(page.text, "email")
    assert "Номер телефона" in field_error(page.text, "phone")
    assert "согласия" in field_error(page.text, "consent_pd")
    assert 'value="ivan@"' in page.text and 'value="Иван"' in page.text
    assert not User.select().where(User.role == Role.APPLICANT.value).exists()


def test_registered_address_gets_the_same_answer(people, web, smtp_server):
    web.get("/register")
    page = web.post("/register", {"full_name": "Самозванец Иван Иванович", "email": "welder@mail.ru",
                                  "phone": "+79160000000", "consent_pd": "1"})
    assert page.status_code == 200 and "отправлено письмо" in page.text
    letter = smtp_server.wait_for(1)[-1]
    assert letter["To"] == "welder@mail.ru" and "восстановление пароля" in smtp_server.body(letter)
    assert User.get(User.email == "welder@mail.ru").full_name == "Соколов Дмитрий Олегович"


def test_full_path_from_registration_to_a_sent_application(world, web, smtp_server):
    web.get("/register")
    page = web.post("/register", {"full_name": "Соколов Дмитрий Олегович", "email": "Sokolov@Mail.ru",
                                  "phone": "8 916 000-11-22", "consent_pd": "1"})
    assert page.status_code == 200 and "sokolov@mail.ru" in page.text
    user = User.get(User.email == "sokolov@mail.ru")
    assert user.role == Role.APPLICANT.value and ApplicantProfile.get(ApplicantProfile.user == user)

    letter = smtp_server.wait_for(1)[-1]
    link = LINK.search(smtp_server.body(letter)).group(1)
    web.get(link)
    set_password = web.post("/password/set", {"token": link.split("=", 1)[1], "password": "Сварка-2026-шов",
                                              "password_repeat": "Сварка-2026-шов"})
    assert set_password.status_code == 303
    login = web.login("sokolov@mail.ru", "Сварка-2026-шов")
    assert login.headers["location"] == "/cabinet/applicant/"

    form_page = web.get(f"{BASE}/personal")
    assert 'value="Соколов"' in form_page.text and 'value="Олегович"' in form_page.text, "ФИО из регистрации"
    assert web.post(f"{BASE}/personal", PERSONAL).status_code == 303
    photo = upload(web, f"{BASE}/personal/photo", files=[("photo", "фото.jpg", photo_jpeg(), "image/jpeg")])
    assert photo.status_code == 303
    web.get(f"{BASE}/documents")
    kinds = ("passport_main", "passport_registration", "diploma", "work_book", "snils")
    for kind in kinds:
        result = upload(web, f"{BASE}/documents", [("kind", kind), ("title", "")],
                        [("file", f"{kind}.jpg", scan_jpeg(), "image/jpeg")])
        assert result.status_code == 303, result.text

    wizard = web.get(f"{BASE}/applications/new")
    assert wizard.status_code == 200 and world.venue.short_name in wizard.text
    ids = re.findall(r'name="documents" value="(\d+)" checked', wizard.text)
    assert len(ids) == len(kinds), "документы обязательных видов отмечены заранее"
    fields = [("qualification", world.qual.id), ("venue", world.venue.id), ("payer", "self"),
              ("practical_form", "practice"), *[("documents", i) for i in ids],
              ("consent_accuracy", "1"), ("consent_pd", "1"), ("action", "send")]
    sent = upload(web, f"{BASE}/applications/new", fields)
    assert sent.status_code == 303, field_error(sent.text, "documents") or sent.text[:3000]
    application = Application.get(Application.applicant == user)
    assert application.status == Status.SUBMITTED.value
    assert re.fullmatch(r"З-\d{4}-000001", application.number)
    assert application.full_name == "Соколов Дмитрий Олегович" and application.snils == "11223344595"
    assert ApplicationDocument.select().where(ApplicationDocument.application == application).count() == len(kinds)
    page = web.get(sent.headers["location"])
    assert "На рассмотрении" in page.text and application.number in page.text
    status_letter = smtp_server.wait_for(2)[-1]
    assert application.number in status_letter["Subject"]
    assert AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "applicant_profile")
                                      & (AuditRecord.actor_id == user.id)).exists()
