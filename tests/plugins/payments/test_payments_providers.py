"""The payment methods check their evidence and follow the PaymentMethod rules."""
import datetime as dt
from decimal import Decimal

import pytest

from payments_testkit import payment_order, statement_bytes
from core.exceptions import ValidationError
from core.providers import PaymentConfirmation
from core.services.payments import PaymentDue
from plugins.payments.providers import BankStatementPayment, ManualPayment
from plugins.payments.statement_1c import parse_statement

DUE = PaymentDue("С-2026-00017", Decimal("12500.00"), "Оплата по счёту № С-2026-00017 от 20.01.2026")
FORM = {"amount": "12 500,00", "paid_on": "2026-02-03", "reference": "п/п № 417", "payer": "  Соколов  Д. О. "}


def test_manual_confirmation_from_the_form():
    confirmation = ManualPayment().confirm(DUE, FORM)
    assert confirmation == PaymentConfirmation(Decimal("12500.00"), dt.date(2026, 2, 3), "№ 417 от 03.02.2026",
                                               "Соколов Д. О.")
    assert ManualPayment().confirm(DUE, {**FORM, "paid_on": "03.02.2026", "amount": "12500"}) == confirmation
    assert ManualPayment().confirm(DUE, {**FORM, "payer": ""}).payer is None


@pytest.mark.parametrize("changes, field, message", [
    ({"amount": ""}, "amount", "Не указана сумма"),
    ({"amount": "двенадцать тысяч"}, "amount", "указана неверно"),
    ({"amount": "12500.001"}, "amount", "указана неверно"),
    ({"amount": "13 000"}, "amount", "переплата 500,00"),
    ({"amount": "12 000,00"}, "amount", "не хватает 500,00"),
    ({"paid_on": "31.02.2026"}, "paid_on", "указана неверно"),
    ({"paid_on": ""}, "paid_on", "Не указана дата"),
    ({"paid_on": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "paid_on", "ещё не наступила"),
    ({"paid_on": "01.01.1999"}, "paid_on", "слишком ранняя"),
    ({"reference": " № "}, "reference", "Не указан номер платёжного поручения"),
    ({"reference": "417; DROP"}, "reference", "указан неверно"),
    ({"payer": "Я" * 501}, "payer", "длиннее 500"),
])
def test_manual_confirmation_refuses_with_a_russian_reason(changes, field, message):
    with pytest.raises(ValidationError, match=message) as info:
        ManualPayment().confirm(DUE, {**FORM, **changes})
    assert info.value.field == field


def _evidence(amount="12500.00", purpose="Оплата по счету №С-2026-00017 от 20.01.2026"):
    (document,) = parse_statement(statement_bytes(payment_order("417", amount, purpose, day=3))).documents
    return document.evidence()


def test_bank_statement_confirmation_has_the_same_reference_as_manual():
    confirmation = BankStatementPayment().confirm(DUE, _evidence())
    assert confirmation.reference == ManualPayment().confirm(DUE, FORM).reference == "№ 417 от 03.02.2026"
    assert (confirmation.amount, confirmation.paid_on, confirmation.payer) == (
        Decimal("12500.00"), dt.date(2026, 2, 3), "Соколов Дмитрий Олегович")
    assert BankStatementPayment().confirm(DUE, _evidence()) == confirmation


def test_credit_date_is_the_payment_date():
    evidence = {**_evidence(), "credited_on": dt.date(2026, 2, 4)}
    confirmation = BankStatementPayment().confirm(DUE, evidence)
    assert confirmation.paid_on == dt.date(2026, 2, 4) and confirmation.reference == "№ 417 от 03.02.2026"


@pytest.mark.parametrize("evidence, message", [
    (_evidence(purpose="Оплата по счету С-2026-00018"), "нет номера счёта № С-2026-00017"),
    (_evidence(amount="12499.99"), "не хватает 0,01"),
    (_evidence(amount="25000.00"), "переплата 12\u00a0500,00"),
    ({"number": "417", "date": dt.date(2026, 2, 3)}, "нет полей: amount"),
])
def test_bank_statement_confirmation_refuses(evidence, message):
    with pytest.raises(ValidationError, match=message):
        BankStatementPayment().confirm(DUE, evidence)
