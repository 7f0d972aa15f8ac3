"""Matching a statement's incoming payments to invoices by the number in the purpose and the exact sum."""
import datetime as dt
from decimal import Decimal

import pytest

from payments_testkit import (FOREIGN_ACCOUNT, VENUE_ACCOUNT, billing, payment_order,  # noqa: F401 (fixture)
                              statement_bytes)
from core.plugins import PluginHost
from core.providers import PaymentConfirmation
from core.services.payments import PaymentDue, record_payment
from core.testing import count_queries
from plugins.payments.matching import (Outcome, invoice_numbers_in, match_statement, normalise_invoice_number,
                                       number_variants)
from plugins.payments.providers import BankStatementPayment
from plugins.payments.statement_1c import parse_statement


@pytest.mark.parametrize("text", [
    "Оплата по счету №С-2026-00017 от 20.01.2026", "Оплата по счёту С 2026 00017", "счет № С-2026-17, без НДС",
    "сч.с-2026-00017", "Оплата по счету C-2026-00017 (латинская C)", "С2026/00017", "С–2026–000017",
])
def test_numbers_however_typed(text):
    assert invoice_numbers_in(text) == ["С-2026-00017"]


@pytest.mark.parametrize("text", [
    "Оплата за экзамен, в т.ч. НДС 2083.33", "Оплата по договору от 20.01.2026", "ИНН 7701234567", "",
    "счетС-2026-00017",
])
def test_no_number_is_invented(text):
    assert invoice_numbers_in(text) == []


def test_several_numbers_and_variants():
    assert invoice_numbers_in("Оплата по счетам С-2026-00017, С-2026-00018 и снова С 2026 17") == [
        "С-2026-00017", "С-2026-00018"]
    assert normalise_invoice_number(" с-2026-17 ") == "С-2026-00017"
    assert normalise_invoice_number("Ромашка") is None
    assert number_variants("С-2026-00017") == ["С-2026-00017", "С-2026-17", "C-2026-00017", "C-2026-17"]


def _confirmation(number, amount):
    return PaymentConfirmation(Decimal(amount), dt.date(2026, 1, 25), f"№ {number} от 25.01.2026")


def _statement(*orders, **kw):
    return parse_statement(statement_bytes(*orders, **kw))


def _outcomes(matches):
    return [(m.outcome, m.invoice.number if m.invoice else None) for m in matches]


def test_every_outcome_with_its_reason(billing):
    billing.invoice("С-2026-00017", "12500.00")
    billing.invoice("С-2026-00018", "3000.00")
    paid = billing.invoice("С-2026-00019", "12500.00")
    record_payment(paid, _confirmation("1", "12500.00"), "manual", None, PluginHost())
    cancelled = billing.invoice("С-2026-00020", "12500.00")
    cancelled.cancelled_at = dt.datetime(2026, 1, 30)
    cancelled.save()
    billing.invoice("Ю-2026-00001", "12500.00", cok=billing.other_cok)
    outgoing = payment_order("55", "700.00", "Аренда зала", account=FOREIGN_ACCOUNT)
    outgoing = [line.replace("ПлательщикСчет=40817810100000000001", f"ПлательщикСчет={billing.cok.settlement_account}")
                for line in outgoing]
    statement = _statement(
        payment_order("417", "12500.00", "Оплата по счету №С-2026-00017 от 20.01.2026"),
        payment_order("418", "3500.00", "Оплата по сч. С 2026 00018"),
        payment_order("419", "12500.00", "Оплата по счету С-2026-00099"),
        payment_order("420", "12500.00", "Оплата за экзамен Соколова"),
        payment_order("421", "12500.00", "Оплата по счету С-2026-00019"),
        payment_order("422", "12500.00", "Оплата по счету С-2026-00017", account=FOREIGN_ACCOUNT),
        outgoing,
        payment_order("423", "12500.00", "Оплата по счету Ю-2026-00001"),
        payment_order("424", "12500.00", "Повторно: оплата по счету С-2026-00017"),
        payment_order("425", "12500.00", "Оплата по счету С-2026-00020"),
    )
    matches = match_statement(statement, billing.cok)
    assert _outcomes(matches) == [
        (Outcome.MATCHED, "С-2026-00017"), (Outcome.AMOUNT_MISMATCH, "С-2026-00018"), (Outcome.UNKNOWN_NUMBER, None),
        (Outcome.UNKNOWN_NUMBER, None), (Outcome.ALREADY_PAID, "С-2026-00019"), (Outcome.OTHER_ACCOUNT, None),
        (Outcome.OTHER_ACCOUNT, None), (Outcome.UNKNOWN_NUMBER, None), (Outcome.ALREADY_PAID, "С-2026-00017"),
        (Outcome.UNKNOWN_NUMBER, "С-2026-00020"),
    ]
    reasons = [m.reason for m in matches]
    assert "переплата 500,00" in reasons[1]
    assert "С-2026-00099 не найден" in reasons[2] and "нет номера счёта" in reasons[3]
    assert "уже оплачен другим платежом" in reasons[4]
    assert FOREIGN_ACCOUNT in reasons[5] and "Списание с расчётного счёта" in reasons[6]
    assert "Ю-2026-00001 не найден" in reasons[7] and "из этой же выписки" in reasons[8] and "аннулирован" in reasons[9]
    assert all(m.reason for m in matches)


def test_several_invoices_in_one_purpose(billing):
    billing.invoice("С-2026-00017", "12500.00")
    billing.invoice("С-2026-00018", "3000.00")
    statement = _statement(payment_order("1", "3000.00", "Оплата по счетам С-2026-00017, С-2026-00018"),
                           payment_order("2", "15500.00", "Оплата по счетам С-2026-00017 и С-2026-00018"))
    first, second = match_statement(statement, billing.cok)
    assert (first.outcome, first.invoice.number) == (Outcome.MATCHED, "С-2026-00018")
    assert second.outcome is Outcome.AMOUNT_MISMATCH and "несколько неоплаченных счетов" in second.reason


def test_posted_payment_is_shown_as_already_posted(billing):
    invoice = billing.invoice("С-2026-00017", "12500.00")
    statement = _statement(payment_order("417", "12500.00", "Оплата по счету С-2026-00017"))
    (match,) = match_statement(statement, billing.cok)
    confirmation = BankStatementPayment().confirm(PaymentDue.for_invoice(invoice), match.document.evidence())
    record_payment(invoice, confirmation, "bank_statement", None, PluginHost())
    (again,) = match_statement(statement, billing.cok)
    assert again.outcome is Outcome.ALREADY_PAID and "Платёж уже проведён" in again.reason
    assert match.reference == "№ 417 от 03.02.2026" in again.reason


def test_venue_matches_invoices_examined_at_it_on_its_own_account(billing):
    billing.invoice("С-2026-00017", "12500.00")
    elsewhere = billing.factory.org(billing.venue.kind_enum, parent=billing.cok)
    billing.invoice("С-2026-00018", "12500.00", application=billing.application(venue=elsewhere))
    statement = _statement(payment_order("1", "12500.00", "Оплата по счету С-2026-00017", account=VENUE_ACCOUNT),
                           payment_order("2", "12500.00", "Оплата по счету С-2026-00018", account=VENUE_ACCOUNT),
                           account=VENUE_ACCOUNT)
    assert _outcomes(match_statement(statement, billing.venue)) == [(Outcome.MATCHED, "С-2026-00017"),
                                                                    (Outcome.UNKNOWN_NUMBER, None)]
    assert {m.outcome for m in match_statement(statement, billing.cok)} == {Outcome.OTHER_ACCOUNT}


def test_organisation_without_account_matches_nothing(billing):
    billing.cok.settlement_account = None
    statement = _statement(payment_order("1", "12500.00", "Оплата по счету С-2026-00017"))
    (match,) = match_statement(statement, billing.cok)
    assert match.outcome is Outcome.OTHER_ACCOUNT and "не указан расчётный счёт" in match.reason


def test_matching_takes_a_fixed_number_of_queries(billing, sqlcipher_db):
    def queries(count):
        orders = []
        for n in range(count):
            billing.invoice(f"С-2027-{count:02d}{n:03d}", "100.00")
            orders.append(payment_order(str(n + 1), "100.00", f"Оплата по счету С-2027-{count:02d}{n:03d}"))
        statement = _statement(*orders)
        with count_queries(sqlcipher_db) as seen:
            matches = match_statement(statement, billing.cok)
        assert {m.outcome for m in matches} == {Outcome.MATCHED}
        return len(seen)

    assert queries(2) == queries(30)
