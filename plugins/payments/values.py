"""Reading sums, dates and payment order numbers as people and banks write them.

One reader for the manual confirmation form and for the 1C statement, so «12 500,00»,
«12500.00» and «12500» mean the same sum everywhere, and a payment order confirmed by hand
and later found in a statement gets the same reference (``order_reference``) — which is
what makes confirming the same payment twice harmless.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from core.plugin_api import ValidationError

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_CURRENCY = re.compile(r"(?:руб(?:лей|ля|ль)?\.?|р\.|₽)$", re.IGNORECASE)
_AMOUNT = re.compile(r"^\d{1,10}(?:\.\d{1,2})?$")
_DATE_RU = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ORDER_PREFIX = re.compile(r"^(?:(?:п/п|пп|платёжное поручение|платежное поручение|№|no\.?|n)\s*)+",
                           re.IGNORECASE)
_ORDER_NUMBER = re.compile(r"^[0-9A-Za-zА-Яа-яЁё/\-]{1,30}$")
EARLIEST = dt.date(2000, 1, 1)


def parse_amount(value: object, field: str | None = "amount") -> Decimal:
    """A positive sum in roubles with at most two kopeck digits; comma or dot as the separator."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = _SPACES.sub("", str(value or ""))
        text = _CURRENCY.sub("", text).replace(",", ".")
    if not text:
        raise ValidationError("Не указана сумма платежа.", field)
    if not _AMOUNT.match(text):
        raise ValidationError(f"Сумма «{_short(value)}» указана неверно: ожидается число рублей с копейками, "
                              "например 12 500,00.", field)
    amount = Decimal(text)
    if amount <= 0:
        raise ValidationError("Сумма платежа должна быть больше нуля.", field)
    return amount.quantize(Decimal("0.01"))


def parse_date(value: object, field: str | None = "paid_on") -> dt.date:
    """A date written «01.02.2026» (documents, 1C) or «2026-02-01» (a browser's date field)."""
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationError("Не указана дата.", field)
    match = _DATE_RU.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := _DATE_ISO.match(text)):
        parts = iso.groups()
    try:
        if parts is None:
            raise ValueError(text)
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValidationError(f"Дата «{_short(text)}» указана неверно: ожидается ДД.ММ.ГГГГ, например 01.02.2026.",
                              field) from None


def parse_order_number(value: object, field: str | None = "reference") -> str:
    """Номер платёжного поручения: «123», «№ 123», «п/п 123» all give «123»."""
    text = " ".join(str(value or "").split())
    text = _ORDER_PREFIX.sub("", text).strip()
    if not text:
        raise ValidationError("Не указан номер платёжного поручения.", field)
    if not _ORDER_NUMBER.match(text):
        raise ValidationError(f"Номер платёжного поручения «{_short(text)}» указан неверно: ожидаются цифры "
                              "(буквы, «/» и «-» допускаются), не длиннее 30 знаков.", field)
    return text


def order_reference(number: str, date: dt.date) -> str:
    """The reference a payment is recorded under: «№ 123 от 01.02.2026» (number and date of the order)."""
    return f"№ {number} от {date:%d.%m.%Y}"


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
