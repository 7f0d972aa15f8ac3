"""Moodle XML (`<quiz>`) → the КОС question bank: each `<question type="category">` starts a section.

Question ids come from Moodle's «ID number» when it is set, else from the section and position
(«s2-q5»), so an export from the same Moodle bank gets the same ids every time. Texts are HTML
in Moodle and plain text in the КОС. Types the kiosk cannot score by key (essay, cloze,
calculated…) are refused with the question named, as are partial-credit answers.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from core.kos.checks import ID_RE, Bank, fail
from core.kos.safe_xml import child, children, html_text, local, parse_xml

FILE = "Файл Moodle XML"
SUPPORTED = ("multichoice", "truefalse", "matching", "shortanswer", "numerical", "ordering")
SKIPPED = ("description",)  # information pages of a Moodle quiz, not questions
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def read_quiz(data: bytes) -> Bank:
    root = parse_xml(data, FILE)
    if local(root.tag) != "quiz":
        raise fail(FILE, f"ожидается корневой элемент <quiz>, а найден <{local(root.tag)}>")
    groups: list[tuple[ET.Element | None, list[ET.Element]]] = [(None, [])]
    for element in root:
        if local(element.tag) != "question":
            continue
        kind = element.get("type", "")
        if kind == "category":
            groups.append((element, []))
        elif kind not in SKIPPED:
            groups[-1][1].append(element)
    groups = [(category, questions) for category, questions in groups if questions]
    if not groups:
        raise fail(FILE, "в файле нет ни одного вопроса")
    sections = []
    for number, (category, elements) in enumerate(groups, start=1):
        sid = _idnumber(category) or f"s{number}"
        sections.append({"id": sid, "title": _category_title(category),
                         "questions": [_question(e, sid, k) for k, e in enumerate(elements, start=1)]})
    return Bank(sections)


def _idnumber(element: ET.Element | None) -> str:
    value = _path_text(element, "idnumber").strip()
    return value if ID_RE.fullmatch(value) else ""


def _category_title(category: ET.Element | None) -> str:
    """«$course$/top/Нормативные акты/Раздел 1» → «Раздел 1»."""
    if category is None:
        return "Вопросы"
    path = _path_text(category, "category", "text")
    parts = [p.strip() for p in path.split("/") if p.strip() and p.strip() not in ("top", "$course$", "$system$")]
    return parts[-1] if parts else "Вопросы"


def _text_of(element: ET.Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _path_text(element: ET.Element | None, *path: str) -> str:
    """Text of a nested child (`<name><text>…`), "" when any step is missing."""
    for name in path:
        element = child(element, name) if element is not None else None
    return _text_of(element)


def _rich(element: ET.Element | None) -> str:
    """The text of a Moodle `<… format="html"><text>…</text>` field as plain text."""
    if element is None:
        return ""
    raw = _path_text(element, "text")
    return html_text(raw) if element.get("format", "html") in ("html", "moodle_auto_format") else raw.strip()


def _question(element: ET.Element, section_id: str, position: int) -> dict[str, Any]:
    kind = element.get("type", "")
    name = " ".join(_path_text(element, "name", "text").split())
    qid = _path_text(element, "idnumber").strip() or f"{section_id}-q{position}"
    where = f"Вопрос {qid}" + (f" («{name[:60]}»)" if name else "")
    if kind not in SUPPORTED:
        raise fail(where, f"тип «{kind}» не поддерживается: допустимы {', '.join(SUPPORTED)} (ответ должен "
                          "проверяться автоматически по ключу)")
    grade = _path_text(element, "defaultgrade").strip() or "1"
    question: dict[str, Any] = {"id": qid, "type": kind, "text": _rich(child(element, "questiontext")),
                                "points": _number(grade, where, "defaultgrade")}
    question.update(_HANDLERS[kind](element, where))
    return question


def _number(value: str, where: str, what: str) -> int | float:
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        raise fail(where, f"{what} «{value.strip()}» — не число") from None
    return int(number) if number.is_integer() else number


def _answers(element: ET.Element, where: str) -> list[tuple[float, ET.Element]]:
    return [(_number(a.get("fraction", "0"), where, "fraction"), a) for a in children(element, "answer")]


def _option_id(n: int) -> str:
    return _LETTERS[n] if n < len(_LETTERS) else f"o{n + 1}"


def _multichoice(element: ET.Element, where: str) -> dict[str, Any]:
    single = (_path_text(element, "single").strip().lower() or "true") in ("true", "1")
    answers = _answers(element, where)
    if single and any(0 < fraction < 100 for fraction, _ in answers):
        raise fail(where, "частично правильные ответы (fraction между 0 и 100) не поддерживаются: в КОС вопрос "
                          "оценивается «всё или ничего»")
    options = [{"id": _option_id(n), "text": _rich(answer), "correct": fraction >= 100 if single else fraction > 0}
               for n, (fraction, answer) in enumerate(answers)]
    return {"type": "single" if single else "multiple", "options": options}


def _truefalse(element: ET.Element, where: str) -> dict[str, Any]:
    answers = {_path_text(a, "text").strip().lower(): fraction for fraction, a in _answers(element, where)}
    if set(answers) != {"true", "false"}:
        raise fail(where, "в вопросе «верно/неверно» должны быть ответы true и false")
    return {"type": "single", "options": [{"id": "true", "text": "Верно", "correct": answers["true"] >= 100},
                                          {"id": "false", "text": "Неверно", "correct": answers["false"] >= 100}]}


def _matching(element: ET.Element, where: str) -> dict[str, Any]:
    pairs = []
    for n, sub in enumerate(children(element, "subquestion"), start=1):
        left = _rich(sub)
        right = " ".join(_path_text(sub, "answer", "text").split())
        if not left:
            raise fail(where, f"лишний ответ «{right}» без пары: формат КОС не поддерживает лишние варианты в "
                              "вопросах на соответствие")
        pairs.append({"id": f"p{n}", "left": left, "right": right})
    return {"type": "matching", "pairs": pairs}


def _shortanswer(element: ET.Element, where: str) -> dict[str, Any]:
    answers = [" ".join(_path_text(a, "text").split()) for fraction, a in _answers(element, where)
               if fraction >= 100]
    if any("*" in a for a in answers):
        raise fail(where, "шаблоны со «*» в ответах не поддерживаются: перечислите допустимые ответы полностью")
    return {"type": "text", "answers": [a for a in answers if a]}


def _numerical(element: ET.Element, where: str) -> dict[str, Any]:
    right = [a for fraction, a in _answers(element, where) if fraction >= 100]
    if not right:
        raise fail(where, "нет правильного ответа (ответа с fraction=\"100\")")
    if len(right) > 1:
        raise fail(where, "несколько правильных числовых ответов не поддерживаются: оставьте один с допуском")
    answer = _number(_path_text(right[0], "text"), where, "ответ")
    tolerance = _number(_path_text(right[0], "tolerance") or "0", where, "tolerance")
    return {"type": "number", "answer": answer, "tolerance": tolerance}


def _ordering(element: ET.Element, where: str) -> dict[str, Any]:
    return {"type": "ordering", "items": [{"id": _option_id(n), "text": _rich(a)}
                                          for n, (_f, a) in enumerate(_answers(element, where))]}


_HANDLERS = {"multichoice": _multichoice, "truefalse": _truefalse, "matching": _matching,
             "shortanswer": _shortanswer, "numerical": _numerical, "ordering": _ordering}
