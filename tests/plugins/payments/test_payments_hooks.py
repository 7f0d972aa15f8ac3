"""The payments plugin registers its payment methods, pages, menu entries, templates and table."""
from __future__ import annotations

import falcon
import pytest

from core.plugins import BUILTIN_PLUGINS, PluginHost
from plugins.payments.models import StatementUpload
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
    assert (folder / "payments" / "invoices.html").is_file()


def test_menu_for_centre_and_venue_staff_only(host):
    for cabinet in ("cok", "venue"):
        (item,) = host.menu_items(cabinet)
        assert (item.title, item.url, item.roles) == ("Оплаты", f"/p/payments/{cabinet}/",
                                                      frozenset({"admin", "operator"}))
    assert all(host.menu_items(c) == [] for c in ("spk", "expert", "applicant", "employer"))


def test_routes_live_under_the_plugin_prefix(host):
    app = falcon.App()
    host.register_routes(app, services=None)
    templates = [route.uri_template for route in app._router._roots]
    assert templates and all(t.startswith("/p/payments/") for t in _all_templates(app))


def _all_templates(app):
    found, stack = [], list(app._router._roots)
    while stack:
        node = stack.pop()
        if node.uri_template:
            found.append(node.uri_template)
        stack.extend(node.children)
    return found


def test_table_is_named_after_the_plugin(host):
    assert host.models() == {"payments": [StatementUpload]}
    assert StatementUpload._meta.table_name == "payments_statement"
