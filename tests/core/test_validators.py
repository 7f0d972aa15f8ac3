"""Tests of core.validators.

Every "valid" example is re-derived here by helpers written independently of the module
(different formulation of each official algorithm), so a wrong constant in the test or a
wrong algorithm in the module cannot make the tests pass by agreeing with each other.
"""

from __future__ import annotations

import random

import pytest

from core.exceptions import ValidationError
from core.validators import (
    format_snils,
    validate_bik,
    validate_correspondent_account,
    validate_email,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_ogrnip,
    validate_person_name_part,
    validate_phone,
    validate_qualification_level,
    validate_settlement_account,
    validate_snils,
)

# --- independent reference implementations ---------------------------------------------


def ref_inn_digit(prefix: str, weights: list[int]) -> str:
    """Check digit: remainder of the weighted sum by 11; a remainder of 10 gives 0."""
    total = 0
    for position, weight in enumerate(weights):
        total += weight * int(prefix[position])
    remainder = total - 11 * (total // 11)
    return "0" if remainder == 10 else str(remainder)


def ref_inn_valid(inn: str) -> bool:
    if len(inn) == 10:
        return inn[9] == ref_inn_digit(inn, [2, 4, 10, 3, 5, 9, 4, 6, 8])
    n11 = ref_inn_digit(inn, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    n12 = ref_inn_digit(inn[:10] + n11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return inn[10:] == n11 + n12


def ref_ogrn_valid(ogrn: str) -> bool:
    """Long division, digit by digit, instead of converting to int."""
    modulus = 11 if len(ogrn) == 13 else 13
    remainder = 0
    for char in ogrn[:-1]:
        remainder = (remainder * 10 + int(char)) % modulus
    return str(remainder)[-1] == ogrn[-1]


def ref_snils_control(first_nine: str) -> str:
    total = sum(int(first_nine[i]) * (9 - i) for i in range(9))
    while True:
        if total < 100:
            return f"{total:02d}"
        if total in (100, 101):
            return "00"
        total = total % 101


def ref_account_key(prefix: str, account: str) -> str:
    """ЦБ РФ method of computing the key: zero the key digit (9th of the account), sum the
    last digits of the products with weights 7,1,3, multiply the last digit of the sum by 3."""
    digits = prefix + account[:8] + "0" + account[9:]
    weights = [7, 1, 3] * 8
    total = sum((int(d) * w) % 10 for d, w in zip(digits, weights))
    return str((total % 10) * 3 % 10)


def with_digit_changed(value: str, position: int) -> str:
    replacement = "1" if value[position] != "1" else "2"
    return value[:position] + replacement + value[position + 1 :]


def expect_error(func, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return info.value


# --- ИНН -------------------------------------------------------------------------------

VALID_INN_10 = ["7707083893", "7736050003", "7702070139"]  # Сбербанк, Газпром, ВТБ
VALID_INN_12 = ["500100732259", "773175446317"]


@pytest.mark.parametrize("inn", VALID_INN_10 + VALID_INN_12)
def test_reference_agrees_valid_inn(inn: str) -> None:
    assert ref_inn_valid(inn)


@pytest.mark.parametrize("inn", VALID_INN_10 + VALID_INN_12)
def test_valid_inn(inn: str) -> None:
    assert validate_inn(inn) == inn
    assert validate_inn(f"  {inn} \t") == inn


@pytest.mark.parametrize("inn", VALID_INN_10)
def test_inn_legal_kind(inn: str) -> None:
    assert validate_inn(inn, kind="legal") == inn
    error = expect_error(validate_inn, inn, kind="person")
    assert str(error) == "ИНН физического лица или ИП должен состоять из 12 цифр; введено цифр: 10"
    assert error.field == "inn"


@pytest.mark.parametrize("inn", VALID_INN_12)
def test_inn_person_kind(inn: str) -> None:
    assert validate_inn(inn, kind="person") == inn
    error = expect_error(validate_inn, inn, kind="legal")
    assert str(error) == "ИНН организации должен состоять из 10 цифр; введено цифр: 12"


@pytest.mark.parametrize(
    "inn",
    [
        "7707083894",  # check digit changed
        "7707083393",  # middle digit changed
        "500100732258",  # second check digit changed
        "500100732249",  # first check digit changed
        "500110732259",  # middle digit changed
    ],
)
def test_inn_wrong_checksum(inn: str) -> None:
    assert not ref_inn_valid(inn)
    error = expect_error(validate_inn, inn)
    assert str(error) == "Неверная контрольная сумма ИНН: проверьте, нет ли опечатки"
    assert error.field == "inn"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "ИНН не указан"),
        ("   ", "ИНН не указан"),
        (None, "ИНН не указан"),
        ("77070838", "ИНН должен состоять из 10 цифр (организация) или 12 цифр (физическое лицо или ИП); введено цифр: 8"),
        ("77070838930", "ИНН должен состоять из 10 цифр (организация) или 12 цифр (физическое лицо или ИП); введено цифр: 11"),
        ("77O7083893", "ИНН должен содержать только цифры"),  # Latin O instead of zero
        ("7707 083893", "ИНН должен содержать только цифры"),
        ("７７０７０８３８９３", "ИНН должен содержать только цифры"),  # full-width digits
    ],
)
def test_inn_malformed(value: str | None, message: str) -> None:
    error = expect_error(validate_inn, value)
    assert str(error) == message
    assert error.message == message
    assert error.field == "inn"


def test_inn_custom_field_and_bad_kind() -> None:
    assert expect_error(validate_inn, "1", field="org_inn").field == "org_inn"
    with pytest.raises(ValueError):
        validate_inn("7707083893", kind="company")


# --- КПП -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("773601001", "773601001"), (" 7736ab001 ", "7736AB001"), ("7707AF001", "7707AF001")])
def test_valid_kpp(value: str, expected: str) -> None:
    assert validate_kpp(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "КПП не указан"),
        ("77360100", "КПП должен состоять из 9 символов; введено символов: 8"),
        ("7736010011", "КПП должен состоять из 9 символов; введено символов: 10"),
        ("7736АБ001", "КПП указан неверно: ожидаются 4 цифры, затем 2 цифры или заглавные латинские буквы, затем 3 цифры"),
        ("A73601001", "КПП указан неверно: ожидаются 4 цифры, затем 2 цифры или заглавные латинские буквы, затем 3 цифры"),
        ("77360100A", "КПП указан неверно: ожидаются 4 цифры, затем 2 цифры или заглавные латинские буквы, затем 3 цифры"),
    ],
)
def test_kpp_malformed(value: str, message: str) -> None:
    error = expect_error(validate_kpp, value)
    assert str(error) == message
    assert error.field == "kpp"


# --- ОГРН / ОГРНИП ---------------------------------------------------------------------

VALID_OGRN = ["1027700132195", "1027700070518", "1027739609391"]  # Сбербанк, Газпром, ВТБ
VALID_OGRNIP = ["304500116000157", "316774600000010"]


@pytest.mark.parametrize("ogrn", VALID_OGRN + VALID_OGRNIP)
def test_reference_agrees_valid_ogrn(ogrn: str) -> None:
    assert ref_ogrn_valid(ogrn)


@pytest.mark.parametrize("ogrn", VALID_OGRN)
def test_valid_ogrn(ogrn: str) -> None:
    assert validate_ogrn(ogrn) == ogrn
    assert validate_ogrn(f" {ogrn} ", kind="legal") == ogrn
    error = expect_error(validate_ogrnip, ogrn)
    assert str(error) == "ОГРНИП должен состоять из 15 цифр; введено цифр: 13"
    assert error.field == "ogrn"


@pytest.mark.parametrize("ogrnip", VALID_OGRNIP)
def test_valid_ogrnip(ogrnip: str) -> None:
    assert validate_ogrnip(ogrnip) == ogrnip
    assert validate_ogrn(ogrnip) == ogrnip
    assert validate_ogrn(ogrnip, kind="ip") == ogrnip
    error = expect_error(validate_ogrn, ogrnip, kind="legal")
    assert str(error) == "ОГРН организации должен состоять из 13 цифр; введено цифр: 15"


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("1027700132196", "ОГРН"),
        ("1027700182195", "ОГРН"),
        ("304500116000158", "ОГРНИП"),
        ("304500116100157", "ОГРНИП"),
    ],
)
def test_ogrn_wrong_checksum(value: str, what: str) -> None:
    assert not ref_ogrn_valid(value)
    error = expect_error(validate_ogrn, value)
    assert str(error) == f"Неверная контрольная сумма {what}: проверьте, нет ли опечатки"
    assert error.field == "ogrn"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "ОГРН не указан"),
        ("102770013219", "ОГРН должен состоять из 13 цифр (организация) или 15 цифр (ОГРНИП индивидуального предпринимателя); введено цифр: 12"),
        ("10277001321950", "ОГРН должен состоять из 13 цифр (организация) или 15 цифр (ОГРНИП индивидуального предпринимателя); введено цифр: 14"),
        ("1027700I32195", "ОГРН должен содержать только цифры"),
    ],
)
def test_ogrn_malformed(value: str, message: str) -> None:
    error = expect_error(validate_ogrn, value)
    assert str(error) == message
    assert error.field == "ogrn"


def test_ogrnip_malformed_and_bad_kind() -> None:
    assert str(expect_error(validate_ogrnip, "")) == "ОГРНИП не указан"
    assert str(expect_error(validate_ogrnip, "30450011600015x")) == "ОГРНИП должен содержать только цифры"
    with pytest.raises(ValueError):
        validate_ogrn("1027700132195", kind="person")


# --- СНИЛС -----------------------------------------------------------------------------

# (value, weighted sum of the first nine digits) — covers every branch of the rule
VALID_SNILS = [
    ("112-233-445 95", 95),  # sum < 100: the sum itself
    ("100-582-052 99", 99),
    ("050-234-316 00", 100),  # 100 -> 00
    ("016-103-396 00", 101),  # 101 -> 00
    ("136-571-200 49", 150),  # > 101: sum mod 101
    ("820-981-233 00", 201),  # > 101 and mod 101 == 100 -> 00
    ("913-702-858 00", 202),  # > 101 and mod 101 == 0
    ("001-001-999 65", 65),  # first number that has a checksum
]


@pytest.mark.parametrize(("snils", "total"), VALID_SNILS)
def test_reference_agrees_valid_snils(snils: str, total: int) -> None:
    digits = snils.replace("-", "").replace(" ", "")
    assert sum(int(digits[i]) * (9 - i) for i in range(9)) == total
    assert ref_snils_control(digits[:9]) == digits[9:]


@pytest.mark.parametrize(("snils", "total"), VALID_SNILS)
def test_valid_snils(snils: str, total: int) -> None:
    digits = snils.replace("-", "").replace(" ", "")
    assert validate_snils(snils) == digits
    assert validate_snils(digits) == digits
    assert validate_snils(f" {digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]} ") == digits
    assert format_snils(digits) == snils


@pytest.mark.parametrize("snils", ["001-001-998 00", "001-001-998 77", "000-000-001 13", "00000000099"])
def test_snils_below_threshold_has_no_checksum(snils: str) -> None:
    assert validate_snils(snils) == snils.replace("-", "").replace(" ", "")


@pytest.mark.parametrize(
    "snils",
    ["112-233-445 96", "112-233-455 95", "001-001-999 64", "050-234-316 01", "136-571-200 50", "820-981-233 99"],
)
def test_snils_wrong_checksum(snils: str) -> None:
    digits = snils.replace("-", "").replace(" ", "")
    assert ref_snils_control(digits[:9]) != digits[9:]
    error = expect_error(validate_snils, snils)
    assert str(error) == "Неверная контрольная сумма СНИЛС: проверьте, нет ли опечатки"
    assert error.field == "snils"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "СНИЛС не указан"),
        (" - ", "СНИЛС должен содержать только цифры, пробелы и дефисы"),
        ("112-233-445 9", "СНИЛС должен состоять из 11 цифр; введено цифр: 10"),
        ("112-233-445 955", "СНИЛС должен состоять из 11 цифр; введено цифр: 12"),
        ("112/233/445 95", "СНИЛС должен содержать только цифры, пробелы и дефисы"),
        ("112-233-44Б 95", "СНИЛС должен содержать только цифры, пробелы и дефисы"),
    ],
)
def test_snils_malformed(value: str, message: str) -> None:
    error = expect_error(validate_snils, value)
    assert str(error) == message
    assert error.field == "snils"


def test_format_snils_requires_11_digits() -> None:
    assert format_snils("112 233 445 95") == "112-233-445 95"
    assert str(expect_error(format_snils, "1122334459")) == "СНИЛС должен состоять из 11 цифр; введено цифр: 10"


# --- БИК and accounts ------------------------------------------------------------------

SBER_BIK = "044525225"
# made-up accounts with a correct key at real БИКs (Сбербанк Москва, Северо-Западный банк)
VALID_SETTLEMENT = [
    ("044525225", "40702810638000000000"),
    ("044525225", "40702810200000000001"),
    ("044525225", "40817810438000000001"),
    ("044030653", "40702810755000000001"),
]
VALID_CORRESPONDENT = [
    ("044525225", "30101810400000000225"),  # Сбербанк, Москва
    ("044030653", "30101810500000000653"),  # Северо-Западный банк ПАО Сбербанк
    ("044525187", "30101810700000000187"),  # Банк ВТБ
]


@pytest.mark.parametrize(("value", "expected"), [(SBER_BIK, SBER_BIK), (" 044030653 ", "044030653")])
def test_valid_bik(value: str, expected: str) -> None:
    assert validate_bik(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "БИК не указан"), ("04452522", "БИК должен состоять из 9 цифр; введено цифр: 8"), ("04452522Б", "БИК должен содержать только цифры")],
)
def test_bik_malformed(value: str, message: str) -> None:
    error = expect_error(validate_bik, value)
    assert str(error) == message
    assert error.field == "bik"


@pytest.mark.parametrize(("bik", "account"), VALID_SETTLEMENT)
def test_valid_settlement_account(bik: str, account: str) -> None:
    assert ref_account_key(bik[-3:], account) == account[8]
    assert validate_settlement_account(account, bik) == account
    spaced = f" {account[:5]} {account[5:8]} {account[8]} {account[9:13]} {account[13:]} "
    assert validate_settlement_account(spaced, bik) == account


@pytest.mark.parametrize(("bik", "account"), VALID_CORRESPONDENT)
def test_valid_correspondent_account(bik: str, account: str) -> None:
    assert ref_account_key("0" + bik[4:6], account) == account[8]
    assert validate_correspondent_account(account, bik) == account


@pytest.mark.parametrize(("bik", "account"), VALID_SETTLEMENT)
def test_settlement_account_any_single_digit_change_is_caught(bik: str, account: str) -> None:
    """Weights 7, 1, 3 are coprime with 10, so every one-digit typo changes the key."""
    for position in range(20):
        typo = with_digit_changed(account, position)
        error = expect_error(validate_settlement_account, typo, bik)
        assert str(error) == "Неверный контрольный ключ расчётного счёта: проверьте номер счёта и БИК, нет ли опечатки"
        assert error.field == "account"


def test_settlement_account_checked_against_bik() -> None:
    # 40702810938000000000 looks plausible but does not fit БИК 044525225: its key must be 6
    assert ref_account_key("225", "40702810938000000000") == "6"
    expect_error(validate_settlement_account, "40702810938000000000", SBER_BIK)
    error = expect_error(validate_settlement_account, "40702810638000000000", "044525226")
    assert error.field == "account"


@pytest.mark.parametrize(("bik", "account"), VALID_CORRESPONDENT)
def test_correspondent_account_single_digit_change_is_caught(bik: str, account: str) -> None:
    for position in range(3, 20):
        typo = with_digit_changed(account, position)
        error = expect_error(validate_correspondent_account, typo, bik)
        assert str(error) == (
            "Неверный контрольный ключ корреспондентского счёта: проверьте номер счёта и БИК, нет ли опечатки"
        )
        assert error.field == "corr_account"


def test_correspondent_account_must_start_with_301() -> None:
    # 40702810638000000000 has a correct key for БИК 044525225 as a р/с, but not a 301 prefix
    error = expect_error(validate_correspondent_account, "40702810638000000000", SBER_BIK)
    assert str(error) == "Корреспондентский счёт должен начинаться с 301"
    assert error.field == "corr_account"


def test_correspondent_account_uses_bik_digits_5_and_6() -> None:
    # the same account checked as a р/с (last 3 digits of the БИК) does not pass
    assert ref_account_key("225", "30101810400000000225") != "4"
    expect_error(validate_settlement_account, "30101810400000000225", SBER_BIK)


@pytest.mark.parametrize(
    ("func", "label", "field"),
    [
        (validate_settlement_account, "Расчётный счёт", "account"),
        (validate_correspondent_account, "Корреспондентский счёт", "corr_account"),
    ],
)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "{label} не указан"),
        ("4070281063800000000", "{label} должен состоять из 20 цифр; введено цифр: 19"),
        ("407028106380000000000", "{label} должен состоять из 20 цифр; введено цифр: 21"),
        ("40702-810-6-38000000000", "{label} должен содержать только цифры и пробелы"),
        ("4070281063800000000O", "{label} должен содержать только цифры и пробелы"),
    ],
)
def test_accounts_malformed(func, label: str, field: str, value: str, message: str) -> None:
    error = expect_error(func, value, SBER_BIK)
    assert str(error) == message.format(label=label)
    assert error.field == field


@pytest.mark.parametrize("func", [validate_settlement_account, validate_correspondent_account])
def test_accounts_report_bad_bik_on_bik_field(func) -> None:
    error = expect_error(func, "30101810400000000225", "04452522")
    assert str(error) == "БИК должен состоять из 9 цифр; введено цифр: 8"
    assert error.field == "bik"


# --- randomised cross-check against the reference implementations ----------------------


def test_random_numbers_agree_with_reference() -> None:
    rng = random.Random(20240601)

    def digits(count: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(count))

    for _ in range(300):
        inn10 = digits(9)
        inn10 += ref_inn_digit(inn10, [2, 4, 10, 3, 5, 9, 4, 6, 8])
        assert validate_inn(inn10) == inn10
        inn12 = digits(10)
        inn12 += ref_inn_digit(inn12, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
        inn12 += ref_inn_digit(inn12, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
        assert validate_inn(inn12) == inn12

        for length in (13, 15):
            candidate = digits(length)
            if ref_ogrn_valid(candidate):
                assert validate_ogrn(candidate) == candidate
            else:
                expect_error(validate_ogrn, candidate)

        snils = digits(9)
        snils = snils + (ref_snils_control(snils) if int(snils) > 1001998 else digits(2))
        assert validate_snils(snils) == snils
        if int(snils[:9]) > 1001998:
            wrong = f"{(int(snils[9:]) + 1 + rng.randrange(98)) % 100:02d}"
            expect_error(validate_snils, snils[:9] + wrong)

        bik = "04" + digits(7)
        account = digits(8) + "0" + digits(11)
        account = account[:8] + ref_account_key(bik[-3:], account) + account[9:]
        assert validate_settlement_account(account, bik) == account
        corr = "301" + digits(5) + "0" + digits(11)
        corr = corr[:8] + ref_account_key("0" + bik[4:6], corr) + corr[9:]
        assert validate_correspondent_account(corr, bik) == corr


def test_wrong_check_digit_always_caught() -> None:
    """Changing the last digit of a valid ИНН/ОГРН/СНИЛС is always detected."""
    for valid, func in [
        *((inn, validate_inn) for inn in VALID_INN_10 + VALID_INN_12),
        *((ogrn, validate_ogrn) for ogrn in VALID_OGRN + VALID_OGRNIP),
        *((s.replace("-", "").replace(" ", ""), validate_snils) for s, _ in VALID_SNILS),
    ]:
        for digit in "0123456789":
            if digit != valid[-1]:
                expect_error(func, valid[:-1] + digit)


# --- e-mail, phone, names, qualification level -----------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ivanov@example.ru", "ivanov@example.ru"),
        ("  Ivan.Ivanov+nok@Mail.Example.COM ", "ivan.ivanov+nok@mail.example.com"),
        ("info@нок-центр.рф", "info@нок-центр.рф"),
        ("a_b-c@xn--80ak6aa92e.xn--p1ai", "a_b-c@xn--80ak6aa92e.xn--p1ai"),
    ],
)
def test_valid_email(value: str, expected: str) -> None:
    assert validate_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "ivanov",
        "ivanov@",
        "@example.ru",
        "ivanov@example",
        "ivan ov@example.ru",
        "ivanov@@example.ru",
        "ivanov@example..ru",
        ".ivanov@example.ru",
        "ivan..ov@example.ru",
        "ivanov@-example.ru",
        "иванов@example.ru",
        "ivanov@example.ru.",
        "a" * 250 + "@example.ru",
    ],
)
def test_invalid_email(value: str) -> None:
    error = expect_error(validate_email, value)
    assert str(error) == "Адрес электронной почты указан неверно: ожидается адрес вида name@example.ru"
    assert error.field == "email"


def test_empty_email() -> None:
    error = expect_error(validate_email, "  ")
    assert str(error) == "Адрес электронной почты не указан"
    assert error.field == "email"


@pytest.mark.parametrize(
    "value",
    ["+79123456789", "+7 912 345-67-89", "+7 (912) 345-67-89", "8 (912) 345-67-89", "89123456789", "79123456789", " 8-912-345-67-89 "],
)
def test_valid_phone(value: str) -> None:
    assert validate_phone(value) == "+79123456789"


@pytest.mark.parametrize(
    "value",
    [
        "9123456789",  # no country prefix: could be an 11-digit number with a lost digit
        "+89123456789",
        "+7912345678",
        "891234567890",
        "69123456789",
        "+1 212 555-12-34",
    ],
)
def test_invalid_phone(value: str) -> None:
    error = expect_error(validate_phone, value)
    assert str(error) == (
        "Номер телефона указан неверно: ожидается российский номер из 11 цифр, "
        "начинающийся с +7 или 8, например +7 912 345-67-89"
    )
    assert error.field == "phone"


@pytest.mark.parametrize(("value", "message"), [
    ("", "Номер телефона не указан"),
    ("8 912 345 67 89 доб. 12", "Номер телефона может содержать только цифры, «+» в начале, пробелы, дефисы и скобки"),
    ("8912345678+9", "Номер телефона может содержать только цифры, «+» в начале, пробелы, дефисы и скобки"),
])
def test_phone_malformed(value: str, message: str) -> None:
    error = expect_error(validate_phone, value)
    assert str(error) == message
    assert error.field == "phone"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Иванов", "Иванов"),
        ("  Салтыков-Щедрин ", "Салтыков-Щедрин"),
        ("Ёлкина", "Ёлкина"),
        ("Д'Артаньян", "Д'Артаньян"),
        ("Д’Артаньян", "Д’Артаньян"),
        ("Анна  Мария", "Анна Мария"),
        ("Оглы", "Оглы"),
    ],
)
def test_valid_person_name_part(value: str, expected: str) -> None:
    assert validate_person_name_part(value, "last_name") == expected


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("", "last_name", "Фамилия: значение не указано"),
        ("  ", "first_name", "Имя: значение не указано"),
        ("Ivanov", "last_name", "Фамилия: допускаются только буквы кириллицы, дефис, пробел и апостроф"),
        ("Иван0в", "last_name", "Фамилия: допускаются только буквы кириллицы, дефис, пробел и апостроф"),
        ("Иванoв", "last_name", "Фамилия: допускаются только буквы кириллицы, дефис, пробел и апостроф"),  # Latin o
        ("Петрович.", "middle_name", "Отчество: допускаются только буквы кириллицы, дефис, пробел и апостроф"),
        ("-Иванов", "last_name", "Фамилия: должно начинаться и заканчиваться буквой, дефисы, пробелы и апострофы не могут стоять подряд"),
        ("Иванов-", "last_name", "Фамилия: должно начинаться и заканчиваться буквой, дефисы, пробелы и апострофы не могут стоять подряд"),
        ("Салтыков--Щедрин", "last_name", "Фамилия: должно начинаться и заканчиваться буквой, дефисы, пробелы и апострофы не могут стоять подряд"),
        ("Салтыков - Щедрин", "last_name", "Фамилия: должно начинаться и заканчиваться буквой, дефисы, пробелы и апострофы не могут стоять подряд"),
        ("Ivan", "nickname", "Поле: допускаются только буквы кириллицы, дефис, пробел и апостроф"),
    ],
)
def test_invalid_person_name_part(value: str, field: str, message: str) -> None:
    error = expect_error(validate_person_name_part, value, field)
    assert str(error) == message
    assert error.field == field


@pytest.mark.parametrize(("value", "expected"), [(1, 1), (9, 9), ("5", 5), (" 4 ", 4)])
def test_valid_qualification_level(value: int | str, expected: int) -> None:
    assert validate_qualification_level(value) == expected


@pytest.mark.parametrize("value", [0, 10, -1, "0", "10", "5.0", "пять", 4.0, True])
def test_invalid_qualification_level(value: object) -> None:
    error = expect_error(validate_qualification_level, value)
    assert str(error) == "Уровень квалификации должен быть целым числом от 1 до 9"
    assert error.field == "qualification_level"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_missing_qualification_level(value: str | None) -> None:
    error = expect_error(validate_qualification_level, value)
    assert str(error) == "Уровень квалификации не указан"
    assert error.field == "qualification_level"
