"""One КОС question of any of the six types, checked and normalised (docs/kos-format.md, QUESTION).

Every question must be scorable by key alone — the kiosk compares the response with it and
gives all the points or none — so a question without an unambiguous key is refused here,
whichever format it came from.
"""
from __future__ import annotations

from typing import Any

from core.kos.checks import fail, item_id, known_keys, mapping, number, text, unique_ids

TYPE_TITLES = {
    "single": "с одним ответом",
    "multiple": "с несколькими ответами",
    "matching": "на соответствие",
    "ordering": "на упорядочение",
    "text": "с кратким ответом",
    "number": "с числовым ответом",
}
COMMON = ("id", "type", "text", "points")
FIELDS = {
    "single": COMMON + ("options",),
    "multiple": COMMON + ("options",),
    "matching": COMMON + ("pairs",),
    "ordering": COMMON + ("items",),
    "text": COMMON + ("answers",),
    "number": COMMON + ("answer", "tolerance"),
}
MAX_CHOICES = 50


def question_label(raw: Any, fallback: str) -> str:
    """«Вопрос s1-q7» when the id is usable, else the position («Раздел s1, вопрос № 3»)."""
    qid = raw.get("id") if isinstance(raw, dict) else None
    return f"Вопрос {qid}" if isinstance(qid, str) and qid.strip() else fallback


def validate_question(raw: Any, fallback: str) -> dict[str, Any]:
    where = question_label(raw, fallback)
    raw = mapping(raw, where)
    qid = item_id(raw.get("id"), where)
    kind = raw.get("type")
    if kind not in TYPE_TITLES:
        raise fail(where, f"неизвестный тип «{kind}» (допустимы: {', '.join(TYPE_TITLES)})")
    known_keys(raw, FIELDS[kind], where)
    out: dict[str, Any] = {"id": qid, "type": kind, "text": text(raw.get("text"), where, "text"),
                           "points": number(raw.get("points", 1), where, "points", positive=True)}
    out.update(_BY_TYPE[kind](raw, where))
    return out


def _list(raw: dict[str, Any], key: str, where: str, what: str) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list) or len(value) < 2:
        raise fail(where, f"нужно не меньше двух {what} в поле {key}")
    if len(value) > MAX_CHOICES:
        raise fail(where, f"в поле {key} больше {MAX_CHOICES} элементов")
    return value


def _options(raw: dict[str, Any], where: str) -> list[dict[str, Any]]:
    options = []
    for n, option in enumerate(_list(raw, "options", where, "вариантов ответа"), start=1):
        at = f"{where}, вариант № {n}"
        option = mapping(option, at)
        known_keys(option, ("id", "text", "correct"), at)
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            raise fail(at, "поле correct должно быть true или false")
        options.append({"id": item_id(option.get("id"), at), "text": text(option.get("text"), at, "text"),
                        "correct": correct})
    unique_ids(options, where, "вариант ответа")
    return options


def _single(raw: dict[str, Any], where: str) -> dict[str, Any]:
    options = _options(raw, where)
    correct = sum(o["correct"] for o in options)
    if correct == 0:
        raise fail(where, "нет правильного варианта ответа")
    if correct > 1:
        raise fail(where, f"в вопросе с одним ответом должен быть ровно один правильный вариант, а отмечено {correct}")
    return {"options": options}


def _multiple(raw: dict[str, Any], where: str) -> dict[str, Any]:
    options = _options(raw, where)
    if not any(o["correct"] for o in options):
        raise fail(where, "нет правильного варианта ответа")
    return {"options": options}


def _entries(raw: dict[str, Any], key: str, where: str, plural_what: str, label: str,
             fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Pairs of a matching question or items of an ordering one: id plus non-empty text fields."""
    entries = []
    for n, entry in enumerate(_list(raw, key, where, plural_what), start=1):
        at = f"{where}, {label} № {n}"
        entry = mapping(entry, at)
        known_keys(entry, ("id", *fields), at)
        entries.append({"id": item_id(entry.get("id"), at), **{f: text(entry.get(f), at, f) for f in fields}})
    unique_ids(entries, where, label)
    return entries


def _matching(raw: dict[str, Any], where: str) -> dict[str, Any]:
    pairs = _entries(raw, "pairs", where, "пар", "пара", ("left", "right"))
    for side, name in (("left", "левый"), ("right", "правый")):
        seen: set[str] = set()
        for pair in pairs:
            if pair[side].casefold() in seen:
                raise fail(where, f"{name} элемент «{pair[side]}» повторяется: соответствие неоднозначно")
            seen.add(pair[side].casefold())
    return {"pairs": pairs}


def _ordering(raw: dict[str, Any], where: str) -> dict[str, Any]:
    return {"items": _entries(raw, "items", where, "элементов", "элемент", ("text",))}


def _text(raw: dict[str, Any], where: str) -> dict[str, Any]:
    answers = raw.get("answers")
    if not isinstance(answers, list) or not answers:
        raise fail(where, "нет правильного ответа (поле answers — список из одной или нескольких строк)")
    if len(answers) > MAX_CHOICES:
        raise fail(where, f"в поле answers больше {MAX_CHOICES} вариантов")
    return {"answers": [text(a, where, f"answers[{n}]", limit=500) for n, a in enumerate(answers, start=1)]}


def _number(raw: dict[str, Any], where: str) -> dict[str, Any]:
    if "answer" not in raw:
        raise fail(where, "нет правильного ответа (поле answer)")
    return {"answer": number(raw["answer"], where, "answer"),
            "tolerance": number(raw.get("tolerance", 0), where, "tolerance", non_negative=True)}


_BY_TYPE = {"single": _single, "multiple": _multiple, "matching": _matching, "ordering": _ordering, "text": _text,
            "number": _number}
