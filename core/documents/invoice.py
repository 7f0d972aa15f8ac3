"""Счёт на оплату: the ЦОК's bank requisites, the payer, the services, the total, and a payment QR code.

The lines are computed from the ЦОК's prices: one exam for an applicant's application, price ×
people for every row of an employer's group application. An invoice stores only its total,
so when a document is rendered again later the lines are checked against that total — a price
changed since means the stored PDF, not a new rendering, is the invoice.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.documents.money import format_amount
from core.documents.parties import (CUSTOMER_FIELDS, INVOICE_FIELDS, Party, candidate_name, organisation_party,
                                    paying_employer, person_party, require_profile)
from core.documents.payment_qr import payment_qr_png, payment_qr_string
from core.documents.pdf import png_data_uri, render_pdf
from core.documents.texts import date_digits, upper_first
from core.exceptions import ValidationError
from core.models import (Application, GroupApplication, GroupApplicationRow, Invoice, Organisation, Price,
                         Qualification)
from core.models.billing import TERMS_PREPAYMENT, TERMS_TITLES

# НДС rate for prices that include it (22 % since 1 January 2026); most ЦОК are «НДС не облагается».
VAT_RATE = Decimal("22")
_KOPECK = Decimal("0.01")


@dataclass(frozen=True)
class InvoiceLine:
    """One service line: the exam for one qualification, for `quantity` people."""

    title: str
    venue: str
    quantity: int
    price: Decimal
    vat_included: bool

    @property
    def total(self) -> Decimal:
        return self.price * self.quantity

    @property
    def vat(self) -> Decimal:
        if not self.vat_included:
            return Decimal("0")
        return (self.total * VAT_RATE / (100 + VAT_RATE)).quantize(_KOPECK, rounding=ROUND_HALF_UP)


def service_title(qualification: Qualification) -> str:
    """«Проведение профессионального экзамена по квалификации «…» (6 уровень квалификации)»."""
    return (f"Проведение профессионального экзамена по квалификации «{qualification.name}» "
            f"({qualification.level} уровень квалификации)")


def _line(cok: Organisation, qualification: Qualification, venue: Organisation, quantity: int,
          prices: dict[int, Price]) -> InvoiceLine:
    price = prices.get(qualification.id)
    if price is None:
        raise ValidationError(f"Не указана стоимость экзамена по квалификации «{qualification.title}»: "
                              f"укажите её в разделе «Квалификации» ЦОК «{cok.short_name}».")
    return InvoiceLine(service_title(qualification), venue.short_name, quantity, Decimal(price.amount),
                       price.vat_included)


def _prices(cok: Organisation, qualification_ids: list[int]) -> dict[int, Price]:
    query = Price.select().where(Price.cok == cok, Price.qualification.in_(qualification_ids))
    return {price.qualification_id: price for price in query}


def application_lines(application: Application, cok: Organisation) -> list[InvoiceLine]:
    """One exam for one applicant at the ЦОК's price."""
    prices = _prices(cok, [application.qualification_id])
    return [_line(cok, application.qualification, application.venue, 1, prices)]


def group_lines(group_application: GroupApplication) -> list[InvoiceLine]:
    """Price × people for every row of an employer's group application."""
    rows = list(GroupApplicationRow.select(GroupApplicationRow, Qualification, Organisation)
                .join(Qualification).switch(GroupApplicationRow).join(Organisation)
                .where(GroupApplicationRow.group_application == group_application)
                .order_by(GroupApplicationRow.id))
    if not rows:
        raise ValidationError("В групповой заявке нет ни одной строки: счёт выставлять не на что.")
    if any(row.people_count < 1 for row in rows):
        raise ValidationError("В групповой заявке есть строка без людей: укажите количество человек.")
    cok = group_application.cok
    prices = _prices(cok, [row.qualification_id for row in rows])
    return [_line(cok, row.qualification, row.venue, row.people_count, prices) for row in rows]


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    """The lines of an issued invoice, checked against its stored total."""
    if invoice.application_id:
        lines = application_lines(invoice.application, invoice.cok)
    elif invoice.group_application_id:
        lines = group_lines(invoice.group_application)
    else:
        raise ValidationError(f"Счёт {invoice.number} не связан ни с заявлением, ни с групповой заявкой.")
    if sum(line.total for line in lines) != Decimal(invoice.amount):
        raise ValidationError(f"Стоимость экзамена изменилась после выставления счёта {invoice.number}: "
                              "скачайте сохранённый документ счёта.")
    return lines


def payer_party(invoice: Invoice) -> Party:
    """Who pays: the employer (group application or an employee's application) or the applicant."""
    if invoice.group_application_id:
        employer = invoice.group_application.employer
    else:
        employer = paying_employer(invoice.application)
    if employer is None:
        return person_party(invoice.application)
    require_profile(employer, CUSTOMER_FIELDS)
    return organisation_party(employer)


def vat_note(lines: list[InvoiceLine]) -> str:
    """«НДС не облагается» or «в том числе НДС (22 %): 2 740,98» (lower case: it goes mid-sentence)."""
    vat = sum(line.vat for line in lines)
    return f"в том числе НДС ({VAT_RATE} %): {format_amount(vat)}" if vat else "НДС не облагается"


def purpose(invoice: Invoice, lines: list[InvoiceLine]) -> str:
    """Назначение платежа: invoice number and date, the service, the VAT note."""
    return (f"Оплата по счёту № {invoice.number} от {date_digits(invoice.issued_on)} за проведение "
            f"профессионального экзамена. {upper_first(vat_note(lines))}")


def invoice_qr_string(invoice: Invoice, payer: Party, lines: list[InvoiceLine]) -> str:
    """The payment QR string: the ЦОК's account, the total, the purpose and who pays."""
    cok = invoice.cok
    person = payer.name_parts if payer.is_person else ("", "", "")
    return payment_qr_string(name=cok.short_name or cok.full_name, personal_acc=cok.settlement_account,
                             bank_name=cok.bank_name, bic=cok.bik, corresp_acc=cok.corr_account,
                             payee_inn=cok.inn, kpp=cok.kpp, amount=Decimal(invoice.amount),
                             purpose=purpose(invoice, lines), last_name=person[0], first_name=person[1],
                             middle_name=person[2], payer_address=payer.address if payer.is_person else None,
                             payer_inn=None if payer.is_person else payer.inn)


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """Счёт на оплату as PDF (A4), with the ГОСТ Р 56042-2014 QR code for the payer's bank app."""
    cok = invoice.cok
    require_profile(cok, INVOICE_FIELDS)
    lines = invoice_lines(invoice)
    payer = payer_party(invoice)
    supplier = organisation_party(cok)
    # An employer paying for one employee: name the employee on the invoice.
    applicant = candidate_name(invoice.application) if invoice.application_id and not payer.is_person else None
    qr = payment_qr_png(invoice_qr_string(invoice, payer, lines))
    return render_pdf("invoice.html", title=f"Счёт на оплату № {invoice.number}", author=cok.short_name,
                      invoice=invoice, cok=cok, supplier=supplier, payer=payer, lines=lines,
                      vat_note=upper_first(vat_note(lines)), applicant=applicant, qr_uri=png_data_uri(qr),
                      terms=TERMS_TITLES.get(invoice.payment_terms, TERMS_TITLES[TERMS_PREPAYMENT]),
                      accountant=cok.accountant_name or supplier.signer_name)
