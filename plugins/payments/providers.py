"""The payment methods."""
from __future__ import annotations

from typing import Any, Mapping

from core.plugin_api import PaymentConfirmation, PaymentMethod, not_yet_implemented


class ManualPayment(PaymentMethod):
    """Ручное подтверждение: an operator enters the payment order's number, date and amount."""

    code = "manual"
    title = "Ручное подтверждение оплаты"

    def confirm(self, payment: object, evidence: Mapping[str, Any]) -> PaymentConfirmation:
        raise not_yet_implemented("Ручное подтверждение оплаты")


class BankStatementPayment(PaymentMethod):
    """Выписка банка: entries of a 1CClientBankExchange statement matched to applications."""

    code = "bank_statement"
    title = "Выписка банка (1CClientBankExchange)"

    def confirm(self, payment: object, evidence: Mapping[str, Any]) -> PaymentConfirmation:
        raise not_yet_implemented("Подтверждение оплаты по выписке банка")
