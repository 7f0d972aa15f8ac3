"""The payment methods: check the evidence, return a ``PaymentConfirmation`` or a Russian reason.

Both follow ``core.providers.PaymentMethod``: they never write and never move an
application (``core.services.payments.record_payment`` does), the sum must equal the one
due to the kopeck, and the same payment order always gives the same reference
(«№ 123 от 01.02.2026»), so it confirms the same way by hand and from a statement.
``payment`` is a ``core.services.payments.PaymentDue``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Mapping

from core.plugin_api import PaymentConfirmation, PaymentMethod, ValidationError
from plugins.payments.matching import invoice_numbers_in, normalise_invoice_number
from plugins.payments.values import EARLIEST, order_reference, parse_amount, parse_date, parse_order_number

MAX_PAYER = 500


class ManualPayment(PaymentMethod):
    """Ручное подтверждение: an operator enters the payment order's sum, date and number.

    Evidence: the form fields ``amount`` («12 500,00»), ``paid_on`` (the order's date,
    «01.02.2026» or «2026-02-01»), ``reference`` (its number) and optionally ``payer``.
    """

    code = "manual"
    title = "Ручное подтверждение оплаты"

    def confirm(self, payment: object, evidence: Mapping[str, Any]) -> PaymentConfirmation:
        amount = parse_amount(evidence.get("amount"), "amount")
        paid_on = parse_date(evidence.get("paid_on"), "paid_on")
        if paid_on > dt.date.today():
            raise ValidationError("Дата платёжного поручения ещё не наступила — проверьте дату.", "paid_on")
        if paid_on < EARLIEST:
            raise ValidationError("Дата платёжного поручения слишком ранняя — проверьте год.", "paid_on")
        number = parse_order_number(evidence.get("reference"), "reference")
        payer = " ".join(str(evidence.get("payer") or "").split())
        if len(payer) > MAX_PAYER:
            raise ValidationError(f"Название плательщика длиннее {MAX_PAYER} знаков.", "payer")
        payment.require_exact(amount)
        return PaymentConfirmation(amount=amount, paid_on=paid_on, reference=order_reference(number, paid_on),
                                   payer=payer or None)


class BankStatementPayment(PaymentMethod):
    """Выписка банка: one incoming payment of a 1CClientBankExchange statement.

    Evidence: ``StatementDocument.evidence()`` — the order's ``number``, ``date`` and
    ``amount``, its ``purpose`` (НазначениеПлатежа, which must name the invoice),
    ``payer`` and ``credited_on`` (ДатаПоступило, the date the money arrived). Which
    account the money went to is checked by the matching, which knows the organisation.
    """

    code = "bank_statement"
    title = "Выписка банка (1CClientBankExchange)"

    def confirm(self, payment: object, evidence: Mapping[str, Any]) -> PaymentConfirmation:
        missing = [key for key in ("number", "date", "amount") if not evidence.get(key)]
        if missing:
            raise ValidationError(f"В записи выписки нет полей: {', '.join(missing)}.")
        number = parse_order_number(evidence["number"], None)
        date = parse_date(evidence["date"], None)
        amount = evidence["amount"]
        amount = amount if isinstance(amount, Decimal) else parse_amount(amount, None)
        wanted = normalise_invoice_number(payment.invoice_number) or payment.invoice_number
        if wanted not in invoice_numbers_in(str(evidence.get("purpose") or "")):
            raise ValidationError(f"В назначении платежа нет номера счёта № {payment.invoice_number}.")
        payment.require_exact(amount, None)
        credited = evidence.get("credited_on")
        return PaymentConfirmation(amount=amount, paid_on=parse_date(credited, None) if credited else date,
                                   reference=order_reference(number, date),
                                   payer=" ".join(str(evidence.get("payer") or "").split())[:MAX_PAYER] or None)
