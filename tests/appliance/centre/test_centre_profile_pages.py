"""«Ваш профиль» through HTTP: requisites checked by control digits, errors next to fields, input kept."""
import pytest

from centre_world import PROFILE as VALID
from core.models import Organisation


def test_profile_saves_every_field(world, signed_in):
    web = signed_in("operator@cok.ru")  # Оператор may edit the profile too
    page = web.get("/cabinet/cok/profile")
    assert page.status_code == 200 and "Ваш профиль" in page.text and "ещё не заполнено" in page.text
    saved = web.post("/cabinet/cok/profile", VALID)
    assert saved.status_code == 303, saved.text
    assert "Изменения сохранены" in web.get(saved.headers["location"]).text
    org = Organisation.get_by_id(world.orgs["cok"].id)
    assert (org.inn, org.kpp, org.ogrn, org.bik) == ("7707083893", "773601001", "1027700132195", "044525225")
    assert org.phone == "+74951234567" and org.email == "info@profi-cok.ru" and org.website == "https://profi-cok.ru"
    assert org.actual_same_as_legal and org.actual_address == org.legal_address
    assert org.signer_name == "Орлов Игорь Петрович" and org.contract_preamble.startswith("ООО")


WRONG = [
    ("full_name", "", "значение не указано"),
    ("short_name", "   ", "значение не указано"),
    ("phone", "12345", "Номер телефона указан неверно"),
    ("email", "не-почта", "Адрес электронной почты указан неверно"),
    ("website", "ftp:/сайт", "Веб-сайт указан неверно"),
    ("inn", "7707083894", "контрольная сумма ИНН"),
    ("kpp", "77360100", "КПП должен состоять из 9 символов"),
    ("ogrn", "1027700132196", "контрольная сумма ОГРН"),
    ("bik", "04452522", "БИК должен состоять из 9 цифр"),
    ("settlement_account", "40702810638000000001", "контрольный ключ расчётного счёта"),
    ("corr_account", "30101810400000000226", "контрольный ключ корреспондентского счёта"),
    ("bank_name", "", "наименование банка"),
    ("head_name", "Orlov Igor", "ФИО руководителя: допускаются только буквы кириллицы"),
    ("signer_name", "Орлов", "ФИО подписанта: укажите фамилию, имя"),
    ("accountant_name", "Фомина--Ирина", "ФИО главного бухгалтера"),
    ("contact_name", "123", "Контактное лицо"),
    ("head_position", "Д" * 201, "не более 200 символов"),
    ("signer_position", "Д" * 201, "не более 200 символов"),
    ("authority_document", "У" * 301, "не более 300 символов"),
    ("legal_address", "А" * 1001, "не более 1000 символов"),
    ("actual_address", "А" * 1001, "не более 1000 символов"),
    ("contract_preamble", "   ", None),  # empty is allowed while the profile is being filled in
]


@pytest.mark.parametrize(("field", "value", "message"), WRONG)
def test_wrong_value_is_shown_next_to_its_field(world, signed_in, field, value, message):
    web = signed_in("admin@cok.ru")
    web.get("/cabinet/cok/profile")
    form = {**VALID, field: value}
    if field == "actual_address":
        form["actual_same_as_legal"] = ""
    page = web.post("/cabinet/cok/profile", form)
    if message is None:
        assert page.status_code == 303
        return
    assert page.status_code == 422, page.text[:500]
    assert message in page.text
    assert f'name="{field}"' in page.text and f'aria-describedby="{field}-error"' in page.text
    assert f'id="{field}-error"' in page.text
    kept = VALID["head_name"] if field != "head_name" else VALID["signer_name"]
    assert kept in page.text, "введённые значения сохраняются в форме"
    assert Organisation.get_by_id(world.orgs["cok"].id).inn is None, "при ошибке ничего не сохраняется"


def test_all_errors_are_shown_at_once_and_requisites_agree(world, signed_in):
    web = signed_in("admin@cok.ru")
    web.get("/cabinet/cok/profile")
    page = web.post("/cabinet/cok/profile", {**VALID, "kpp": "", "phone": "1", "inn": "7707083893"})
    assert page.status_code == 422
    assert "укажите КПП" in page.text and "Номер телефона указан неверно" in page.text
    page = web.post("/cabinet/cok/profile", {**VALID, "inn": "500100732259", "ogrn": "1027700132195"})
    assert "нет КПП" in page.text and "ОГРНИП из 15 цифр" in page.text


def test_venue_edits_its_own_profile_and_others_cannot(world, signed_in):
    web = signed_in("admin@venue.ru")
    web.get("/cabinet/venue/profile")
    assert web.post("/cabinet/venue/profile", {**VALID, "short_name": "Площадка «Север»"}).status_code == 303
    assert Organisation.get_by_id(world.orgs["venue"].id).inn == "7707083893"
    assert Organisation.get_by_id(world.orgs["cok"].id).inn is None
    stranger = signed_in("welder@mail.ru")
    assert stranger.get("/cabinet/cok/profile").status_code == 403


def test_other_cabinets_keep_their_placeholder(world, signed_in):
    web = signed_in("admin@spk.ru")
    page = web.get("/cabinet/spk/profile")
    assert page.status_code == 200 and "Раздел появится" in page.text
    assert signed_in("hr@stroy.ru").get("/cabinet/employer/profile").status_code in (200, 303)
