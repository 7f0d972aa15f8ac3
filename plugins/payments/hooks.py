"""Hook implementations of the payments plugin (entry point ``payments``)."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import PaymentMethod, hookimpl
from plugins.payments.providers import BankStatementPayment, ManualPayment

TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def nok_register_payment_methods() -> list[type[PaymentMethod]]:
    return [ManualPayment, BankStatementPayment]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]
