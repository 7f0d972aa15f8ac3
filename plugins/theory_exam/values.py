"""Answers as the station sends them: checked against the question's own ids and shape.

Shapes (docs/kos-format.md): single ``"a"``, multiple ``["a", "c"]``, matching ``{"p1": "p2"}``,
ordering ``["c", "a", "b"]``, text ``"ответ"``, number ``"12,5"``; ``None`` clears an answer.
The same checks serve the kiosk and the trial exam, and JSON and plain form posts alike.
"""
from __future__ import annotations

from typing import Any, Mapping

from core.exceptions import ValidationError
from plugins.theory_exam.providers import is_given, parse_number

MAX_TEXT = 500
MAX_NUMBER = 50
HINTS = {
    "single": "Выберите один вариант ответа.",
    "multiple": "Выберите все верные варианты ответа.",
    "matching": "Для каждого пункта слева выберите соответствующий пункт справа.",
    "ordering": "Укажите место каждого пункта: 1 — первый.",
    "text": "Введите ответ словом или словосочетанием.",
    "number": "Введите число; дробную часть отделяйте запятой.",
}


def find_question(data: Mapping[str, Any], question_id: Any) -> dict[str, Any] | None:
    """The variant's question with this id, or None (ids of other variants are not found)."""
    if not isinstance(question_id, str):
        return None
    return next((q for q in data.get("questions", []) if q["id"] == question_id), None)


def public(question: Mapping[str, Any]) -> dict[str, Any]:
    """The question as the candidate may see it: everything but the key."""
    return {name: value for name, value in question.items() if name != "key"}


def _ids(question: Mapping[str, Any], part: str) -> list[str]:
    return [item["id"] for item in question.get(part, [])]


def check_value(question: Mapping[str, Any], value: Any) -> Any:
    """The response in its stored shape, or a Russian `ValidationError`; blank → None (cleared)."""
    kind = question["type"]
    if value is None or not is_given(value):
        return None
    if kind == "single":
        if not isinstance(value, str) or value not in _ids(question, "options"):
            raise ValidationError("Выберите один из предложенных вариантов.")
        return value
    if kind == "multiple":
        options = _ids(question, "options")
        if (not isinstance(value, list) or not all(isinstance(v, str) for v in value)
                or not set(value) <= set(options) or len(set(value)) != len(value)):
            raise ValidationError("Отметьте варианты из предложенных.")
        return [o for o in options if o in value]
    if kind == "matching":
        left, right = _ids(question, "left"), _ids(question, "right")
        if (not isinstance(value, dict) or not set(value) <= set(left)
                or not all(v is None or v == "" or v in right for v in value.values())):
            raise ValidationError("Выбирайте соответствия только из предложенных.")
        pairs = {k: value[k] for k in left if value.get(k)}
        return pairs or None
    if kind == "ordering":
        items = _ids(question, "items")
        if not isinstance(value, list) or sorted(map(str, value)) != sorted(items) or len(value) != len(items):
            raise ValidationError("Расставьте все пункты по местам, не повторяя места.")
        return [str(v) for v in value]
    if kind == "text":
        if not isinstance(value, str):
            raise ValidationError("Ответ должен быть текстом.")
        if len(value) > MAX_TEXT:
            raise ValidationError(f"Ответ длиннее {MAX_TEXT} знаков.")
        return value.strip()
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError("Введите число.")
        text = str(value).strip()
        if len(text) > MAX_NUMBER or parse_number(text) is None:
            raise ValidationError("Введите число, например 12,5.")
        return text
    raise ValidationError("Неизвестный тип вопроса.")


def form_value(question: Mapping[str, Any], form: Mapping[str, Any]) -> Any:
    """The raw response of a plain form post (no JavaScript), before `check_value`.

    Fields: ``value`` (repeated for checkboxes), ``pair.<left id>`` for matching and
    ``place.<item id>`` (1…n) for ordering.
    """
    kind = question["type"]
    raw = form.get("value")
    if kind == "multiple":
        return [str(v) for v in (raw if isinstance(raw, list) else [raw] if raw else [])]
    if isinstance(raw, list):
        raw = raw[-1] if raw else ""
    if kind == "matching":
        return {left: _last(form.get(f"pair.{left}")) for left in _ids(question, "left")}
    if kind == "ordering":
        places = {item: _last(form.get(f"place.{item}")) for item in _ids(question, "items")}
        if not any(places.values()):
            return None
        try:
            numbers = {item: int(place) for item, place in places.items()}
        except (TypeError, ValueError):
            raise ValidationError("Укажите место для каждого пункта.") from None
        if sorted(numbers.values()) != list(range(1, len(numbers) + 1)):
            raise ValidationError("Расставьте все пункты по местам, не повторяя места.")
        return sorted(numbers, key=numbers.__getitem__)
    return raw if raw is None else str(raw)


def _last(value: Any) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "").strip()


def places_of(value: Any) -> dict[str, int]:
    """Ordering response → item id → its place (1-based), to pre-select the «место» lists."""
    return {item: n for n, item in enumerate(value, start=1)} if isinstance(value, list) else {}


def right_answer_text(question: Mapping[str, Any]) -> str:
    """The key in words, for the trial exam's review (never for a real attempt)."""
    key, kind = question["key"], question["type"]
    texts = {item["id"]: item["text"] for part in ("options", "items", "right") for item in question.get(part, [])}
    if kind == "single":
        return texts.get(key["correct"], "")
    if kind == "multiple":
        return "; ".join(texts.get(k, "") for k in key["correct"])
    if kind == "matching":
        left = {item["id"]: item["text"] for item in question.get("left", [])}
        return "; ".join(f"{left[k]} — {texts.get(v, '')}" for k, v in key["pairs"].items() if k in left)
    if kind == "ordering":
        return " → ".join(texts.get(k, "") for k in key["order"])
    if kind == "text":
        return " или ".join(key["answers"])
    if kind == "number":
        tolerance = key.get("tolerance") or 0
        answer = str(key["answer"]).replace(".", ",")
        return f"{answer} (допускается ± {str(tolerance).replace('.', ',')})" if tolerance else answer
    return ""
