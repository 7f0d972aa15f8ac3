"""Checks of Russian requisites (ИНН, КПП, ОГРН, СНИЛС, БИК, bank accounts) and contact data.

Why: these numbers end up in certificates, protocols and in the reports sent to НАРК.
A mistyped digit there is expensive to fix later, and almost every such number carries an
official check digit (or control key) designed to catch exactly that kind of typo. So we
verify it at input time and tell the user, in Russian, what exactly is wrong.

Every ``validate_*`` function takes the raw string from a form, strips it, and returns the
normalised value (for numbers: the digits only) or raises
:class:`core.exceptions.ValidationError` with a Russian message and the form ``field``.
Passing an unknown ``kind`` is a programming error and raises :class:`ValueError`.
"""

from __future__ import annotations

import re
import unicodedata

from core.exceptions import ValidationError

_ASCII_DIGITS = re.compile(r"[0-9]+")

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_WEIGHTS = (7, 1, 3) * 8  # 23 digits: 3 from the БИК + 20 of the account

# kind -> (allowed lengths, message when the length is wrong)
_INN_KINDS: dict[str | None, tuple[tuple[int, ...], str]] = {
    None: ((10, 12), "ИНН должен состоять из 10 цифр (организация) или 12 цифр (физическое лицо или ИП)"),
    "legal": ((10,), "ИНН организации должен состоять из 10 цифр"),
    "person": ((12,), "ИНН физического лица или ИП должен состоять из 12 цифр"),
}
_OGRN_KINDS: dict[str | None, tuple[tuple[int, ...], str]] = {
    None: (
        (13, 15),
        "ОГРН должен состоять из 13 цифр (организация) или 15 цифр (ОГРНИП индивидуального предпринимателя)",
    ),
    "legal": ((13,), "ОГРН организации должен состоять из 13 цифр"),
    "ip": ((15,), "ОГРНИП должен состоять из 15 цифр"),
}

# СНИЛС numbers up to 001-001-998 were issued without a meaningful check number.
_SNILS_LAST_WITHOUT_CHECKSUM = 1_001_998

_KPP = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")
_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"  # local part
    r"@(?:[a-z0-9а-яё](?:[a-z0-9а-яё-]{0,61}[a-z0-9а-яё])?\.)+"  # domain labels
    r"(?:[a-zа-яё]{2,63}|xn--[a-z0-9-]{1,59})"  # top-level domain, e.g. .ru, .рф
)
_EMAIL_MAX_LENGTH = 254
_PHONE_ALLOWED = re.compile(r"\+?[0-9 ()\-]+")
_NAME_SEPARATORS = frozenset("-' \u2019")  # hyphen, apostrophe (also typographic), space
_NAME_LABELS = {
    "last_name": "Фамилия",
    "surname": "Фамилия",
    "first_name": "Имя",
    "middle_name": "Отчество",
    "patronymic": "Отчество",
    "full_name": "ФИО",
}

_SEPARATOR_NAMES = {"": "только цифры", " ": "только цифры и пробелы", " -": "только цифры, пробелы и дефисы"}


def _text(value: str | None) -> str:
    """Return the stripped string; ``None`` counts as empty, other types are a caller bug."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    return value.strip()


def _digits(
    value: str | None,
    *,
    label: str,
    field: str,
    lengths: tuple[int, ...],
    length_message: str,
    separators: str = "",
) -> str:
    """Strip ``value``, drop allowed ``separators`` and require ASCII digits of an allowed length.

    ``label`` is the masculine name of the requisite at the start of a sentence (ИНН, СНИЛС…).
    """
    text = _text(value)
    if not text:
        raise ValidationError(f"{label} не указан", field=field)
    digits = text
    for separator in separators:
        digits = digits.replace(separator, "")
    if not _ASCII_DIGITS.fullmatch(digits):
        raise ValidationError(f"{label} должен содержать {_SEPARATOR_NAMES[separators]}", field=field)
    if len(digits) not in lengths:
        raise ValidationError(f"{length_message}; введено цифр: {len(digits)}", field=field)
    return digits


def _weighted_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, weights))


def _typo(what: str, field: str) -> ValidationError:
    return ValidationError(f"Неверная контрольная сумма {what}: проверьте, нет ли опечатки", field=field)


# --- ИНН -------------------------------------------------------------------------------


def _inn_check_digit(digits: str, weights: tuple[int, ...]) -> int:
    """Check digit of an ИНН prefix: weighted sum mod 11, then mod 10."""
    return _weighted_sum(digits, weights) % 11 % 10


def validate_inn(value: str | None, *, kind: str | None = None, field: str = "inn") -> str:
    """ИНН: 10 digits for an organisation (``kind='legal'``), 12 for a person or ИП (``'person'``)."""
    if kind not in _INN_KINDS:
        raise ValueError(f"unknown ИНН kind: {kind!r}")
    lengths, message = _INN_KINDS[kind]
    digits = _digits(value, label="ИНН", field=field, lengths=lengths, length_message=message)
    if len(digits) == 10:
        valid = int(digits[9]) == _inn_check_digit(digits, _INN10_WEIGHTS)
    else:
        expected = (_inn_check_digit(digits, _INN12_WEIGHTS_1), _inn_check_digit(digits, _INN12_WEIGHTS_2))
        valid = (int(digits[10]), int(digits[11])) == expected
    if not valid:
        raise _typo("ИНН", field)
    return digits


# --- КПП -------------------------------------------------------------------------------


def validate_kpp(value: str | None, *, field: str = "kpp") -> str:
    """КПП: 4 digits (tax office), 2 digits or capital Latin letters (reason), 3 digits."""
    text = _text(value).upper()
    if not text:
        raise ValidationError("КПП не указан", field=field)
    if len(text) != 9:
        raise ValidationError(f"КПП должен состоять из 9 символов; введено символов: {len(text)}", field=field)
    if not _KPP.fullmatch(text):
        raise ValidationError(
            "КПП указан неверно: ожидаются 4 цифры, затем 2 цифры или заглавные латинские буквы, затем 3 цифры",
            field=field,
        )
    return text


# --- ОГРН / ОГРНИП ---------------------------------------------------------------------


def validate_ogrn(value: str | None, *, kind: str | None = None, field: str = "ogrn") -> str:
    """ОГРН (13 digits, ``kind='legal'``) or ОГРНИП (15 digits, ``kind='ip'``)."""
    if kind not in _OGRN_KINDS:
        raise ValueError(f"unknown ОГРН kind: {kind!r}")
    lengths, message = _OGRN_KINDS[kind]
    label = "ОГРНИП" if kind == "ip" else "ОГРН"
    digits = _digits(value, label=label, field=field, lengths=lengths, length_message=message)
    modulus = 11 if len(digits) == 13 else 13
    if int(digits[:-1]) % modulus % 10 != int(digits[-1]):
        raise _typo("ОГРН" if len(digits) == 13 else "ОГРНИП", field)
    return digits


def validate_ogrnip(value: str | None, *, field: str = "ogrn") -> str:
    """ОГРНИП of an individual entrepreneur: 15 digits."""
    return validate_ogrn(value, kind="ip", field=field)


# --- СНИЛС -----------------------------------------------------------------------------


def _snils_check_number(first_nine: str) -> int:
    """Check number (0–99) of a СНИЛС: weights 9..1; 100 and 101 give 0; above 101 mod 101."""
    total = _weighted_sum(first_nine, tuple(range(9, 0, -1)))
    if total > 101:
        total %= 101
    return 0 if total in (100, 101) else total


def validate_snils(value: str | None, *, field: str = "snils") -> str:
    """СНИЛС: 11 digits, spaces and hyphens allowed (``112-233-445 95``); returns the digits."""
    digits = _digits(
        value,
        label="СНИЛС",
        field=field,
        lengths=(11,),
        length_message="СНИЛС должен состоять из 11 цифр",
        separators=" -",
    )
    if int(digits[:9]) > _SNILS_LAST_WITHOUT_CHECKSUM and _snils_check_number(digits[:9]) != int(digits[9:]):
        raise _typo("СНИЛС", field)
    return digits


def format_snils(digits: str, *, field: str = "snils") -> str:
    """Format a СНИЛС as ``XXX-XXX-XXX YY`` (for display: the check number is not verified)."""
    d = _digits(
        digits,
        label="СНИЛС",
        field=field,
        lengths=(11,),
        length_message="СНИЛС должен состоять из 11 цифр",
        separators=" -",
    )
    return f"{d[:3]}-{d[3:6]}-{d[6:9]} {d[9:]}"


# --- БИК and bank accounts -------------------------------------------------------------


def validate_bik(value: str | None, *, field: str = "bik") -> str:
    """БИК: 9 digits (it has no check digit)."""
    return _digits(value, label="БИК", field=field, lengths=(9,), length_message="БИК должен состоять из 9 цифр")


def _account_key_valid(prefix: str, account: str) -> bool:
    """ЦБ РФ control key: weights 7,1,3 over 3 БИК digits + 20 account digits; sum of products mod 10."""
    total = sum(int(digit) * weight % 10 for digit, weight in zip(prefix + account, _ACCOUNT_WEIGHTS))
    return total % 10 == 0


def _account_digits(account: str | None, label: str, field: str) -> str:
    return _digits(
        account,
        label=label,
        field=field,
        lengths=(20,),
        length_message=f"{label} должен состоять из 20 цифр",
        separators=" ",
    )


def validate_settlement_account(account: str | None, bik: str | None, *, field: str = "account") -> str:
    """Расчётный счёт (20 digits), checked against the БИК of its bank (last 3 digits of the БИК)."""
    bik_digits = validate_bik(bik)
    digits = _account_digits(account, "Расчётный счёт", field)
    if not _account_key_valid(bik_digits[-3:], digits):
        raise ValidationError(
            "Неверный контрольный ключ расчётного счёта: проверьте номер счёта и БИК, нет ли опечатки",
            field=field,
        )
    return digits


def validate_correspondent_account(account: str | None, bik: str | None, *, field: str = "corr_account") -> str:
    """Корреспондентский счёт (20 digits, starts with 301), checked with ``"0"`` + БИК digits 5–6."""
    bik_digits = validate_bik(bik)
    digits = _account_digits(account, "Корреспондентский счёт", field)
    if not digits.startswith("301"):
        raise ValidationError("Корреспондентский счёт должен начинаться с 301", field=field)
    if not _account_key_valid("0" + bik_digits[4:6], digits):
        raise ValidationError(
            "Неверный контрольный ключ корреспондентского счёта: проверьте номер счёта и БИК, нет ли опечатки",
            field=field,
        )
    return digits


# --- Contacts, names, levels -----------------------------------------------------------


def validate_email(value: str | None, *, field: str = "email") -> str:
    """E-mail address, lower-cased; Cyrillic domains (``.рф``) are accepted."""
    text = _text(value).lower()
    if not text:
        raise ValidationError("Адрес электронной почты не указан", field=field)
    if len(text) > _EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(text):
        raise ValidationError(
            "Адрес электронной почты указан неверно: ожидается адрес вида name@example.ru", field=field
        )
    return text


def validate_phone(value: str | None, *, field: str = "phone") -> str:
    """Russian phone number given with +7, 7 or 8; spaces, hyphens and brackets allowed. Returns ``+7XXXXXXXXXX``.

    Ten digits without a prefix are refused: an 11-digit number with one digit lost would
    otherwise pass as a different, valid-looking number.
    """
    text = _text(value)
    if not text:
        raise ValidationError("Номер телефона не указан", field=field)
    digits = re.sub(r"[^0-9]", "", text)
    if not _PHONE_ALLOWED.fullmatch(text):
        raise ValidationError(
            "Номер телефона может содержать только цифры, «+» в начале, пробелы, дефисы и скобки", field=field
        )
    national = None
    if text.startswith("+"):
        if len(digits) == 11 and digits[0] == "7":
            national = digits[1:]
    elif len(digits) == 11 and digits[0] in "78":
        national = digits[1:]
    if national is None:
        raise ValidationError(
            "Номер телефона указан неверно: ожидается российский номер из 11 цифр, "
            "начинающийся с +7 или 8, например +7 912 345-67-89",
            field=field,
        )
    return "+7" + national


def _is_cyrillic_letter(char: str) -> bool:
    return char.isalpha() and unicodedata.name(char, "").startswith("CYRILLIC")


def validate_person_name_part(value: str | None, field: str) -> str:
    """Surname, first name or patronymic: Cyrillic letters joined by single hyphens, spaces or apostrophes."""
    label = _NAME_LABELS.get(field, "Поле")
    text = " ".join(_text(value).split())
    if not text:
        raise ValidationError(f"{label}: значение не указано", field=field)
    if not all(_is_cyrillic_letter(char) or char in _NAME_SEPARATORS for char in text):
        raise ValidationError(
            f"{label}: допускаются только буквы кириллицы, дефис, пробел и апостроф", field=field
        )
    if text[0] in _NAME_SEPARATORS or text[-1] in _NAME_SEPARATORS or any(
        a in _NAME_SEPARATORS and b in _NAME_SEPARATORS for a, b in zip(text, text[1:])
    ):
        raise ValidationError(
            f"{label}: должно начинаться и заканчиваться буквой, дефисы, пробелы и апострофы не могут стоять подряд",
            field=field,
        )
    return text


def validate_qualification_level(value: int | str | None, *, field: str = "qualification_level") -> int:
    """Qualification level: an integer from 1 to 9 (a form may send it as a string)."""
    message = "Уровень квалификации должен быть целым числом от 1 до 9"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValidationError("Уровень квалификации не указан", field=field)
        if not _ASCII_DIGITS.fullmatch(text):
            raise ValidationError(message, field=field)
        value = int(text)
    if value is None:
        raise ValidationError("Уровень квалификации не указан", field=field)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise ValidationError(message, field=field)
    return value
