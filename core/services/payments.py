"""Recording payments against invoices (счета): the one place that marks an invoice paid.

Every way of confirming a fee — by hand or matched from a bank statement (the `payments`
plugin's methods) — ends in `record_payment`, so the rules of `core.providers.PaymentMethod`
hold whichever way the money was found:

- the payment must cover the invoice to the kopeck: an overpayment or a partial payment is
  refused with a Russian message for a person to resolve, and nothing is recorded;
- one payment order (its `reference`) pays one invoice: the same reference for another
  invoice of the same ЦОК is refused; the same reference for the same invoice returns the
  payment already recorded, so a reloaded page or a statement uploaded twice changes nothing;
- the paid invoice moves its application — or every application of its group application
  still «Ожидает оплаты» — to «Оплачено. Согласование даты» through `change_status`, in the
  same transaction as the payment.

Who sees which invoice is decided here too (`visible_invoices`): a ЦОК its own, a venue
(Площадка) those of applications examined at it; anything else is «not found».
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import peewee

from core.db import database, is_sqlite, write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import (Application, GroupApplicationRow, Invoice, Organisation, OrgKind, Payment, User)
from core.models.organisations import _now
from core.providers import PaymentConfirmation
from core.services.applications import change_status
from core.services.group_applications import GroupStatus, change_group_status
from core.workflow import ActorKind, Status

if TYPE_CHECKING:
    from core.plugins import PluginHost

_KOPECK = Decimal("0.01")
_NBSP = "\u00a0"


def format_rub(amount: Decimal | int | str) -> str:
    """«12 500,00 ₽»: how Russian documents write a sum (non-breaking spaces)."""
    value = Decimal(amount).quantize(_KOPECK)
    whole, _, kopecks = f"{abs(value):,.2f}".partition(".")
    sign = "−" if value < 0 else ""
    return f"{sign}{whole.replace(',', _NBSP)},{kopecks}{_NBSP}₽"


@dataclass(frozen=True)
class PaymentDue:
    """Оплата по счёту: what a payment method checks its evidence against.

    This is the ``payment`` that ``PaymentMethod.confirm`` receives (read-only): the sum
    still due and the payment purpose the invoice asks for, with the invoice's number.
    """

    invoice_number: str
    amount: Decimal
    purpose: str

    @classmethod
    def for_invoice(cls, invoice: Invoice) -> PaymentDue:
        return cls(invoice.number, Decimal(invoice.amount).quantize(_KOPECK),
                   f"Оплата по счёту № {invoice.number} от {invoice.issued_on:%d.%m.%Y}")

    def require_exact(self, amount: Decimal, field: str | None = "amount") -> None:
        """Refuse a sum that differs from the one due by even a kopeck (Russian message)."""
        error = amount_error(amount, self.amount, self.invoice_number, field)
        if error is not None:
            raise error


def amount_error(amount: Decimal, due: Decimal, number: str, field: str | None = "amount") -> ValidationError | None:
    """Return why ``amount`` cannot pay invoice ``number`` with ``due`` left, or ``None`` if it can."""
    if amount == due:
        return None
    if amount > due:
        return ValidationError(
            f"Сумма платежа {format_rub(amount)} больше суммы к оплате по счёту № {number} ({format_rub(due)}): "
            f"переплата {format_rub(amount - due)}. Платёж не проведён — решите с плательщиком, вернуть "
            "переплату или зачесть её.", field)
    return ValidationError(
        f"Сумма платежа {format_rub(amount)} меньше суммы к оплате по счёту № {number} ({format_rub(due)}): "
        f"не хватает {format_rub(due - amount)}. Частичная оплата не проводится — дождитесь доплаты "
        "или решите вопрос с плательщиком.", field)


# --- who sees which invoice ------------------------------------------------------------------

def visible_invoices(organisation: Organisation | None) -> peewee.ModelSelect:
    """The invoices ``organisation``'s staff may open, as a query to filter and paginate further."""
    query = Invoice.select()
    if organisation is None:
        return query.where(peewee.SQL("1 = 0"))
    kind = OrgKind(organisation.kind)
    if kind is OrgKind.COK:
        return query.where(Invoice.cok == organisation.id)
    if kind is OrgKind.VENUE:
        at_venue = Application.select(Application.id).where(Application.venue == organisation.id)
        groups_by_row = (GroupApplicationRow.select(GroupApplicationRow.group_application)
                         .where(GroupApplicationRow.venue == organisation.id))
        groups_by_member = (Application.select(Application.group_application)
                            .where((Application.venue == organisation.id) & Application.group_application.is_null(False)))
        return query.where(Invoice.application.in_(at_venue) | Invoice.group_application.in_(groups_by_row)
                           | Invoice.group_application.in_(groups_by_member))
    return query.where(peewee.SQL("1 = 0"))


def awaiting_payment(query: peewee.ModelSelect) -> peewee.ModelSelect:
    """Narrow an invoice query to those neither paid nor cancelled."""
    return query.where(Invoice.paid_at.is_null() & Invoice.cancelled_at.is_null())


def get_visible_invoice(organisation: Organisation | None, invoice_id: int) -> Invoice:
    """Return the invoice if ``organisation`` may open it, else raise ``NotFoundError``."""
    found = visible_invoices(organisation).where(Invoice.id == invoice_id).first()
    if found is None:
        raise NotFoundError("Счёт не найден.")
    return found


# --- recording -------------------------------------------------------------------------------

def record_payment(invoice: Invoice, confirmation: PaymentConfirmation, method: str, actor: User | None,
                   plugins: PluginHost) -> Payment:
    """Record a confirmed payment, mark the invoice paid and move its applications on.

    ``method`` is the payment method's code; ``actor`` the staff member who confirmed it, or
    ``None`` for the system. Raises ``ValidationError`` (Russian) and records nothing when
    the payment cannot be accepted as it is.
    """
    reference = " ".join(str(confirmation.reference or "").split())
    if not reference:
        raise ValidationError("Не указан номер платёжного поручения.", "reference")
    if len(reference) > Payment.reference.max_length:
        raise ValidationError("Номер платёжного поручения слишком длинный.", "reference")
    amount = _checked_amount(confirmation.amount)
    with write_transaction():
        invoice = _locked(invoice.id)
        used = (Payment.select(Payment, Invoice).join(Invoice)
                .where((Payment.reference == reference) & (Invoice.cok == invoice.cok_id)).first())
        if used is not None:
            if used.invoice_id == invoice.id:
                return used
            raise ValidationError(f"Платёжное поручение {reference} уже зачтено в оплату счёта № "
                                  f"{used.invoice.number}. Один платёж не оплачивает два счёта — проверьте "
                                  "номер и дату платёжного поручения.", "reference")
        _check_open(invoice)
        already = sum((Decimal(p.amount) for p in invoice.payments), Decimal("0"))
        error = amount_error(already + amount, Decimal(invoice.amount).quantize(_KOPECK), invoice.number)
        if error is not None:
            raise error
        payment = Payment.create(invoice=invoice, amount=amount, paid_on=confirmation.paid_on, method=method,
                                 reference=reference, payer_name=(confirmation.payer or "").strip()[:500] or None,
                                 confirmed_by=actor)
        invoice.paid_at = _now()
        invoice.save()
        kind = ActorKind.SYSTEM if actor is None else ActorKind.CENTRE
        comment = f"Оплата по счёту № {invoice.number}, платёжное поручение {reference}"
        for application in _awaiting(invoice):
            change_status(application, Status.PAID_DATE_AGREEMENT, kind, actor, plugins, comment=comment)
        group = invoice.group_application
        if group is not None and group.status == GroupStatus.AWAITING_PAYMENT.value:
            change_group_status(group, GroupStatus.PAID, kind, actor, plugins, comment=comment)
    return payment


def _checked_amount(amount: object) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError("Сумма платежа должна быть положительным числом рублей.", "amount")
    if amount != amount.quantize(_KOPECK):
        raise ValidationError("Сумма платежа указана точнее копейки.", "amount")
    return amount.quantize(_KOPECK)


def _locked(invoice_id: int) -> Invoice:
    """Re-read the invoice inside the transaction (PostgreSQL: row lock; SQLite: BEGIN IMMEDIATE)."""
    query = Invoice.select().where(Invoice.id == invoice_id)
    if not is_sqlite(database.obj):
        query = query.for_update()
    return query.get()


def _check_open(invoice: Invoice) -> None:
    if invoice.cancelled_at is not None:
        raise ValidationError(f"Счёт № {invoice.number} аннулирован: оплату по нему не проводят. Решите с "
                              "плательщиком, вернуть деньги или зачесть их.", "amount")
    if invoice.paid_at is not None:
        raise ValidationError(f"Счёт № {invoice.number} уже оплачен. Второй платёж по нему — переплата: "
                              "решите с плательщиком, вернуть деньги или зачесть их.", "amount")


def _awaiting(invoice: Invoice) -> list[Application]:
    """The applications this invoice pays for that still wait for the payment."""
    if invoice.application_id is not None:
        query = Application.select().where(Application.id == invoice.application_id)
    elif invoice.group_application_id is not None:
        query = Application.select().where(Application.group_application == invoice.group_application_id)
    else:
        return []
    return list(query.where(Application.status == Status.AWAITING_PAYMENT.value).order_by(Application.id))


def payments_of(invoice: Invoice) -> list[Payment]:
    """The payments recorded for ``invoice``, oldest first, with who confirmed them."""
    return list(Payment.select(Payment, User).join(User, peewee.JOIN.LEFT_OUTER, on=(Payment.confirmed_by == User.id))
                .where(Payment.invoice == invoice.id).order_by(Payment.id))
