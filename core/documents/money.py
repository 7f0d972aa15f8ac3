"""Amounts as Russian documents print them: «15 200,50» and «Пятнадцать тысяч двести рублей 50 копеек».

A счёт and a договор must state the sum in words as well as in figures (a typo in the
figures is then caught by whoever reads the words), so the words are exact: feminine
«одна тысяча, две тысячи», masculine «один рубль, два миллиона», and the right plural of
every unit. Kopecks stay in figures, as accountants write them.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.russian import plural_form

_KOPECK = Decimal("0.01")
_LIMIT = 10 ** 12  # up to 999 999 999 999,99: billions are the largest unit we name

_ONES_MASCULINE = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_ONES_FEMININE = ("", "одна", "две") + _ONES_MASCULINE[3:]
_TEENS = ("десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
          "семнадцать", "восемнадцать", "девятнадцать")
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
         "девяносто")
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
             "девятьсот")
# (forms for 1, 2–4, 5–20; feminine?) from the smallest group up
_SCALES = (
    (("", "", ""), False),
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
)
RUBLE_FORMS = ("рубль", "рубля", "рублей")
KOPECK_FORMS = ("копейка", "копейки", "копеек")


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """Pick the form for `n`: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль."""
    return plural_form(n, forms)


def _triad_words(n: int, feminine: bool) -> list[str]:
    """Words of 0..999; the unit word's gender decides «один/одна», «два/две»."""
    words = [_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words.append(_TENS[rest // 10])
        words.append((_ONES_FEMININE if feminine else _ONES_MASCULINE)[rest % 10])
    return [w for w in words if w]


def number_in_words(n: int, *, feminine: bool = False) -> str:
    """Cardinal number in words, lower case: 21 500 → «двадцать одна тысяча пятьсот» (for n < 10¹²)."""
    if not 0 <= n < _LIMIT:
        raise ValueError(f"number out of range: {n}")
    if n == 0:
        return "ноль"
    words: list[str] = []
    for index, (forms, scale_feminine) in enumerate(_SCALES):
        triad = n // 1000 ** index % 1000
        if not triad:
            continue
        part = _triad_words(triad, feminine if index == 0 else scale_feminine)
        if index:
            part.append(plural(triad, forms))
        words[:0] = part
    return " ".join(words)


def to_kopecks(amount: Decimal | int | str) -> int:
    """Whole kopecks of an amount, rounded half up (what a payment order carries)."""
    return int((Decimal(str(amount)).quantize(_KOPECK, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def amount_in_words(amount: Decimal) -> str:
    """«Пятнадцать тысяч двести рублей 50 копеек» for Decimal("15200.50")."""
    kopecks = to_kopecks(amount)
    if kopecks < 0:
        raise ValueError("Сумма прописью не может быть отрицательной")
    rubles, rest = divmod(kopecks, 100)
    text = f"{number_in_words(rubles)} {plural(rubles, RUBLE_FORMS)} {rest:02d} {plural(rest, KOPECK_FORMS)}"
    return text[0].upper() + text[1:]


def format_amount(amount: Decimal) -> str:
    """«15 200,50»: thousands split by spaces, a decimal comma, always two kopeck digits."""
    kopecks = to_kopecks(amount)
    sign = "-" if kopecks < 0 else ""
    rubles, rest = divmod(abs(kopecks), 100)
    return f"{sign}{rubles:,}".replace(",", " ") + f",{rest:02d}"
