"""Договоры, счета и платежи."""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.models.applications import Application, GroupApplication
from core.models.organisations import Organisation, _now
from core.models.users import User

TERMS_PREPAYMENT = "prepayment"
TERMS_POSTPAYMENT = "postpayment"
TERMS_TITLES = {TERMS_PREPAYMENT: "Предоплата", TERMS_POSTPAYMENT: "Постоплата"}


class Invoice(AuditedModel):
    """Счёт (with its Договор): for one application or for an employer's group application."""

    number = peewee.CharField(max_length=32)  # numbered per ЦОК and year: unique within a ЦОК
    cok = peewee.ForeignKeyField(Organisation, backref="invoices", on_delete="RESTRICT")
    application = peewee.ForeignKeyField(Application, null=True, backref="invoices", on_delete="RESTRICT")
    group_application = peewee.ForeignKeyField(GroupApplication, null=True, backref="invoices",
                                               on_delete="RESTRICT")
    payer_name = peewee.CharField(max_length=500)
    payer_inn = peewee.CharField(max_length=12, null=True)
    amount = peewee.DecimalField(max_digits=12, decimal_places=2)
    payment_terms = peewee.CharField(max_length=16, default=TERMS_PREPAYMENT)
    contract_number = peewee.CharField(max_length=32)
    issued_on = peewee.DateField()
    contract_pdf = peewee.CharField(max_length=64, null=True)
    contract_docx = peewee.CharField(max_length=64, null=True)
    invoice_pdf = peewee.CharField(max_length=64, null=True)
    paid_at = peewee.DateTimeField(null=True)
    cancelled_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = ((("cok", "number"), True), (("cok", "contract_number"), True))

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class Payment(AuditedModel):
    """A payment received against an invoice (confirmed by hand or matched from a bank statement)."""

    invoice = peewee.ForeignKeyField(Invoice, backref="payments", on_delete="RESTRICT")
    amount = peewee.DecimalField(max_digits=12, decimal_places=2)
    paid_on = peewee.DateField()
    method = peewee.CharField(max_length=32)  # payment method provider code: manual | bank_statement
    reference = peewee.CharField(max_length=100, null=True)  # платёжное поручение №
    payer_name = peewee.CharField(max_length=500, null=True)
    confirmed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=_now)
