"""Договор и счёт: issuing them when the ЦОК has accepted an application or a group application.

Numbers run per ЦОК and calendar year («С-2026-00017», contract «Д-2026-00017»). The checks,
the invoice row, its three stored documents (contract PDF and DOCX, invoice PDF) and the
application's move to «Ожидает оплаты» happen in one transaction: either the applicant sees
the status together with documents to download, or nothing changed. (A rolled-back issue may
leave unreferenced blobs behind; the store is content-addressed, so they are only garbage.)
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from peewee import fn

from core.blobstore import BlobStore
from core.db import database, is_sqlite, write_transaction
from core.documents.contract import render_contract_docx, render_contract_pdf
from core.documents.invoice import InvoiceLine, application_lines, group_lines, render_invoice_pdf
from core.documents.parties import CONTRACT_FIELDS, candidate_name, paying_employer, require_profile
from core.exceptions import PermissionDeniedError, ValidationError
from core.models import Application, GroupApplication, Invoice, Organisation, User
from core.models.applications import PAYER_EMPLOYER, DocumentReview
from core.models.billing import TERMS_TITLES
from core.plugins import PluginHost
from core.services.applications import change_status
from core.services.group_applications import GroupStatus, change_group_status
from core.workflow import ActorKind, Status

INVOICE_PREFIX = "С"
CONTRACT_PREFIX = "Д"


def _lock_numbering(cok: Organisation) -> None:
    """Serialise issuing per ЦОК on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers).

    Numbers and the checks that an application is not billed yet are read after this lock.
    """
    if not is_sqlite(database.obj):
        Organisation.select(Organisation.id).where(Organisation.id == cok.id).for_update().execute()


def next_numbers(cok: Organisation, year: int) -> tuple[str, str]:
    """(invoice number, contract number): the ЦОК's next sequence number in `year`."""
    _lock_numbering(cok)
    prefix = f"{INVOICE_PREFIX}-{year}-"
    last = (Invoice.select(Invoice.number).where(Invoice.cok == cok, Invoice.number.startswith(prefix))
            .order_by(fn.LENGTH(Invoice.number).desc(), Invoice.number.desc())  # «…-100000» after «…-99999»
            .limit(1).scalar())
    match = re.fullmatch(re.escape(prefix) + r"(\d+)", last or "")
    sequence = f"{year}-{(int(match.group(1)) if match else 0) + 1:05d}"
    return f"{INVOICE_PREFIX}-{sequence}", f"{CONTRACT_PREFIX}-{sequence}"


def _check_terms(payment_terms: str) -> None:
    if payment_terms not in TERMS_TITLES:
        raise ValidationError("Выберите порядок расчётов: предоплата или постоплата.", "payment_terms")


def _check_actor(actor: User, *organisations: Organisation) -> None:
    if actor.organisation_id not in {org.id for org in organisations}:
        raise PermissionDeniedError("Выставить счёт может только сотрудник ЦОК или площадки этой заявки.")


def _issue(invoice: Invoice, blobs: BlobStore) -> Invoice:
    """Render the three documents, keep them in the blob store, save the invoice with their digests."""
    invoice.contract_pdf = blobs.put(render_contract_pdf(invoice)).digest
    invoice.contract_docx = blobs.put(render_contract_docx(invoice)).digest
    invoice.invoice_pdf = blobs.put(render_invoice_pdf(invoice)).digest
    invoice.save()
    return invoice


def _new_invoice(cok: Organisation, lines: list[InvoiceLine], payment_terms: str, payer_name: str,
                 payer_inn: str | None, **link) -> Invoice:
    today = dt.date.today()
    number, contract_number = next_numbers(cok, today.year)
    return Invoice(number=number, contract_number=contract_number, cok=cok, payer_name=payer_name,
                   payer_inn=payer_inn or None, amount=sum((line.total for line in lines), Decimal("0")),
                   payment_terms=payment_terms, issued_on=today, **link)


def _reviewed_status(application: Application) -> None:
    """Refuse unless the application is «На рассмотрении» in the database and every document is «Принято».

    Read inside the numbering lock, so a double click cannot issue two invoices.
    """
    current = Status(Application.select(Application.status).where(Application.id == application.id).scalar())
    if current is not Status.SUBMITTED:
        raise ValidationError(f"Счёт выставляется заявлению в статусе «{Status.SUBMITTED.title}», а это заявление "
                              f"в статусе «{current.title}».")
    application.status = current.value
    pending = [doc.title for doc in application.documents if doc.review != DocumentReview.ACCEPTED]
    if pending:
        raise ValidationError("Сначала примите все документы заявления. Не приняты: " + "; ".join(pending) + ".")


def issue_contract_and_invoice(application: Application, actor: User, blobs: BlobStore, plugins: PluginHost, *,
                               payment_terms: str = "prepayment") -> Invoice:
    """Issue the contract and invoice of an application under review and move it to «Ожидает оплаты».

    Refused unless the application is «На рассмотрении», every document is «Принято» and the
    ЦОК has a price for the qualification. An employee enrolled through a group application
    gets no invoice of their own: the group's invoice (issued first) is returned instead.
    """
    _check_terms(payment_terms)
    _check_actor(actor, application.cok, application.venue)
    with write_transaction():
        _lock_numbering(application.cok)
        _reviewed_status(application)
        if application.group_application_id and application.payer == PAYER_EMPLOYER:
            return _join_group_invoice(application, actor, plugins)
        require_profile(application.cok, CONTRACT_FIELDS)
        employer = paying_employer(application)
        payer_name = employer.full_name if employer else candidate_name(application)
        lines = application_lines(application, application.cok)
        invoice = _new_invoice(application.cok, lines, payment_terms, payer_name, employer and employer.inn,
                               application=application)
        _issue(invoice, blobs)
        change_status(application, Status.AWAITING_PAYMENT, ActorKind.CENTRE, actor, plugins,
                      comment=f"Выставлен счёт № {invoice.number}, договор № {invoice.contract_number}.")
    return invoice


def _join_group_invoice(application: Application, actor: User, plugins: PluginHost) -> Invoice:
    """An employee of a group application is paid for by the group's invoice: no second invoice.

    The application waits for that payment like any other; if the employer has already paid,
    it goes straight on to date agreement (the payment found no waiting member at the time).
    """
    group = application.group_application
    label = group.number or f"№ {group.id}"
    invoice = Invoice.get_or_none(Invoice.group_application == group, Invoice.cancelled_at.is_null())
    if invoice is None:
        raise ValidationError(f"Заявление входит в групповую заявку {label} работодателя: сначала выставьте "
                              "счёт по групповой заявке, он оплачивает и это заявление.")
    with write_transaction():
        change_status(application, Status.AWAITING_PAYMENT, ActorKind.CENTRE, actor, plugins,
                      comment=f"Оплачивается по счёту № {invoice.number} групповой заявки {label}.")
        if invoice.is_paid:
            change_status(application, Status.PAID_DATE_AGREEMENT, ActorKind.CENTRE, actor, plugins,
                          comment=f"Счёт № {invoice.number} групповой заявки {label} уже оплачен.")
    return invoice


def issue_group_invoice(group_application: GroupApplication, actor: User, blobs: BlobStore,
                        plugins: PluginHost | None = None) -> Invoice:
    """Issue one contract and invoice to the employer for every row (price × people) of a group application.

    The group application must be «На рассмотрении» and not yet invoiced; it then shows
    «Ожидает оплаты» with its порядок расчётов (seed 003), moved by `change_group_status`.
    """
    _check_terms(group_application.payment_terms)
    cok, employer = group_application.cok, group_application.employer
    _check_actor(actor, cok, *Organisation.select().where(Organisation.parent == cok))
    with write_transaction():
        _lock_numbering(cok)
        current = GroupApplication.select(GroupApplication.status).where(
            GroupApplication.id == group_application.id).scalar()
        if current != GroupStatus.SUBMITTED.value:
            raise ValidationError(f"Счёт выставляется групповой заявке в статусе «{GroupStatus.SUBMITTED.title}».")
        issued = Invoice.get_or_none(Invoice.group_application == group_application, Invoice.cancelled_at.is_null())
        if issued is not None:
            raise ValidationError(f"По этой групповой заявке уже выставлен счёт № {issued.number}.")
        require_profile(cok, CONTRACT_FIELDS)
        lines = group_lines(group_application)
        invoice = _new_invoice(cok, lines, group_application.payment_terms, employer.full_name, employer.inn,
                               group_application=group_application)
        _issue(invoice, blobs)
        change_group_status(group_application, GroupStatus.AWAITING_PAYMENT, ActorKind.CENTRE, actor,
                            plugins or PluginHost(), comment=f"Выставлен счёт № {invoice.number}, "
                                                             f"договор № {invoice.contract_number}.")
    return invoice


def invoice_documents(invoice: Invoice) -> list[tuple[str, str, str]]:
    """(title, digest, filename) of the invoice's stored documents, for download links."""
    documents = [
        (f"Договор № {invoice.contract_number}", invoice.contract_pdf, f"Договор {invoice.contract_number}.pdf"),
        (f"Договор № {invoice.contract_number} (Word, для правки)", invoice.contract_docx,
         f"Договор {invoice.contract_number}.docx"),
        (f"Счёт на оплату № {invoice.number}", invoice.invoice_pdf, f"Счёт {invoice.number}.pdf"),
    ]
    return [(title, digest, filename) for title, digest, filename in documents if digest]
