"""«Реестр соискателей» through HTTP: staff added with their own accounts, applications linked, dates agreed."""
import re

import pytest

from core.models import ApplicantProfile, Application, AuditRecord, ExamSlot, Role, User
from core.services import group_applications as groups
from core.testing import count_queries
from core.workflow import Status
from employer_world import employer_web, form_page, operator_web, stranger_web, world  # noqa: F401 (fixtures)

REG = "/cabinet/employer/applicants"
PERSON = {"full_name": "Петрова Наталья Валентиновна", "email": "Petrova@Mail.ru", "snils": "112-233-445 95"}


def _add(web, group, **changes):
    web.get(f"{REG}/new")
    return web.post(f"{REG}/new", {**PERSON, "row": str(group.rows.get().id), **changes})


def _application(world, group=None, status=Status.PAID_DATE_AGREEMENT, *, name="Соколов Дмитрий Олегович",
                 applicant=None, employer=None):
    return Application.create(applicant=applicant or world.people["applicant"], cok=world.orgs["cok"],
                              venue=world.orgs["venue"], qualification=world.qual, payer="employer",
                              employer=employer or world.orgs["employer"], group_application=group,
                              status=status.value, full_name=name)


def test_employer_adds_an_employee_who_gives_their_own_consent(employer_web, world, smtp_server):
    group = world.group()
    form = employer_web.get(f"{REG}/new")
    assert "Специалист по охране труда" in form.text and "свободно мест: 3" in form.text
    page = _add(employer_web, group)
    assert page.status_code == 303, page.text
    user = User.get(User.email == "petrova@mail.ru")
    assert user.role == Role.APPLICANT.value and user.organisation_id is None and user.password_hash is None
    profile = ApplicantProfile.get(ApplicantProfile.user == user)
    assert profile.snils == "11223344595" and profile.consent_pd_at is None and profile.consent_accuracy_at is None
    assert not AuditRecord.select().where(AuditRecord.action == "consent").exists(), "работодатель согласие не даёт"
    application = Application.get(Application.applicant == user)
    assert (application.status, application.payer, application.employer_id, application.group_application_id,
            application.qualification_id, application.venue_id) == (
        "draft", "employer", world.orgs["employer"].id, group.id, world.qual.id, world.orgs["venue"].id)
    letters = smtp_server.wait_for(2)
    bodies = {smtp_server.body(m) for m in letters if m["To"] == "petrova@mail.ru"}
    assert any("/password/set?token=" in b for b in bodies)
    assert any("согласие на обработку персональных данных" in b for b in bodies)
    person = employer_web.get(page.headers["location"])
    assert "Петрова Наталья Валентиновна" in person.text and "112-233-445 95" in person.text
    assert "Черновик" in person.text and "Соискатель добавлен" in person.text
    assert "Петрова Наталья Валентиновна" in employer_web.get(REG).text


@pytest.mark.parametrize("field, value, words", [
    ("full_name", "Petrova Natalia", "кириллицы"),
    ("full_name", "Петрова", "ФИО полностью"),
    ("email", "petrova@", "электронной почты"),
    ("email", "hr@stroy.ru", "уже зарегистрирован"),
    ("snils", "112", "11 цифр"),
    ("snils", "112-233-445 96", "контрольная сумма"),
])
def test_every_wrong_applicant_field_is_named_and_kept(employer_web, world, form_page, field, value, words):
    group = world.group()
    page = _add(employer_web, group, **{field: value})
    form_page.assert_refused(page, field, value, words=words)
    assert form_page.kept(page, "full_name", PERSON["full_name"]) or field == "full_name"
    assert not Application.select().where(Application.group_application == group).exists()


@pytest.mark.parametrize("row", ["", "999999", "draft", "stranger"])
def test_row_must_be_one_of_our_sent_group_applications(employer_web, world, form_page, row):
    group = world.group()
    rows = {"draft": lambda: world.group(groups.GroupStatus.DRAFT).rows.get().id,
            "stranger": lambda: world.group(employer=world.stranger_org).rows.get().id}
    value = str(rows[row]()) if row in rows else row
    page = _add(employer_web, group, row=value)
    form_page.assert_refused(page, "row", words="Выберите строку")
    assert not User.select().where(User.email == "petrova@mail.ru").exists()


def test_taken_snils_points_to_the_payer_choice(employer_web, world, form_page):
    group = world.group()
    ApplicantProfile.create(user=world.people["applicant"], snils="11223344595")
    form_page.assert_refused(_add(employer_web, group), "snils", PERSON["snils"], words="плательщиком")


def test_a_row_takes_no_more_people_than_declared(employer_web, world, form_page):
    group = world.group(people=1)
    assert _add(employer_web, group).status_code == 303
    page = _add(employer_web, group, email="second@mail.ru", snils="")
    assert form_page.error(page, "snils") and form_page.error(page, "row"), "все ошибки сразу"
    page = _add(employer_web, group, email="second@mail.ru", snils="087-654-303 00")
    form_page.assert_refused(page, "row", words="нет свободных мест")
    assert "Нет отправленных групповых заявок" in employer_web.get(f"{REG}/new").text


def test_without_a_sent_group_application_nobody_can_be_added(employer_web, world):
    world.group(groups.GroupStatus.DRAFT)
    page = employer_web.get(f"{REG}/new")
    assert "Нет отправленных групповых заявок" in page.text and 'name="snils"' not in page.text


def test_a_member_gets_another_application_for_another_row(employer_web, world, form_page):
    group = world.group()
    other = world.group(qual=world.qual2)
    _add(employer_web, group)
    user = User.get(User.email == "petrova@mail.ru")
    employer_web.get(f"{REG}/{user.id}")
    page = employer_web.post(f"{REG}/{user.id}", {"row": str(group.rows.get().id)})
    form_page.assert_refused(page, "row", words="уже есть действующее заявление")
    assert employer_web.post(f"{REG}/{user.id}", {"row": str(other.rows.get().id)}).status_code == 303
    assert Application.select().where(Application.applicant == user).count() == 2


def test_application_naming_us_as_payer_is_linked_to_a_row(employer_web, world, form_page):
    group = world.group()
    wrong = world.group(qual=world.qual2)
    application = _application(world, status=Status.SUBMITTED)
    person = employer_web.get(f"{REG}/{application.applicant_id}")
    link_form = person.text[person.text.index("Включить в групповую заявку"):person.text.index("Включить</button>")]
    assert f'<option value="{group.rows.get().id}"' in link_form
    assert f'<option value="{wrong.rows.get().id}"' not in link_form, "строка другой квалификации не предлагается"
    page = employer_web.post(f"{REG}/applications/{application.id}/link", {"row": str(wrong.rows.get().id)})
    form_page.assert_refused(page, "row", words="не совпадает")
    assert employer_web.post(f"{REG}/applications/{application.id}/link",
                             {"row": str(group.rows.get().id)}).status_code == 303
    assert Application.get_by_id(application.id).group_application_id == group.id


def _month(slot: ExamSlot) -> str:
    return f"{slot.starts_at:%Y-%m}"


def test_exam_date_is_agreed_on_the_venue_calendar(employer_web, world, form_page, factory):
    group = world.group()
    free = world.slot(days=8, hour=9, seats=5)
    full = world.slot(days=8, hour=11, seats=1)
    elsewhere = world.slot(days=8, hour=13, seats=5, venue=world.other_venue)
    holder = factory.user(Role.APPLICANT, full_name="Занятов Пётр Ильич")
    Application.create(applicant=holder, cok=world.orgs["cok"], venue=world.orgs["venue"], qualification=world.qual,
                       status=Status.PAID_DATE_CONFIRMATION.value, slot=full)
    application = _application(world, group)
    url = f"{REG}/applications/{application.id}/date"
    page = employer_web.get(f"{url}?month={_month(free)}")
    assert "09:00 (0/5)" in page.text and "13:00" not in page.text
    assert re.search(rf'value="{full.id}" disabled[^>]*>11:00 \(1/1\)', page.text), "заполненное время недоступно"
    form_page.assert_refused(employer_web.post(url, {"slot": str(full.id)}), "slot", words="свободных мест нет")
    form_page.assert_refused(employer_web.post(url, {"slot": str(elsewhere.id)}), "slot", words="календаре")
    chosen = employer_web.post(url, {"slot": str(free.id)})
    assert chosen.status_code == 303
    application = Application.get_by_id(application.id)
    assert application.status == Status.PAID_DATE_CONFIRMATION.value and application.slot_id == free.id
    register = employer_web.get(REG)
    assert f"{free.starts_at:%d.%m.%Y %H:%M}" in register.text and "Подтверждение даты" in register.text
    page = employer_web.get(url)
    assert "ожидает подтверждения ЦОК" in page.text
    assert employer_web.post(url, {"action": "release"}).status_code == 303
    application = Application.get_by_id(application.id)
    assert application.status == Status.PAID_DATE_AGREEMENT.value and application.slot_id is None


def test_date_is_agreed_only_after_payment(employer_web, world, form_page):
    slot = world.slot()
    application = _application(world, world.group(), Status.AWAITING_PAYMENT)
    url = f"{REG}/applications/{application.id}/date"
    page = employer_web.get(url)
    assert "после оплаты" in page.text and 'data-testid="calendar"' not in page.text
    form_page.assert_refused(employer_web.post(url, {"slot": str(slot.id)}), "slot", words="после оплаты")


def test_register_filters_paginates_and_hides_others(employer_web, world, factory, services):
    group = world.group(people=40)
    _application(world, group, Status.DRAFT, name="Соколов Дмитрий Олегович")
    _application(world, world.group(employer=world.stranger_org), Status.DRAFT, name="Чужой Сотрудник Иванович",
                 applicant=factory.user(Role.APPLICANT, full_name="Чужой Сотрудник Иванович"),
                 employer=world.stranger_org)
    page = employer_web.get(REG)
    assert "Соколов Дмитрий Олегович" in page.text and "Чужой Сотрудник" not in page.text
    assert "Соколов" not in employer_web.get(f"{REG}?name=Петров").text
    assert "Соколов" in employer_web.get(f"{REG}?name=Сокол&status=draft").text
    assert "Соколов" not in employer_web.get(f"{REG}?status=submitted").text
    with count_queries(services.db) as few:
        employer_web.get(REG)
    for n in range(30):
        _application(world, group, Status.DRAFT, name=f"Сотрудник Номер Иванович{n}",
                     applicant=factory.user(Role.APPLICANT, password=None))
    with count_queries(services.db) as many:
        page = employer_web.get(REG)
    assert len(few) == len(many), many
    assert 'href="?page=2' in page.text and "Всего заявлений: 31" in page.text


def test_another_employers_applicant_is_not_found_everywhere(stranger_web, world):
    group = world.group()
    slot = world.slot()
    application = _application(world, group)
    person = application.applicant_id
    for path in (f"{REG}/{person}", f"{REG}/applications/{application.id}/date"):
        page = stranger_web.get(path)
        assert page.status_code == 404 and "Соколов" not in page.text, path
    stranger_web.get(REG)
    for path, form in ((f"{REG}/{person}", {"row": str(group.rows.get().id)}),
                       (f"{REG}/applications/{application.id}/link", {"row": str(group.rows.get().id)}),
                       (f"{REG}/applications/{application.id}/date", {"slot": str(slot.id)})):
        assert stranger_web.post(path, form).status_code == 404, path
    assert Application.get_by_id(application.id).status == Status.PAID_DATE_AGREEMENT.value
    assert "Соколов" not in stranger_web.get(REG).text


def test_operator_adds_applicants_too(operator_web, world):
    assert _add(operator_web, world.group()).status_code == 303
    assert User.select().where(User.email == "petrova@mail.ru").exists()
