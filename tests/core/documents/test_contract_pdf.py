"""Договор: both parties, subject, price in figures and words, payment terms — in PDF and in DOCX."""
import io
import json
from decimal import Decimal

import docx
import pytest

from core.documents.contract import render_contract_docx, render_contract_pdf
from core.documents.testing import (APPLICANT_NAME, PERSONAL_DATA, make_billing_world, make_group_application,
                                    make_invoice, pdf_text)
from core.exceptions import ValidationError
from core.models.applications import PAYER_EMPLOYER

COK_PREAMBLE = ("Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда» "
                "(ООО «ЦОК «Охрана труда»), именуемое в дальнейшем «Исполнитель», в лице генерального директора "
                "Петрова Сергея Николаевича, действующего на основании Устава, с одной стороны")


@pytest.fixture
def world(sqlcipher_db, factory):
    return make_billing_world(factory)


@pytest.fixture
def employer_world(sqlcipher_db, factory):
    return make_billing_world(factory, payer=PAYER_EMPLOYER)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join([p.text for p in document.paragraphs] + cells).split())


def test_contract_with_an_applicant(world):
    pdf = render_contract_pdf(make_invoice(world))
    text = pdf_text(pdf)
    for expected in (
        "ДОГОВОР № Д-2026-00017", "г. Москва", "23 ноября 2026 г.",
        f"{COK_PREAMBLE}, и {APPLICANT_NAME}, паспорт серия 4512 № 345678, выдан ГУ МВД России по г. Москве "
        "05.06.2019, код подразделения 770-093 (далее — Заказчик), с другой стороны",
        f"Соискатель: {APPLICANT_NAME}. Квалификация: «Специалист по охране труда (6 уровень квалификации)», "
        "код 40.05400.01",
        "109052, г. Москва, Нижегородская ул., д. 32, корп. 4",
        "Федеральным законом от 03.07.2016 № 238-ФЗ «О независимой оценке квалификации»",
        "составляет 15 200,50 руб. (Пятнадцать тысяч двести рублей 50 копеек), НДС не облагается",
        "Итого: 15 200,50 руб., НДС не облагается.",
        "предоплату в размере 100 % стоимости услуг в течение 5 (пяти) банковских дней со дня выставления "
        "счёта № С-2026-00017",
        "после поступления оплаты",
        "явиться на профессиональный экзамен",
        # requisites of both parties
        "ИНН 7722415832, КПП 772201001", "ОГРН 1177746318452", "Р/с 40702810938000012345 в ПАО Сбербанк, г. Москва",
        "БИК 044525225, к/с 30101810400000000225", "Адрес регистрации: 115573, г. Москва, ул. Мусы Джалиля",
        "СНИЛС 112-233-445 95", "Тел. +7 (912) 604-33-18, эл. почта nikolaev@example.ru",
        "/ Петров С. Н. /", "/ Николаев Д. О. /",
    ):
        assert expected in text, expected


def test_contract_with_an_employer_on_postpayment(employer_world):
    text = pdf_text(render_contract_pdf(make_invoice(employer_world, payment_terms="postpayment")))
    assert ("и Общество с ограниченной ответственностью «УралСтройМонтаж» (далее — Заказчик); от имени Заказчика "
            "действует генеральный директор Волков Николай Петрович на основании документа «Устав»") in text
    assert "в течение 10 (десяти) банковских дней со дня проведения профессионального экзамена" in text
    assert "после поступления оплаты" not in text
    assert "обеспечить явку соискателей" in text
    assert "ИНН 6658051936, КПП 665801001" in text
    assert "Фактический адрес: 620102, г. Екатеринбург, ул. Посадская, д. 21" in text
    assert "/ Волков Н. П. /" in text
    assert "паспорт" not in text.lower()


def test_group_contract_lists_rows(world):
    group = make_group_application(world, [(world.qualification, 4)])
    text = pdf_text(render_contract_pdf(make_invoice(world, group_application=group)))
    assert "в отношении работников Заказчика" in text
    assert "4 чел. 15 200,50 60 802,00" in text
    assert "Шестьдесят тысяч восемьсот два рубля 00 копеек" in text


def test_docx_has_the_same_parties_and_terms(world):
    text = docx_text(render_contract_docx(make_invoice(world)))
    assert "ДОГОВОР № Д-2026-00017" in text
    assert COK_PREAMBLE in text
    assert f"{APPLICANT_NAME}, паспорт серия 4512 № 345678" in text
    assert "Исполнитель Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда»" in text
    assert f"Заказчик {APPLICANT_NAME}" in text
    assert "Пятнадцать тысяч двести рублей 50 копеек" in text
    assert "15 200,50" in text
    assert "/ Петров С. Н. /" in text


def test_short_preamble_from_the_seed_gets_the_party_role(world):
    world.cok.contract_preamble = ("Автономная некоммерческая организация «Национальный центр» (АНО «НЦ») в лице "
                                   "директора Петракова Дмитрия Павловича, действующего на основании Устава")
    world.cok.save()
    text = pdf_text(render_contract_pdf(make_invoice(world)))
    assert ("действующего на основании Устава (далее — Исполнитель), с одной стороны, и "
            f"{APPLICANT_NAME}") in text


def test_missing_cok_requisites_are_named(world):
    world.cok.contract_preamble = ""
    world.cok.head_name = world.cok.signer_name = None
    world.cok.save()
    with pytest.raises(ValidationError) as caught:
        render_contract_pdf(make_invoice(world))
    assert str(caught.value) == "Заполните в профиле ЦОК: ФИО руководителя, преамбула для договоров."


def test_missing_passport_sends_the_application_back(world):
    snapshot = {**PERSONAL_DATA, "passport_number": None, "passport_issued_by": "", "passport_issue_date": None}
    world.application.personal_data = json.dumps(snapshot)
    world.application.save()
    with pytest.raises(ValidationError, match="не хватает данных соискателя: номер паспорта, кем выдан паспорт, "
                                              "дата выдачи паспорта. Верните заявление на доработку"):
        render_contract_pdf(make_invoice(world))


def test_employer_without_requisites_is_refused(employer_world):
    employer_world.employer.inn, employer_world.employer.legal_address = None, ""
    employer_world.employer.save()
    with pytest.raises(ValidationError, match="^Заполните в профиле работодателя: ИНН, юридический адрес\\.$"):
        render_contract_pdf(make_invoice(employer_world))


def test_vat_included_contract(world):
    world.price.vat_included = True
    world.price.amount = Decimal("12200")
    world.price.save()
    text = pdf_text(render_contract_pdf(make_invoice(world)))
    assert ("составляет 12 200,00 руб. (Двенадцать тысяч двести рублей 00 копеек), "
            "в том числе НДС (22 %): 2 200,00") in text
