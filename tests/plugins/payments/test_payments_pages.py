"""«Оплаты» through the real app with the built-in plugin: list, manual confirmation, 1C statements."""
import re

import pytest

from payments_testkit import (FOREIGN_ACCOUNT, pay_browser, payment_order, statement_bytes,  # noqa: F401 (fixtures)
                              web_billing, web_plugins)
from core.models import Application, Invoice, OrgKind, Payment, Role
from core.testing import TEST_PASSWORD, count_queries
from core.workflow import Status
from plugins.payments.models import StatementUpload

PURPOSE = "Оплата по счету №С-2026-00017 от 20.01.2026 за профессиональный экзамен"


@pytest.fixture
def staff(web_billing, factory):
    return {
        "cok": factory.user(Role.ADMIN, web_billing.cok, email="admin@cok.ru"),
        "operator": factory.user(Role.OPERATOR, web_billing.cok, email="operator@cok.ru"),
        "venue": factory.user(Role.ADMIN, web_billing.venue, email="admin@venue.ru"),
        "other": factory.user(Role.ADMIN, web_billing.other_cok, email="admin@yug.ru"),
        "spk": factory.user(Role.ADMIN, web_billing.cok.parent, email="admin@spk.ru"),
    }


@pytest.fixture
def signed_in(pay_browser, staff):
    def open_as(who):
        client = pay_browser()
        landing = client.login(staff[who].email, TEST_PASSWORD).headers["location"]
        client.get(landing)  # the session (and its CSRF token) is new after login
        return client
    return open_as


def test_menu_entry_in_centre_and_venue_cabinets(signed_in):
    assert 'href="/p/payments/cok/">Оплаты<' in signed_in("operator").get("/cabinet/cok/").text
    assert 'href="/p/payments/venue/">Оплаты<' in signed_in("venue").get("/cabinet/venue/").text
    assert "/p/payments/" not in signed_in("spk").get("/cabinet/spk/").text


def test_list_shows_own_unpaid_invoices_with_filters(web_billing, signed_in):
    web_billing.invoice("С-2026-00017", payer="Соколов Дмитрий Олегович")
    web_billing.invoice("С-2026-00018", "30000.00", payer="ООО «Ромашка»", payer_inn="7701234567",
                        group=web_billing.group(Status.AWAITING_PAYMENT))
    paid = web_billing.invoice("С-2026-00019")
    paid.paid_at = paid.created_at
    paid.save()
    web_billing.invoice("Ю-2026-00001", cok=web_billing.other_cok)
    web = signed_in("operator")
    page = web.get("/p/payments/cok/")
    assert page.status_code == 200 and "Счета, ожидающие оплаты" in page.text
    assert _numbers(page) == ["С-2026-00018", "С-2026-00017"]  # newest first
    assert "Заявление № 2026-000001, Соколов Дмитрий Олегович" in page.text and "Групповая заявка № Г-2026-" in page.text
    assert "30\u00a0000,00\u00a0₽" in page.text and "ИНН 7701234567" in page.text
    assert _numbers(web.get("/p/payments/cok/", params={"q": "с 2026 17"})) == ["С-2026-00017"]
    assert _numbers(web.get("/p/payments/cok/", params={"q": "ромашка"})) == ["С-2026-00018"]
    assert _numbers(web.get("/p/payments/cok/", params={"q": "7701234567"})) == ["С-2026-00018"]
    nothing = web.get("/p/payments/cok/", params={"q": "Ю-2026-00001"})
    assert _numbers(nothing) == [] and "не найдено" in nothing.text


def test_list_paginates_in_the_database(web_billing, signed_in, services):
    web = signed_in("operator")

    def queries():
        with count_queries(services.db) as seen:
            assert web.get("/p/payments/cok/").status_code == 200
        return len(seen)

    web_billing.invoice("С-2026-00001")
    few = queries()
    for n in range(2, 31):
        web_billing.invoice(f"С-2026-{n:05d}")
    assert queries() == few
    assert len(_numbers(web.get("/p/payments/cok/"))) == 25
    second = web.get("/p/payments/cok/", params={"page": 2})
    assert len(_numbers(second)) == 5 and "Всего: 30" in second.text


def test_venue_sees_invoices_of_applications_examined_at_it(web_billing, signed_in, factory):
    web_billing.invoice("С-2026-00017")
    far = factory.org(OrgKind.VENUE, parent=web_billing.cok)
    hidden = web_billing.invoice("С-2026-00018", application=web_billing.application(venue=far))
    web = signed_in("venue")
    assert _numbers(web.get("/p/payments/venue/")) == ["С-2026-00017"]
    assert web.get(f"/p/payments/venue/invoices/{hidden.id}").status_code == 404


def test_manual_confirmation(web_billing, signed_in):
    invoice = web_billing.invoice("С-2026-00017")
    web = signed_in("operator")
    page = web.get(f"/p/payments/cok/invoices/{invoice.id}")
    assert page.status_code == 200 and "Подтвердить оплату вручную" in page.text
    form = {"amount": "13 000,00", "paid_on": "2026-02-03", "reference": "417", "payer": "Соколов Д. О."}
    refused = web.post(f"/p/payments/cok/invoices/{invoice.id}", form)
    assert refused.status_code == 422 and "переплата 500,00" in refused.text
    assert re.search(r'name="amount"[^>]*value="13 000,00"[^>]*aria-invalid="true"', refused.text)
    assert Payment.select().count() == 0
    done = web.post(f"/p/payments/cok/invoices/{invoice.id}", {**form, "amount": "12 500,00"})
    assert done.status_code == 303 and done.headers["location"].endswith(f"/invoices/{invoice.id}?notice=paid")
    after = web.get(done.headers["location"])
    assert "Оплата подтверждена" in after.text and "№ 417 от 03.02.2026" in after.text
    assert "Ручное подтверждение оплаты" in after.text and "Подтвердить оплату вручную" not in after.text
    assert Application.get_by_id(invoice.application_id).status == Status.PAID_DATE_AGREEMENT.value
    assert web.post(f"/p/payments/cok/invoices/{invoice.id}", {**form, "amount": "12500"}).status_code == 303
    assert Payment.select().count() == 1
    second = web.post(f"/p/payments/cok/invoices/{invoice.id}", {**form, "amount": "12500", "reference": "418"})
    assert second.status_code == 422 and "уже оплачен" in second.text and Payment.select().count() == 1
    assert _numbers(web.get("/p/payments/cok/")) == []


def test_other_organisations_invoices_and_statements_are_not_found(web_billing, signed_in):
    invoice = web_billing.invoice("С-2026-00017")
    upload = signed_in("cok").upload_statement("/p/payments/cok/statements", "vypiska.txt",
                                     statement_bytes(payment_order("417", "12500.00", PURPOSE)))
    statement_url = upload.headers["location"]
    stranger = signed_in("other")
    for url in (f"/p/payments/cok/invoices/{invoice.id}", statement_url):
        page = stranger.get(url)
        assert page.status_code == 404 and "С-2026-00017" not in page.text and "Соколов" not in page.text
    form = {"amount": "12500", "paid_on": "2026-02-03", "reference": "417"}
    assert stranger.post(f"/p/payments/cok/invoices/{invoice.id}", form).status_code == 404
    assert stranger.post(f"{statement_url}/post").status_code == 404
    assert Payment.select().count() == 0 and Invoice.get_by_id(invoice.id).paid_at is None


def test_wrong_cabinet_and_anonymous(signed_in, pay_browser):
    assert signed_in("venue").get("/p/payments/cok/").status_code == 403
    assert signed_in("spk").get("/p/payments/spk/").status_code == 404
    anonymous = pay_browser().get("/p/payments/cok/")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_statement_upload_match_and_post(web_billing, signed_in):
    invoice = web_billing.invoice("С-2026-00017")
    web_billing.invoice("С-2026-00018", "3000.00")
    web = signed_in("cok")
    assert "multipart/form-data" in web.get("/p/payments/cok/statements").text
    data = statement_bytes(payment_order("417", "12500.00", PURPOSE),
                           payment_order("418", "3500.00", "Оплата по счёту С 2026 18"),
                           payment_order("419", "100.00", "Возврат займа"),
                           payment_order("420", "12500.00", PURPOSE, account=FOREIGN_ACCOUNT))
    uploaded = web.upload_statement("/p/payments/cok/statements", "vypiska.txt", data)
    assert uploaded.status_code == 303
    page = web.get(uploaded.headers["location"])
    assert page.status_code == 200 and "Провести совпавшие платежи" in page.text
    for outcome in ("matched", "amount_mismatch", "unknown_number", "other_account"):
        assert f'data-testid="outcome-{outcome}"' in page.text
    assert "переплата 500,00" in page.text and "нет номера счёта" in page.text and FOREIGN_ACCOUNT in page.text
    posted = web.post(f"{uploaded.headers['location']}/post")
    assert posted.status_code == 303 and posted.headers["location"].endswith("?posted=1&failed=0")
    result = web.get(posted.headers["location"])
    assert "Проведено платежей: 1." in result.text and "Платёж уже проведён" in result.text
    assert "Провести совпавшие платежи" not in result.text
    payment = Payment.get()
    assert (payment.method, payment.reference, payment.invoice_id) == ("bank_statement", "№ 417 от 03.02.2026", invoice.id)
    assert Application.get_by_id(invoice.application_id).status == Status.PAID_DATE_AGREEMENT.value
    assert web.post(f"{uploaded.headers['location']}/post").headers["location"].endswith("?posted=0&failed=0")
    assert Payment.select().count() == 1
    history = web.get("/p/payments/cok/statements")
    assert "vypiska.txt" in history.text and "Открыть сверку" in history.text


@pytest.mark.parametrize("data, message", [
    (b"", "Файл выписки пуст"),
    ("1CClientBankExchange\r\nВерсияФормата=1.03\r\nмусор\r\n".encode("cp1251"), "Строка 3: непонятная строка"),
    (statement_bytes(payment_order("1", "12500.00", PURPOSE))[:-40], "нет строки «КонецФайла»"),
])
def test_malformed_statement_is_refused_and_not_kept(web_billing, signed_in, data, message):
    page = signed_in("cok").upload_statement("/p/payments/cok/statements", "bad.txt", data)
    assert page.status_code == 422 and message in page.text
    assert StatementUpload.select().count() == 0


def test_upload_needs_the_csrf_token_and_an_account(web_billing, signed_in):
    web = signed_in("cok")
    data = statement_bytes(payment_order("417", "12500.00", PURPOSE))
    assert web.upload_statement("/p/payments/cok/statements", "v.txt", data, token_in="none").status_code == 403
    assert web.upload_statement("/p/payments/cok/statements", "v.txt", data, token_in="header").status_code == 303
    web_billing.cok.settlement_account = None
    web_billing.cok.save()
    page = web.upload_statement("/p/payments/cok/statements", "v.txt", data)
    assert page.status_code == 422 and "не указан расчётный счёт" in page.text


def _numbers(page):
    return re.findall(r"<td>([СЮ]-2026-\d{5})</td>", page.text)
