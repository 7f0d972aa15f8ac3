"""Amounts in figures and in words, as the invoice and the contract print them."""
from decimal import Decimal

import pytest

from core.documents.money import amount_in_words, format_amount, number_in_words, plural, to_kopecks


@pytest.mark.parametrize("amount, words", [
    ("15200.50", "Пятнадцать тысяч двести рублей 50 копеек"),
    ("0", "Ноль рублей 00 копеек"),
    ("0.01", "Ноль рублей 01 копейка"),
    ("1", "Один рубль 00 копеек"),
    ("2.02", "Два рубля 02 копейки"),
    ("5.05", "Пять рублей 05 копеек"),
    ("11.11", "Одиннадцать рублей 11 копеек"),
    ("21.21", "Двадцать один рубль 21 копейка"),
    ("112.14", "Сто двенадцать рублей 14 копеек"),
    ("1000", "Одна тысяча рублей 00 копеек"),
    ("2000", "Две тысячи рублей 00 копеек"),
    ("5000", "Пять тысяч рублей 00 копеек"),
    ("11000", "Одиннадцать тысяч рублей 00 копеек"),
    ("21000", "Двадцать одна тысяча рублей 00 копеек"),
    ("22400", "Двадцать две тысячи четыреста рублей 00 копеек"),
    ("45601.50", "Сорок пять тысяч шестьсот один рубль 50 копеек"),
    ("1001001", "Один миллион одна тысяча один рубль 00 копеек"),
    ("2000000", "Два миллиона рублей 00 копеек"),
    ("5312000.99", "Пять миллионов триста двенадцать тысяч рублей 99 копеек"),
    ("1000000000", "Один миллиард рублей 00 копеек"),
    ("2000000001", "Два миллиарда один рубль 00 копеек"),
    ("999999999999.99", "Девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов "
                        "девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_kopecks_round_half_up():
    assert to_kopecks(Decimal("112.345")) == 11235
    assert amount_in_words(Decimal("0.005")) == "Ноль рублей 01 копейка"
    assert amount_in_words(Decimal("99.999")) == "Сто рублей 00 копеек"


def test_out_of_range_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))
    with pytest.raises(ValueError):
        amount_in_words(Decimal("1000000000000"))


@pytest.mark.parametrize("n, form", [(1, "рубль"), (2, "рубля"), (4, "рубля"), (5, "рублей"), (11, "рублей"),
                                     (12, "рублей"), (14, "рублей"), (21, "рубль"), (22, "рубля"), (100, "рублей"),
                                     (101, "рубль"), (111, "рублей")])
def test_plural(n, form):
    assert plural(n, ("рубль", "рубля", "рублей")) == form


def test_number_in_words_gender():
    assert number_in_words(2) == "два"
    assert number_in_words(2, feminine=True) == "две"
    assert number_in_words(1_002_001, feminine=True) == "один миллион две тысячи одна"


@pytest.mark.parametrize("amount, text", [
    ("15200.50", "15 200,50"), ("0", "0,00"), ("7", "7,00"), ("999.9", "999,90"), ("1000", "1 000,00"),
    ("1234567.891", "1 234 567,89"), ("-15200.5", "-15 200,50"),
])
def test_format_amount(amount, text):
    assert format_amount(Decimal(amount)) == text
