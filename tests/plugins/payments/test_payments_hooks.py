"""The payments plugin registers manual confirmation and bank statement payment methods."""
from __future__ import annotations

import pytest

from core.plugins import BUILTIN_PLUGINS, PluginHost
from plugins.payments.providers import BankStatementPayment, ManualPayment


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.with_plugins({"payments": BUILTIN_PLUGINS["payments"]})


def test_registers_payment_methods(host):
    assert host.is_active("payments")
    assert host.payment_methods() == {"manual": ManualPayment, "bank_statement": BankStatementPayment}
    assert ManualPayment.title == "Ручное подтверждение оплаты"
    assert BankStatementPayment.title == "Выписка банка (1CClientBankExchange)"


def test_template_dir(host):
    (folder,) = host.template_dirs()
    assert (folder / "payments").is_dir()


@pytest.mark.parametrize("method", [ManualPayment, BankStatementPayment])
def test_unfinished_confirmation_says_so(method):
    with pytest.raises(NotImplementedError, match="следующей версии"):
        method().confirm(object(), {})
