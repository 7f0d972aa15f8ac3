"""«Оплаты» pages of the ЦОК and venue cabinets: invoices awaiting payment and manual confirmation.

Every page checks the cabinet and role through ``services.require_cabinet`` and shows only
the organisation's own invoices (``core.services.payments.visible_invoices``); another
organisation's invoice answers 404, never its data. Confirming goes through
``ManualPayment.confirm`` and ``record_payment``, which move the applications on.
"""
from __future__ import annotations

import math
import falcon
import peewee

from core import audit
from core.context import Services
from core.exceptions import ValidationError
from core.models import Application, GroupApplication, Invoice, Organisation, User
from core.services.payments import (PaymentDue, awaiting_payment, format_rub, get_visible_invoice, payments_of,
                                    record_payment, visible_invoices)
from plugins.payments.matching import normalise_invoice_number, number_variants
from plugins.payments.providers import ManualPayment

CABINETS = frozenset({"cok", "venue"})
PAGE_SIZE = 25
MAX_FIELD = 500


class PaymentsPage:
    """Common part of the plugin's pages: the guard, the form reader and the renderer."""

    def __init__(self, services: Services):
        self.services = services

    def guard(self, req: falcon.Request, cabinet: str, *, requisites: bool = False) -> tuple[User, Organisation]:
        """Signed in, in this cabinet, staff of an organisation that has payments — else 403/404.

        The session brings only the organisation's name and kind; ``requisites=True`` reads
        the rest (the settlement account) too.
        """
        user, cab = self.services.require_cabinet(req, cabinet)
        if cab.value not in CABINETS or user.organisation_id is None:
            raise falcon.HTTPNotFound()
        return user, Organisation.get_by_id(user.organisation_id) if requisites else user.organisation

    def render(self, req: falcon.Request, resp: falcon.Response, template: str, **context) -> None:
        self.services.render(req, resp, template, rub=format_rub, base=f"/p/payments/{req.context.cabinet.value}",
                             **context)

    @staticmethod
    def read_form(req: falcon.Request) -> dict[str, str]:
        """The urlencoded form as str → str (last value of a repeated field), trimmed and bounded."""
        if not (req.content_type or "").startswith(falcon.MEDIA_URLENCODED):
            raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы.")
        media = req.get_media() or {}  # parsed once and cached: the CSRF check may have read it already
        return {key: str(value[-1] if isinstance(value, list) and value else value or "").strip()[:MAX_FIELD]
                for key, value in media.items()}


def paginate(query: peewee.ModelSelect, page: int) -> tuple[list, int, int]:
    """One page of ``query``: (rows, total, number of pages); filtering and paging happen in the database."""
    total = query.count()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return list(query.paginate(min(page, pages), PAGE_SIZE)), total, pages


def search_condition(text: str) -> peewee.Expression:
    """Invoice number (however typed) or payer: name fragment or ИНН."""
    number = normalise_invoice_number(text)
    condition = Invoice.number.in_(number_variants(number)) if number else Invoice.number.contains(text)
    # SQLite compares Cyrillic case-sensitively: try the ways a name is usually typed.
    for variant in dict.fromkeys((text, text.lower(), text.upper(), text.capitalize(), text.title())):
        condition |= Invoice.payer_name.contains(variant)
    digits = "".join(text.split())
    if digits.isdigit():
        condition |= Invoice.payer_inn == digits
    return condition


def with_basis(query: peewee.ModelSelect) -> peewee.ModelSelect:
    """Add what the invoice pays for (application or group application) without a query per row."""
    return (query.select_extend(Application.number.alias("application_number"),
                                Application.full_name.alias("applicant_name"),
                                GroupApplication.number.alias("group_number"))
            .join_from(Invoice, Application, peewee.JOIN.LEFT_OUTER, on=(Invoice.application == Application.id))
            .join_from(Invoice, GroupApplication, peewee.JOIN.LEFT_OUTER,
                       on=(Invoice.group_application == GroupApplication.id))
            .objects())


class InvoiceListPage(PaymentsPage):
    """Счета, ожидающие оплаты: paginated, filtered by number or payer."""

    def on_get(self, req, resp, cabinet):
        user, organisation = self.guard(req, cabinet)
        search = " ".join((req.get_param("q") or "").split())[:100]
        page = req.get_param_as_int("page", default=1, min_value=1)
        query = awaiting_payment(visible_invoices(organisation))
        if search:
            query = query.where(search_condition(search))
        rows, total, pages = paginate(with_basis(query).order_by(Invoice.issued_on.desc(), Invoice.id.desc()), page)
        audit.record("view", "invoice_list", organisation.id, {"page": page, "q": search})
        self.render(req, resp, "payments/invoices.html", title="Оплаты", invoices=rows, total=total,
                    page=min(page, pages), pages=pages, search=search)


class InvoicePage(PaymentsPage):
    """One invoice: its payments and, while unpaid, the manual confirmation form."""

    def on_get(self, req, resp, cabinet, invoice_id):
        user, organisation = self.guard(req, cabinet)
        invoice = get_visible_invoice(organisation, invoice_id)
        audit.record("view", "invoice", invoice.id)
        notice = "Оплата подтверждена." if req.get_param("notice") == "paid" and invoice.paid_at else None
        self._page(req, resp, invoice, form={"payer": invoice.payer_name}, notice=notice)

    def on_post(self, req, resp, cabinet, invoice_id):
        user, organisation = self.guard(req, cabinet)
        invoice = get_visible_invoice(organisation, invoice_id)
        form = self.read_form(req)
        try:
            confirmation = ManualPayment().confirm(PaymentDue.for_invoice(invoice), form)
            record_payment(invoice, confirmation, ManualPayment.code, user, self.services.plugins)
        except ValidationError as ex:
            self._page(req, resp, invoice, form=form, error=ex.message, error_field=ex.field,
                       status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"/p/payments/{cabinet}/invoices/{invoice.id}?notice=paid")

    def _page(self, req, resp, invoice: Invoice, *, form: dict[str, str], notice: str | None = None,
              error: str | None = None, error_field: str | None = None, status=falcon.HTTP_200) -> None:
        basis = with_basis(Invoice.select().where(Invoice.id == invoice.id)).get()
        methods = {code: cls.title for code, cls in self.services.plugins.payment_methods().items()}
        self.render(req, resp, "payments/invoice.html", status=status, title=f"Счёт № {invoice.number}",
                    invoice=basis, payments=payments_of(invoice), methods=methods, form=form, notice=notice,
                    error=error, error_field=error_field)
