"""Small field checks shared by the КОС validator and importers; each error names its item.

`where` is the item as a person reads it («Вопрос s1-q7», «Задание t1, критерий c2»), so every
message is «<where>: <what is wrong>» and the ЦОК operator finds the place in the file at once.
"""
from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

from core.exceptions import ValidationError
from core.russian import plural  # noqa: F401 (re-exported for the КОС readers)

ID_RE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
MAX_TEXT = 20_000


def fail(where: str, message: str) -> ValidationError:
    return ValidationError(f"{where}: {message}" if where else message, field="file")


def mapping(value: Any, where: str, what: str = "ожидается объект { … }") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(where, what)
    return value


def known_keys(value: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Refuse unknown fields: a typo («corect») must not be dropped silently."""
    unknown = [key for key in value if key not in allowed]
    if unknown:
        raise fail(where, f"неизвестное поле «{unknown[0]}» (допустимы: {', '.join(allowed)})")


def item_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        shown = value if isinstance(value, str) else "не указан" if value is None else repr(value)
        raise fail(where, f"идентификатор «{shown}» недопустим: нужны латинские буквы, цифры, «_», «.», «-» "
                          "(от 1 до 64 символов)")
    return value


def unique_ids(items: list[dict[str, Any]], where: str, what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item["id"] in seen:
            raise fail(where, f"{what} «{item['id']}» повторяется")
        seen.add(item["id"])


def text(value: Any, where: str, field: str, *, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(where, f"поле {field} должно быть непустой строкой")
    value = value.strip()
    if len(value) > limit:
        raise fail(where, f"поле {field} длиннее {limit} символов")
    return value


def optional_text(value: Any, where: str, field: str) -> str:
    if value is None or value == "":
        return ""
    return text(value, where, field)


def text_list(value: Any, where: str, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(where, f"поле {field} должно быть списком строк")
    return [text(item, where, f"{field}[{n}]", limit=2000) for n, item in enumerate(value, start=1)]


def number(value: Any, where: str, field: str, *, positive: bool = False, non_negative: bool = False) -> int | float:
    """A JSON number (not a bool or a string); integral floats become ints, so 1.0 and 1 are one value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(where, f"{field} должен быть {_number_words(positive, non_negative)}")
    if (positive and value <= 0) or (non_negative and value < 0):
        raise fail(where, f"{field} должен быть {_number_words(positive, non_negative)}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def integer(value: Any, where: str, field: str, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(where, f"{field} должен быть целым числом от {low} до {high}")
    return value


def _number_words(positive: bool, non_negative: bool) -> str:
    if positive:
        return "положительным числом"
    if non_negative:
        return "неотрицательным числом"
    return "числом"





class Bank(NamedTuple):
    """What a QTI package or a Moodle XML file gives: the question bank in sections, and maybe a title."""

    sections: list[dict[str, Any]]
    title: str | None = None
