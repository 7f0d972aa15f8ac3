"""Платёжный QR-код по ГОСТ Р 56042-2014: the payer's bank app fills the payment order from it.

The string is «ST0001» (format version) + «2» (UTF-8) followed by «|Key=Value» pairs: first
the five mandatory ones (Name, PersonalAcc, BankName, BIC, CorrespAcc), then the optional
ones we know (PayeeINN, KPP, Sum in kopecks, Purpose, the payer's name, address and ИНН).
«|» separates the pairs, so it may never occur inside a value: we replace it, together with
line breaks, by a space. Values longer than the standard allows are cut to its limits
(Name 160, BankName 45, Purpose 210 characters) — the bank identifies the payee by the
account and БИК, and an over-long value makes some apps refuse the whole code.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal

import segno

from core.documents.money import to_kopecks
from core.exceptions import ValidationError

HEADER = "ST00012"
SEPARATOR = "|"
_MAX_LENGTH = {"Name": 160, "BankName": 45, "Purpose": 210, "PayeeINN": 12, "KPP": 9, "PayerINN": 12}
_UNSAFE = re.compile(r"[|\s]+")  # the separator and every kind of line break or tab
_MANDATORY_TITLES = {"Name": "наименование получателя", "PersonalAcc": "расчётный счёт", "BankName": "банк",
                     "BIC": "БИК", "CorrespAcc": "корреспондентский счёт"}


def clean_value(value: object, key: str = "") -> str:
    """A value safe inside the string: no «|», no line breaks, single spaces, within the length limit."""
    text = _UNSAFE.sub(" ", str(value)).strip()
    limit = _MAX_LENGTH.get(key)
    return text[:limit].rstrip() if limit else text


def payment_qr_string(*, name: str, personal_acc: str, bank_name: str, bic: str, corresp_acc: str,
                      payee_inn: str | None = None, kpp: str | None = None, amount: Decimal | None = None,
                      purpose: str | None = None, last_name: str | None = None, first_name: str | None = None,
                      middle_name: str | None = None, payer_address: str | None = None,
                      payer_inn: str | None = None) -> str:
    """The ГОСТ Р 56042-2014 string; `amount` in roubles becomes «Sum=» in kopecks.

    Empty optional values are left out; an empty mandatory one is a `ValidationError`.
    """
    mandatory = {"Name": name, "PersonalAcc": personal_acc, "BankName": bank_name, "BIC": bic,
                 "CorrespAcc": corresp_acc}
    optional = {"PayeeINN": payee_inn, "KPP": kpp,
                "Sum": None if amount is None else to_kopecks(amount), "Purpose": purpose,
                "LastName": last_name, "FirstName": first_name, "MiddleName": middle_name,
                "PayerAddress": payer_address, "PayerINN": payer_inn}
    pairs = {key: clean_value(value, key) for key, value in mandatory.items() if value is not None}
    missing = [title for key, title in _MANDATORY_TITLES.items() if not pairs.get(key)]
    if missing:
        raise ValidationError("Для QR-кода оплаты не хватает реквизитов получателя: " + ", ".join(missing))
    for key, value in optional.items():
        text = "" if value is None else clean_value(value, key)
        if text:
            pairs[key] = text
    return SEPARATOR.join([HEADER, *(f"{key}={value}" for key, value in pairs.items())])


def payment_qr_png(text: str, *, scale: int = 4) -> bytes:
    """PNG of the QR code (error correction M, UTF-8 bytes without ECI — what bank apps read)."""
    code = segno.make(text, error="m", boost_error=False, micro=False, encoding="utf-8")
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
