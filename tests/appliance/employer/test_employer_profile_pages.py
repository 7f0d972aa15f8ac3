"""«Данные организации» of the employer through HTTP: requisites checked, every field's error in place."""
import pytest

from core.models import Organisation
from employer_world import employer_web, form_page, operator_web, valid_requisites, world  # noqa: F401 (fixtures)

PROFILE = "/cabinet/employer/profile"


def _form(**changes):
    form = {"full_name": "Общество с ограниченной ответственностью «СтройМонтаж»", "short_name": "СтройМонтаж",
            **valid_requisites(), "legal_address": "143084, Московская обл., г. Одинцово, ул. Маршала Жукова, д. 3",
            "actual_address": "", "actual_same_as_legal": "on", "email": "office@stroy.ru",
            "phone": "8 495 763-52-40", "head_name": "Смирнов Алексей Петрович", "head_position": "Директор",
            "authority_document": "Устав", "accountant_name": "Кузина Вера Павловна",
            "hr_head_name": "Орлова Ирина Сергеевна", "contact_name": "Морозова Елена Викторовна"}
    form.update(changes)
    return form


def _save(web, **changes):
    web.get(PROFILE)
    return web.post(PROFILE, _form(**changes))


def test_profile_is_saved_with_every_seed_field(employer_web, world):
    page = employer_web.get(PROFILE)
    assert page.status_code == 200 and valid_requisites()["inn"] in page.text
    saved = _save(employer_web)
    assert saved.status_code == 303
    assert "Данные организации сохранены" in employer_web.get(saved.headers["location"]).text
    org = Organisation.get_by_id(world.orgs["employer"].id)
    assert org.actual_address == org.legal_address and org.actual_same_as_legal
    assert (org.hr_head_name, org.accountant_name, org.authority_document, org.bik) == (
        "Орлова Ирина Сергеевна", "Кузина Вера Павловна", "Устав", valid_requisites()["bik"])
    assert org.phone == "+74957635240"


def test_operator_edits_the_profile_too(operator_web, world):
    assert _save(operator_web, actual_same_as_legal="", actual_address="г. Москва, ул. Ленина, д. 1").status_code == 303
    assert Organisation.get_by_id(world.orgs["employer"].id).actual_address == "г. Москва, ул. Ленина, д. 1"


@pytest.mark.parametrize("field, value, words", [
    ("full_name", "", "Полное наименование"),
    ("short_name", "", "Краткое наименование"),
    ("inn", "7707083894", "контрольная сумма"),
    ("inn", "", "ИНН: заполните"),
    ("kpp", "7708", "9 символов"),
    ("ogrn", "1027700132194", "контрольная сумма"),
    ("settlement_account", "40702810938000054322", "контрольный ключ"),
    ("corr_account", "30101810400000000226", "контрольный ключ"),
    ("bik", "04452522", "9 цифр"),
    ("bank_name", "", "наименование банка"),
    ("legal_address", "д" * 1001, "не более 1000"),
    ("email", "office@", "электронной почты"),
    ("phone", "555", "Номер телефона"),
    ("head_name", "", "ФИО руководителя"),
    ("head_name", "Smith", "кириллицы"),
    ("head_position", "д" * 201, "не более 200"),
    ("authority_document", "д" * 301, "не более 300"),
    ("accountant_name", "Кузина", "фамилию, имя"),
    ("hr_head_name", "Orlova Irina", "кириллицы"),
    ("contact_name", "Морозова1 Елена", "кириллицы"),
])
def test_every_wrong_field_is_named_in_russian_and_input_kept(employer_web, world, form_page, field, value, words):
    page = _save(employer_web, **{field: value})
    form_page.assert_refused(page, field, value, words=words)
    assert form_page.kept(page, "short_name", "СтройМонтаж") or field == "short_name"
    assert Organisation.get_by_id(world.orgs["employer"].id).hr_head_name is None, "ничего не сохранено"


def test_accounts_are_checked_against_the_bik(employer_web, form_page):
    page = _save(employer_web, bik="044030653")  # another bank's БИК: both keys stop matching
    assert form_page.error(page, "settlement_account") and form_page.error(page, "corr_account")


def test_another_employers_inn_and_kpp_is_refused(employer_web, world, form_page):
    world.stranger_org.inn, world.stranger_org.kpp = "7707083893", "773601001"
    world.stranger_org.save()
    page = _save(employer_web, inn="7707083893", kpp="773601001")
    form_page.assert_refused(page, "inn", "7707083893", words="ИНН и КПП")


def test_other_cabinets_cannot_open_the_employer_profile(world, new_web):
    from core.testing import TEST_PASSWORD

    cok = new_web()
    cok.login("admin@cok.ru", TEST_PASSWORD)
    assert cok.get(PROFILE).status_code == 403
    applicant = new_web()
    applicant.login("welder@mail.ru", TEST_PASSWORD)
    assert applicant.get(PROFILE).status_code == 403
    assert new_web().get(PROFILE).status_code == 303  # not signed in: to the login page
