"""Счёт на оплату: read the PDF back and check requisites, lines, totals, words and the payment QR code."""
from decimal import Decimal

import pytest

from core.documents.invoice import render_invoice_pdf
from core.documents.testing import (APPLICANT_NAME, embedded_qr_codes, make_billing_world, make_group_application,
                                    make_invoice, make_qualification, pdf_text, qr_codes_in_pdf)
from core.exceptions import ValidationError
from core.models import Price
from core.models.applications import PAYER_EMPLOYER

SERVICE = ("Проведение профессионального экзамена по квалификации «Специалист по охране труда» "
           "(6 уровень квалификации)")
EXPECTED_QR = (
    "ST00012|Name=ООО «ЦОК «Охрана труда»|PersonalAcc=40702810938000012345|BankName=ПАО Сбербанк, г. Москва"
    "|BIC=044525225|CorrespAcc=30101810400000000225|PayeeINN=7722415832|KPP=772201001|Sum=1520050"
    "|Purpose=Оплата по счёту № С-2026-00017 от 23.11.2026 за проведение профессионального экзамена. "
    "НДС не облагается|LastName=Николаев|FirstName=Денис|MiddleName=Олегович"
    "|PayerAddress=115573, г. Москва, ул. Мусы Джалиля, д. 8, корп. 2, кв. 41")


@pytest.fixture
def world(sqlcipher_db, factory):
    return make_billing_world(factory)


def test_invoice_for_an_applicant(world):
    pdf = render_invoice_pdf(make_invoice(world))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "Счёт на оплату № С-2026-00017 от 23 ноября 2026 г.",
        "ПАО Сбербанк, г. Москва", "БИК 044525225", "30101810400000000225", "40702810938000012345",
        "ИНН 7722415832", "КПП 772201001",
        "Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда»",
        "109147, г. Москва, ул. Марксистская, д. 22, стр. 1, офис 410",
        f"Заказчик: {APPLICANT_NAME}", "Договор № Д-2026-00017 от 23 ноября 2026 г.", "Предоплата",
        SERVICE, "1 чел. 15 200,50 15 200,50", "Итого: 15 200,50", "НДС не облагается", "Всего к оплате: 15 200,50",
        "Всего наименований 1, на сумму 15 200,50 руб.", "Пятнадцать тысяч двести рублей 50 копеек",
        "Генеральный директор Петров С. Н.", "Главный бухгалтер Кириллова В. М.",
    ):
        assert expected in text, expected


def test_qr_code_in_the_printed_invoice_is_the_gost_string(world):
    pdf = render_invoice_pdf(make_invoice(world))
    assert embedded_qr_codes(pdf) == [EXPECTED_QR]
    assert qr_codes_in_pdf(pdf) == [EXPECTED_QR]


def test_employer_pays_for_an_employee(sqlcipher_db, factory):
    invoice = make_invoice(make_billing_world(factory, payer=PAYER_EMPLOYER), payment_terms="postpayment")
    pdf = render_invoice_pdf(invoice)
    text = pdf_text(pdf)
    assert "Заказчик: Общество с ограниченной ответственностью «УралСтройМонтаж», ИНН 6658051936" in text
    assert f"Соискатель: {APPLICANT_NAME}" in text
    assert "Постоплата" in text
    (qr,) = embedded_qr_codes(pdf)
    assert qr.endswith("НДС не облагается|PayerINN=6658051936")
    assert "LastName" not in qr


def test_group_invoice_lists_every_row(world):
    welder = make_qualification(world.spk, "40.00200.02", "Сварщик ручной дуговой сварки плавящимся покрытым "
                                "электродом", 4)
    Price.create(cok=world.cok, qualification=welder, amount=Decimal("9800"))
    group = make_group_application(world, [(world.qualification, 3), (welder, 2)])
    invoice = make_invoice(world, number="С-2026-00018", contract_number="Д-2026-00018", group_application=group)
    assert invoice.amount == Decimal("65201.50")
    text = pdf_text(render_invoice_pdf(invoice))
    assert "3 чел. 15 200,50 45 601,50" in text
    assert ("«Сварщик ручной дуговой сварки плавящимся покрытым электродом» (4 уровень квалификации) "
            "ЭЦ «Нижегородская» 2 чел. 9 800,00 19 600,00") in text
    assert "Всего наименований 2, на сумму 65 201,50 руб." in text
    assert "Шестьдесят пять тысяч двести один рубль 50 копеек" in text


def test_vat_included_price(world):
    world.price.vat_included = True
    world.price.save()
    text = pdf_text(render_invoice_pdf(make_invoice(world)))
    assert "В том числе НДС (22 %): 2 741,07" in text
    assert "НДС не облагается" not in text


def test_missing_bank_requisites_name_what_to_fill(world):
    world.cok.bik = None
    world.cok.settlement_account = ""
    world.cok.save()
    with pytest.raises(ValidationError) as caught:
        render_invoice_pdf(make_invoice(world))
    assert str(caught.value) == "Заполните в профиле ЦОК: БИК, расчётный счёт."


def test_mistyped_account_is_caught_before_it_reaches_the_qr_code(world):
    world.cok.settlement_account = "40702810938000012346"
    world.cok.save()
    with pytest.raises(ValidationError, match="Исправьте в профиле ЦОК: Неверный контрольный ключ расчётного счёта"):
        render_invoice_pdf(make_invoice(world))


def test_price_changed_after_issue_is_not_silently_rendered(world):
    invoice = make_invoice(world)
    world.price.amount = Decimal("17000")
    world.price.save()
    with pytest.raises(ValidationError, match="изменилась после выставления счёта С-2026-00017"):
        render_invoice_pdf(invoice)


def test_markup_in_profile_fields_is_printed_as_text(world):
    world.cok.full_name = "АНО «ЦОК <b>Жирный</b> & Ко»"
    world.cok.save()
    assert "АНО «ЦОК <b>Жирный</b> & Ко»" in pdf_text(render_invoice_pdf(make_invoice(world)))
