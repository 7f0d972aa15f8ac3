"""Russian plural forms: «1 пакет», «2 пакета», «5 пакетов», «21 рубль», «1,5 балла»."""
from __future__ import annotations


def plural_form(n: int, forms: tuple[str, str, str]) -> str:
    """The form for `n`: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль."""
    n = abs(int(n)) % 100
    if 11 <= n <= 19:
        return forms[2]
    last = n % 10
    if last == 1:
        return forms[0]
    if 2 <= last <= 4:
        return forms[1]
    return forms[2]


def plural(n: int | float, one: str, few: str, many: str) -> str:
    """The number with its word; a fraction takes the «few» form («1,5 балла»)."""
    shown = str(n).replace(".", ",")
    if not float(n).is_integer():
        return f"{shown} {few}"
    return f"{shown} {plural_form(int(n), (one, few, many))}"
