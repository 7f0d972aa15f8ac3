"""Hook implementations of the payments plugin (entry point ``payments``)."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import MenuItem, PaymentMethod, hookimpl
from plugins.payments.models import StatementUpload
from plugins.payments.pages import CABINETS, InvoiceListPage, InvoicePage
from plugins.payments.providers import BankStatementPayment, ManualPayment
from plugins.payments.statement_pages import StatementPage, StatementPostPage, StatementsPage

TEMPLATES = Path(__file__).parent / "templates"
STAFF = frozenset({"admin", "operator"})


@hookimpl
def nok_register_payment_methods() -> list[type[PaymentMethod]]:
    return [ManualPayment, BankStatementPayment]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def nok_register_models() -> list:
    return [StatementUpload]


@hookimpl
def nok_register_routes(app, services) -> None:
    prefix = "/p/payments/{cabinet}"
    app.add_route(f"{prefix}/", InvoiceListPage(services))
    app.add_route(f"{prefix}/invoices/{{invoice_id:int}}", InvoicePage(services))
    app.add_route(f"{prefix}/statements", StatementsPage(services))
    app.add_route(f"{prefix}/statements/{{upload_id:int}}", StatementPage(services))
    app.add_route(f"{prefix}/statements/{{upload_id:int}}/post", StatementPostPage(services))


@hookimpl
def nok_cabinet_menu_items(cabinet: str) -> list[MenuItem] | None:
    if cabinet in CABINETS:
        return [MenuItem("Оплаты", f"/p/payments/{cabinet}/", STAFF)]
    return None
