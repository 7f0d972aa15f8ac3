"""Parser of bank statements in the 1C «1CClientBankExchange» text format.

This is how Russian banks export a выписка for 1С:Бухгалтерия (formats 1.02 and 1.03): the
line ``1CClientBankExchange``, header lines ``Ключ=Значение`` (ВерсияФормата, Кодировка,
ДатаНачала, ДатаКонца, РасчСчет…), optional ``СекцияРасчСчет`` … ``КонецРасчСчет`` blocks
with balances, one ``СекцияДокумент=<вид документа>`` … ``КонецДокумента`` block per
payment, and ``КонецФайла``. Files come in windows-1251 (``Кодировка=Windows``), often in
UTF-8, rarely in cp866 (``Кодировка=DOS``), with CRLF line ends.

The parser is strict where money is at stake and lenient elsewhere: a sum, a date, a
block that never closes or a file cut short is an error naming its line, so a damaged
file is never half-read; blank lines and keys it does not know are skipped.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.plugin_api import ValidationError
from plugins.payments.values import parse_amount, parse_date

MAGIC = "1CClientBankExchange"
#: Tried in this order; the first that decodes and shows the format's Russian keys wins.
ENCODINGS = ("utf-8", "cp1251", "cp866")
_MARKERS = ("СекцияДокумент", "КонецФайла", "ВерсияФормата", "СекцияРасчСчет")
_PAYER_INN_PREFIX = re.compile(r"^ИНН\s*\d{10,12}\s+")
_PURPOSE_KEYS = ("НазначениеПлатежа", "НазначениениеПлатежа")  # the second: a misspelling some exporters write
_FIELD = "statement"
#: Block openers and the lines that close them.
_CLOSERS = {"СекцияДокумент": "КонецДокумента", "СекцияРасчСчет": "КонецРасчСчет"}
_OPENERS = frozenset(_CLOSERS)


@dataclass(frozen=True)
class StatementDocument:
    """One payment of the statement (a СекцияДокумент block)."""

    line: int
    kind: str
    number: str
    date: dt.date
    amount: Decimal
    payer: str
    payer_inn: str | None
    payer_account: str | None
    recipient_account: str | None
    recipient_inn: str | None
    purpose: str
    credited_on: dt.date | None
    fields: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def evidence(self) -> dict[str, Any]:
        """What ``BankStatementPayment.confirm`` receives as ``evidence``."""
        return {"number": self.number, "date": self.date, "amount": self.amount, "purpose": self.purpose,
                "payer": self.payer, "payer_inn": self.payer_inn, "credited_on": self.credited_on,
                "recipient_account": self.recipient_account}


@dataclass(frozen=True)
class StatementAccount:
    """A СекцияРасчСчет block: the balances of one account over the period."""

    account: str
    opening: Decimal | None
    incoming: Decimal | None
    outgoing: Decimal | None
    closing: Decimal | None


@dataclass(frozen=True)
class Statement:
    """A whole parsed file."""

    encoding: str
    version: str | None
    sender: str | None
    date_from: dt.date | None
    date_to: dt.date | None
    accounts: tuple[str, ...]
    balances: tuple[StatementAccount, ...]
    documents: tuple[StatementDocument, ...]


def decode(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding it was written in."""
    if not data.strip():
        raise ValidationError("Файл выписки пуст.", _FIELD)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    fallback: tuple[str, str] | None = None
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(marker in text for marker in _MARKERS):
            return text, encoding
        fallback = fallback or (text, encoding)
    if fallback is None:
        raise ValidationError("Не удалось прочитать файл: ожидается текст в кодировке windows-1251 или UTF-8.", _FIELD)
    return fallback


class _Block:
    """The «Ключ=Значение» lines of one header, account or document block, with their line numbers."""

    def __init__(self, start: int, opened_by: str = "", kind: str = ""):
        self.start = start
        #: The key that opened the block («СекцияДокумент», «СекцияРасчСчет»); empty for the header.
        self.opened_by = opened_by
        self.kind = kind or opened_by
        self.values: dict[str, tuple[str, int]] = {}

    def add(self, key: str, value: str, line: int) -> None:
        self.values[key] = (value, line)

    def text(self, *keys: str) -> str:
        return next((self.values[k][0] for k in keys if self.values.get(k, ("", 0))[0]), "")

    def required(self, key: str) -> tuple[str, int]:
        value, line = self.values.get(key, ("", 0))
        if not value:
            raise _error(self.start, f"в документе «{self.kind}» нет поля «{key}» (или оно пустое)")
        return value, line

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value, line = self.required(key) if required else self.values.get(key, ("", 0))
        return _at(line, parse_date, value) if value else None

    def amount(self, key: str) -> Decimal:
        value, line = self.required(key)
        return _at(line, parse_amount, value)


def _error(line: int, message: str) -> ValidationError:
    return ValidationError(f"Строка {line}: {message}.", _FIELD)


def _at(line: int, parse, value: str):
    try:
        return parse(value, None)
    except ValidationError as ex:
        raise _error(line, ex.message.rstrip(".")) from None


def _account(value: str) -> str | None:
    digits = "".join(value.split())
    return digits or None


def parse_statement(data: bytes) -> Statement:
    """Parse a 1CClientBankExchange file; raise ``ValidationError`` (Russian, with the line) if it is malformed."""
    text, encoding = decode(data)
    lines = [line.strip().lstrip("\ufeff") for line in text.splitlines()]
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or lines[first] != MAGIC:
        raise _error((first or 0) + 1, f"это не выписка в формате 1CClientBankExchange — файл должен "
                                       f"начинаться строкой «{MAGIC}»")
    header, accounts, balances, documents = _Block(first + 1), [], [], []
    current: _Block | None = None
    finished = False
    for number, line in enumerate(lines[first + 1:], start=first + 2):
        if not line:
            continue
        key, sep, value = (part.strip() for part in line.partition("="))
        if key == "КонецФайла":
            if current is not None:
                raise _error(number, f"файл закончился, а блок «{current.opened_by}» со строки {current.start} не закрыт")
            finished = True
            break
        if key in _OPENERS:
            if current is not None:
                raise _error(number, f"начат новый блок, а блок «{current.opened_by}» со строки {current.start} "
                                     f"не закрыт строкой «{_CLOSERS[current.opened_by]}»")
            current = _Block(number, key, value)
        elif key in _CLOSERS.values():
            if current is None or _CLOSERS[current.opened_by] != key:
                opener = next(o for o, c in _CLOSERS.items() if c == key)
                raise _error(number, f"«{key}» без начала блока «{opener}»")
            if current.opened_by == "СекцияРасчСчет":
                balances.append(_balance(current))
            else:
                documents.append(_document(current))
            current = None
        elif not sep or not key:
            raise _error(number, f"непонятная строка «{line[:60]}» — ожидается «Ключ=Значение»")
        elif current is not None:
            current.add(key, value, number)
        elif key == "РасчСчет":
            if value:
                accounts.append(_account(value))
        else:
            header.add(key, value, number)
    if not finished:
        raise _error(len(lines), "файл обрывается: нет строки «КонецФайла» — выписка выгружена не полностью, "
                                 "выгрузите её из банка заново")
    accounts.extend(b.account for b in balances if b.account and b.account not in accounts)
    return Statement(encoding=encoding, version=header.text("ВерсияФормата") or None,
                     sender=header.text("Отправитель") or None, date_from=header.date("ДатаНачала"),
                     date_to=header.date("ДатаКонца"), accounts=tuple(accounts), balances=tuple(balances),
                     documents=tuple(documents))


def _balance(block: _Block) -> StatementAccount:
    """Balances are shown, never acted on: one the parser cannot read is left out, not an error."""
    def money(key: str) -> Decimal | None:
        try:
            return Decimal("".join(block.text(key).split()).replace(",", "."))
        except InvalidOperation:
            return None

    return StatementAccount(_account(block.text("РасчСчет")) or "", money("НачальныйОстаток"),
                            money("ВсегоПоступило"), money("ВсегоСписано"), money("КонечныйОстаток"))


def _document(block: _Block) -> StatementDocument:
    number, _ = block.required("Номер")
    payer = block.text("Плательщик1") or _PAYER_INN_PREFIX.sub("", block.text("Плательщик"))
    purpose = block.text(*_PURPOSE_KEYS) or " ".join(
        block.text(f"НазначениеПлатежа{i}") for i in range(1, 7)).strip()
    return StatementDocument(
        line=block.start, kind=block.kind, number=number, date=block.date("Дата", required=True),
        amount=block.amount("Сумма"), payer=payer, payer_inn=block.text("ПлательщикИНН") or None,
        payer_account=_account(block.text("ПлательщикСчет", "ПлательщикРасчСчет")),
        recipient_account=_account(block.text("ПолучательСчет", "ПолучательРасчСчет")),
        recipient_inn=block.text("ПолучательИНН") or None, purpose=" ".join(purpose.split()),
        credited_on=block.date("ДатаПоступило"), fields={k: v for k, (v, _) in block.values.items()})
