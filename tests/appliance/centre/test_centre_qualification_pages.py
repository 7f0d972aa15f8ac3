"""«Квалификации» through HTTP: КОС state, prices in Russian notation, adding and removing offers."""
import datetime as dt
from decimal import Decimal

import pytest

from core.models import Price, Qualification, QualificationOffer, ProfStandard
from core.workflow import Status


def _price(world, qualification):
    row = Price.get_or_none((Price.cok == world.orgs["cok"]) & (Price.qualification == qualification))
    return row and Decimal(row.amount)


def test_list_shows_kos_state_and_price_is_saved(world, signed_in):
    offer = QualificationOffer.get((QualificationOffer.cok == world.orgs["cok"])
                                   & (QualificationOffer.qualification == world.fitter))
    offer.kos_loaded_at, offer.kos_version = dt.datetime(2026, 2, 1, 9, 0), "2.1"
    offer.save()
    web = signed_in("operator@cok.ru")  # Оператор does everything but staff
    page = web.get("/cabinet/cok/qualifications")
    assert page.status_code == 200
    assert "Сварщик ручной дуговой сварки (3 уровень квалификации)" in page.text
    assert "Не выгружен" in page.text and "Выгружен" in page.text and "версия 2.1" in page.text
    assert "Загрузить КОС" not in page.text and "Выгрузить" not in page.text.replace("Не выгружен", "").replace(
        "Выгружен", ""), "кнопки выгрузки КОС пока нет"
    saved = web.post(f"/cabinet/cok/qualifications/{world.welder.id}/price", {"amount": "15 000,50"})
    assert saved.status_code == 303
    assert _price(world, world.welder) == Decimal("15000.50")
    page = web.get(saved.headers["location"])
    assert "Стоимость сохранена" in page.text and 'value="15\u00a0000,50"' in page.text
    assert web.post(f"/cabinet/cok/qualifications/{world.welder.id}/price", {"amount": "0"}).status_code == 303
    assert _price(world, world.welder) == Decimal("0.00")


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Укажите стоимость"),
    ("-100", "не может быть отрицательной"),
    ("сто рублей", "числом в рублях"),
    ("15 000,505", "не более двух цифр"),
    ("1.000,50", "числом в рублях"),
    ("99999999999", "слишком большая"),
])
def test_wrong_price_is_shown_next_to_its_field(world, signed_in, typed, message):
    web = signed_in("admin@cok.ru")
    web.get("/cabinet/cok/qualifications")
    page = web.post(f"/cabinet/cok/qualifications/{world.welder.id}/price", {"amount": typed})
    assert page.status_code == 422 and message in page.text
    assert f'id="amount_{world.welder.id}-error"' in page.text
    assert f'value="{typed}"' in page.text, "введённое значение остаётся в поле"
    assert _price(world, world.welder) is None


def test_add_and_remove_offered_qualification(world, signed_in):
    web = signed_in("admin@cok.ru")
    page = web.get("/cabinet/cok/qualifications")
    assert "Контролёр сварочных работ" in page.text  # offered by the СПК, not yet by the ЦОК
    added = web.post("/cabinet/cok/qualifications/add", {"qualification": str(world.spare.id)})
    assert added.status_code == 303
    assert QualificationOffer.select().where((QualificationOffer.cok == world.orgs["cok"])
                                             & (QualificationOffer.qualification == world.spare)).exists()
    again = web.post("/cabinet/cok/qualifications/add", {"qualification": str(world.spare.id)})
    assert again.status_code == 422 and "уже есть в списке" in again.text and 'id="qualification-error"' in again.text
    assert "Выберите квалификацию" in web.post("/cabinet/cok/qualifications/add", {"qualification": ""}).text
    std = ProfStandard.create(code="20.032", name="Энергетик")
    foreign = Qualification.create(spk=world.far_spk, prof_standard=std, code="20.03200.05", name="Энергетик", level=5)
    page = web.post("/cabinet/cok/qualifications/add", {"qualification": str(foreign.id)})
    assert page.status_code == 422 and "вашего СПК" in page.text
    removed = web.post(f"/cabinet/cok/qualifications/{world.spare.id}/withdraw")
    assert removed.status_code == 303


def test_cannot_remove_a_qualification_with_applications_in_progress(world, signed_in):
    world.application(status=Status.SUBMITTED)
    web = signed_in("admin@cok.ru")
    web.get("/cabinet/cok/qualifications")
    page = web.post(f"/cabinet/cok/qualifications/{world.welder.id}/withdraw")
    assert page.status_code == 422 and "есть заявления в работе (1)" in page.text
    assert QualificationOffer.select().where(QualificationOffer.qualification == world.welder,
                                             QualificationOffer.cok == world.orgs["cok"]).exists()


def test_venue_sees_the_list_read_only(world, signed_in):
    Price.create(cok=world.orgs["cok"], qualification=world.welder, amount=Decimal("9000"))
    web = signed_in("admin@venue.ru")
    page = web.get("/cabinet/venue/qualifications")
    assert page.status_code == 200 and "9\u00a0000,00\u00a0₽" in page.text and "Добавить квалификацию" not in page.text
    assert web.post(f"/cabinet/venue/qualifications/{world.welder.id}/price", {"amount": "1"}).status_code == 403
    assert _price(world, world.welder) == Decimal("9000")


def test_other_centre_cannot_price_or_remove_our_qualification(world, signed_in):
    web = signed_in("admin@energo.ru")  # a ЦОК of another СПК
    page = web.get("/cabinet/cok/qualifications")
    assert "Сварщик" not in page.text
    assert web.post(f"/cabinet/cok/qualifications/{world.fitter.id}/price", {"amount": "1"}).status_code == 404
    assert web.post(f"/cabinet/cok/qualifications/{world.fitter.id}/withdraw").status_code == 404
    assert web.post("/cabinet/cok/qualifications/999999/price", {"amount": "1"}).status_code == 404
    assert _price(world, world.fitter) is None
    assert QualificationOffer.select().where(QualificationOffer.qualification == world.fitter).exists()
