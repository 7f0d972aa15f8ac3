"""Matching incoming payments of a bank statement to the organisation's invoices (счета).

A payment pays an invoice when the invoice's number appears in its НазначениеПлатежа and
its sum equals the invoice's to the kopeck. Payers write numbers in many ways — «С-2026-00017»,
«С 2026 00017», «счет №С-2026-00017», a Latin «C», lost leading zeros — so numbers are
read by shape (letters, year, sequence number) and compared in one canonical form.

Every payment gets one outcome with a Russian reason, so the operator sees what will be
posted and what needs a person: a payment to another account (or from ours), no known
invoice number, a sum that differs, an invoice already paid. Nothing is written here.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from core.models import Invoice, Organisation, Payment
from core.services.payments import amount_error, format_rub, visible_invoices
from plugins.payments.statement_1c import Statement, StatementDocument
from plugins.payments.values import order_reference

# Latin letters a payer may type instead of the Cyrillic ones they look like.
_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_TO_LATIN = str.maketrans("АВСЕНКМОРТХУ", "ABCEHKMOPTXY")
_LETTERS = "A-Za-zА-Яа-яЁё"
# Letters, the year, the sequence number; separators «-», «–», «—», «_», «/» or spaces (not «.»:
# «НДС 2083.33» is a sum, not a number).
_NUMBER = re.compile(rf"(?<![{_LETTERS}0-9])([{_LETTERS}]{{1,3}})[\s\-‐–—_/]*(20\d\d)[\s\-‐–—_/]+(\d{{1,8}})(?!\d)")
_SEQUENCE_WIDTH = 5


class Outcome(str, enum.Enum):
    MATCHED = "matched"
    AMOUNT_MISMATCH = "amount_mismatch"
    UNKNOWN_NUMBER = "unknown_number"
    ALREADY_PAID = "already_paid"
    OTHER_ACCOUNT = "other_account"

    @property
    def title(self) -> str:
        return OUTCOME_TITLES[self]


OUTCOME_TITLES = {
    Outcome.MATCHED: "Совпали со счётом — можно провести",
    Outcome.AMOUNT_MISMATCH: "Сумма не совпадает со счётом",
    Outcome.UNKNOWN_NUMBER: "Счёт не найден",
    Outcome.ALREADY_PAID: "Счёт уже оплачен",
    Outcome.OTHER_ACCOUNT: "Не на расчётный счёт организации (другой счёт или списание)",
}


@dataclass(frozen=True)
class Match:
    """What became of one payment of the statement."""

    document: StatementDocument
    outcome: Outcome
    reason: str
    invoice: Invoice | None = None

    @property
    def reference(self) -> str:
        return order_reference(self.document.number, self.document.date)


def _canonical(letters: str, year: str, sequence: str) -> str:
    return f"{letters.upper().translate(_TO_CYRILLIC)}-{year}-{int(sequence):0{_SEQUENCE_WIDTH}d}"


def normalise_invoice_number(text: str) -> str | None:
    """«с 2026 17» → «С-2026-00017»; ``None`` when ``text`` is not an invoice number."""
    match = _NUMBER.fullmatch(" ".join(text.split()))
    return _canonical(*match.groups()) if match else None


def invoice_numbers_in(text: str) -> list[str]:
    """Every invoice number found in a payment purpose, canonical, in order, without repeats."""
    return list(dict.fromkeys(_canonical(*m.groups()) for m in _NUMBER.finditer(text or "")))


def number_variants(canonical: str) -> list[str]:
    """How a canonical number may be stored: with or without leading zeros, Cyrillic or Latin letters."""
    letters, year, sequence = canonical.split("-")
    latin = letters.translate(_TO_LATIN)
    prefixes = [letters] + ([latin] if latin.isascii() and latin != letters else [])
    return [f"{p}-{year}-{s}" for p in prefixes for s in dict.fromkeys((sequence, str(int(sequence))))]


def find_invoices(organisation: Organisation, numbers: list[str]) -> dict[str, Invoice]:
    """The organisation's invoices (paid or not) among canonical ``numbers``, in one query."""
    variants = [v for n in dict.fromkeys(numbers) for v in number_variants(n)]
    if not variants:
        return {}
    found = visible_invoices(organisation).where(Invoice.number.in_(variants))
    return {key: invoice for invoice in found if (key := normalise_invoice_number(invoice.number))}


def match_statement(statement: Statement, organisation: Organisation) -> list[Match]:
    """Decide for every payment of ``statement`` what it pays, in the statement's order."""
    account = "".join((organisation.settlement_account or "").split())
    incoming = [d for d in statement.documents if account and d.recipient_account == account]
    numbers = {d.line: invoice_numbers_in(d.purpose) for d in incoming}
    invoices = find_invoices(organisation, [n for found in numbers.values() for n in found])
    posted = _posted(organisation, [order_reference(d.number, d.date) for d in incoming])
    claimed: dict[int, StatementDocument] = {}
    results = []
    for document in statement.documents:
        if document.line in numbers:
            results.append(_match(document, numbers[document.line], invoices, posted, claimed))
        else:
            results.append(Match(document, Outcome.OTHER_ACCOUNT, _elsewhere(document, account)))
    return results


def _posted(organisation: Organisation, references: list[str]) -> dict[str, Payment]:
    """Payments already recorded under these references for the organisation's invoices."""
    if not references:
        return {}
    query = (Payment.select(Payment, Invoice).join(Invoice)
             .where(Payment.reference.in_(references) & Invoice.id.in_(visible_invoices(organisation)
                                                                        .select(Invoice.id))))
    return {payment.reference: payment for payment in query}


def _elsewhere(document: StatementDocument, account: str) -> str:
    if not account:
        return "В профиле организации не указан расчётный счёт — сверить поступления не с чем."
    if document.payer_account == account:
        return "Списание с расчётного счёта организации, а не поступление."
    return (f"Платёж на счёт {document.recipient_account or '(не указан)'}, а расчётный счёт организации — "
            f"{account}.")


def _match(document: StatementDocument, numbers: list[str], invoices: dict[str, Invoice],
           posted: dict[str, Payment], claimed: dict[int, StatementDocument]) -> Match:
    reference = order_reference(document.number, document.date)
    if reference in posted:
        payment = posted[reference]
        return Match(document, Outcome.ALREADY_PAID, f"Платёж уже проведён: платёжное поручение {reference} "
                                                     f"зачтено в оплату счёта № {payment.invoice.number}.",
                     payment.invoice)
    if not numbers:
        return Match(document, Outcome.UNKNOWN_NUMBER, "В назначении платежа нет номера счёта (вида «С-2026-00017»).")
    found = [invoices[n] for n in numbers if n in invoices]
    if not found:
        return Match(document, Outcome.UNKNOWN_NUMBER,
                     f"Счёт № {', '.join(numbers)} не найден среди счетов организации.")
    open_ = [i for i in found if i.paid_at is None and i.cancelled_at is None]
    if not open_:
        return _closed(document, found[0])
    exact = [i for i in open_ if Decimal(i.amount) == document.amount]
    if len(exact) == 1 and exact[0].id in claimed:
        other = claimed[exact[0].id]
        return Match(document, Outcome.ALREADY_PAID,
                     f"Счёт № {exact[0].number} уже оплачивается платёжным поручением № {other.number} из этой "
                     "же выписки — похоже на двойную оплату, решите с плательщиком.", exact[0])
    if len(exact) == 1:
        claimed[exact[0].id] = document
        return Match(document, Outcome.MATCHED, f"Оплата счёта № {exact[0].number} на {format_rub(document.amount)}.",
                     exact[0])
    if len(open_) == 1:
        invoice = open_[0]
        error = amount_error(document.amount, Decimal(invoice.amount), invoice.number)
        return Match(document, Outcome.AMOUNT_MISMATCH, error.message if error else "", invoice)
    listed = ", ".join(i.number for i in open_)
    return Match(document, Outcome.AMOUNT_MISMATCH,
                 f"В назначении несколько неоплаченных счетов ({listed}), а сумма {format_rub(document.amount)} "
                 "не совпадает ровно с одним из них — разнесите платёж вручную.")


def _closed(document: StatementDocument, invoice: Invoice) -> Match:
    if invoice.cancelled_at is not None:
        return Match(document, Outcome.UNKNOWN_NUMBER,
                     f"Счёт № {invoice.number} аннулирован — решите с плательщиком, вернуть деньги или зачесть их.",
                     invoice)
    return Match(document, Outcome.ALREADY_PAID,
                 f"Счёт № {invoice.number} уже оплачен другим платежом — похоже на двойную оплату, решите с "
                 "плательщиком.", invoice)
