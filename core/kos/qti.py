"""IMS QTI 2.1 content packages (zip with imsmanifest.xml) → the КОС question bank.

Sections come from the package's assessmentTest (each assessmentSection holding item refs),
or the whole bank is one section. An item becomes a КОС question only if it can be scored by
key: one interaction of a supported kind and a correctResponse. Anything the КОС cannot
express (distractors in a match, partial orders, several interactions in one item) is refused
with the item named rather than imported as something different.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from typing import Any, Callable

from core.kos.checks import Bank, fail
from core.kos.safe_xml import (child, children, descendants, element_text, join_href, local, open_zip, parse_xml,
                               read_member)

PACKAGE = "Пакет QTI"
SUPPORTED = ("choiceInteraction", "matchInteraction", "orderInteraction", "textEntryInteraction",
             "extendedTextInteraction")
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "table", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}


def read_package(data: bytes) -> Bank:
    archive = open_zip(data, PACKAGE)
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    manifest_name = next((n for n in names if n.lower() == "imsmanifest.xml"), None)
    if manifest_name is None:
        raise fail(PACKAGE, "в корне zip-архива нет файла imsmanifest.xml — это не пакет IMS QTI 2.1 (экспортируйте "
                            "тест как «IMS QTI 2.1 content package»)")
    manifest = parse_xml(read_member(archive, manifest_name, PACKAGE), "Файл imsmanifest.xml")
    if local(manifest.tag) != "manifest":
        raise fail("Файл imsmanifest.xml", f"ожидается элемент <manifest>, а найден <{local(manifest.tag)}>")
    item_paths: list[str] = []
    test_paths: list[str] = []
    for resource in descendants(manifest, "resource"):
        kind = resource.get("type", "")
        if kind.startswith(("imsqti_item_xmlv2p", "imsqti_test_xmlv2p")):
            path = join_href(manifest_name, resource.get("href", ""), "Файл imsmanifest.xml")
            if path not in names:
                raise fail("Файл imsmanifest.xml", f"указан файл «{path}», которого нет в архиве")
            (item_paths if kind.startswith("imsqti_item") else test_paths).append(path)
    if not item_paths:
        raise fail("Файл imsmanifest.xml", "нет ни одного задания (ресурса type=\"imsqti_item_xmlv2p1\")")
    if len(test_paths) > 1:
        raise fail("Файл imsmanifest.xml", "в пакете несколько тестов (assessmentTest): оставьте один")
    items = {path: _item(archive, path) for path in dict.fromkeys(item_paths)}
    if test_paths:
        return _test(archive, test_paths[0], items)
    return Bank([{"id": "s1", "title": "Вопросы", "questions": list(items.values())}])


def _test(archive: zipfile.ZipFile, path: str, items: dict[str, dict[str, Any]]) -> Bank:
    where = f"Файл {path}"
    root = parse_xml(read_member(archive, path, PACKAGE), where)
    if local(root.tag) != "assessmentTest":
        raise fail(where, f"ожидается assessmentTest, а найден <{local(root.tag)}>")
    sections, used = [], set()
    for section in descendants(root, "assessmentSection"):
        refs = children(section, "assessmentItemRef")
        if not refs:
            continue
        sid = section.get("identifier") or f"s{len(sections) + 1}"
        questions = []
        for ref in refs:
            target = join_href(path, ref.get("href", ""), where)
            if target not in items:
                raise fail(f"Раздел {sid}", f"ссылка на задание «{ref.get('href')}» ведёт к файлу, которого нет среди "
                                            "заданий в imsmanifest.xml")
            used.add(target)
            questions.append(items[target])
        sections.append({"id": sid, "title": section.get("title") or f"Раздел {sid}", "questions": questions})
    if not sections:
        raise fail(where, "в assessmentTest нет ни одного раздела (assessmentSection) с заданиями")
    for item_path, question in items.items():
        if item_path not in used:
            raise fail(f"Вопрос {question['id']}", f"задание ({item_path}) есть в пакете, но не входит ни в один раздел "
                                                   "assessmentTest")
    return Bank(sections, root.get("title"))


def _item(archive: zipfile.ZipFile, path: str) -> dict[str, Any]:
    root = parse_xml(read_member(archive, path, PACKAGE), f"Файл {path}")
    if local(root.tag) != "assessmentItem":
        raise fail(f"Файл {path}", f"ожидается задание assessmentItem, а найден <{local(root.tag)}>")
    qid = root.get("identifier") or ""
    where = f"Вопрос {qid}" if qid else f"Файл {path}"
    body = child(root, "itemBody")
    interactions = [e for e in body.iter() if local(e.tag).endswith("Interaction")] if body is not None else []
    if not interactions:
        raise fail(where, "в задании нет ни одного взаимодействия (interaction): на вопрос нечем ответить")
    if len(interactions) > 1:
        raise fail(where, "несколько взаимодействий в одном задании не поддерживаются: разделите его на отдельные")
    interaction = interactions[0]
    kind = local(interaction.tag)
    if kind not in SUPPORTED:
        raise fail(where, f"взаимодействие {kind} не поддерживается (допустимы: {', '.join(SUPPORTED)})")
    rid = interaction.get("responseIdentifier")
    decl = next((d for d in children(root, "responseDeclaration") if d.get("identifier") == rid), None)
    if decl is None:
        raise fail(where, f"нет объявления ответа responseDeclaration для «{rid}»")
    correct_el = child(decl, "correctResponse")
    correct = [(v.text or "").strip() for v in children(correct_el, "value")] if correct_el is not None else []
    question: dict[str, Any] = {"id": qid, "text": _question_text(body, interaction), "points": _points(root, where)}
    question.update(_HANDLERS[kind](interaction, decl, correct, where, root))
    return question


def _question_text(body: ET.Element, interaction: ET.Element) -> str:
    """The item body as plain text: the interaction gives only its prompt (an inline gap becomes «____»)."""
    parts: list[str] = []

    def walk(element: ET.Element) -> None:
        name = local(element.tag)
        if element is interaction:
            if name == "textEntryInteraction":
                parts.append(" ____ ")
            else:
                parts.append("\n" + element_text(child(element, "prompt")) + "\n")
            return
        if name.startswith(("feedback", "modalFeedback")):
            return
        block = name in _BLOCK
        if block:
            parts.append("\n")
        parts.append(element.text or "")
        for sub in element:
            walk(sub)
            parts.append(sub.tail or "")
        if block:
            parts.append("\n")

    walk(body)
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


def _points(root: ET.Element, where: str) -> int | float:
    """Points of the item: normalMaximum of its SCORE outcome, 1 when absent."""
    score = next((o for o in children(root, "outcomeDeclaration") if o.get("identifier") == "SCORE"), None)
    value = score.get("normalMaximum") if score is not None else None
    return _number(value, where, "normalMaximum") if value else 1


def _number(value: str, where: str, what: str) -> int | float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise fail(where, f"{what} «{value}» — не число") from None
    return int(number) if number.is_integer() else number


def _need(correct: list[str], where: str) -> None:
    if not correct:
        raise fail(where, "нет правильного ответа (correctResponse)")


def _choices(element: ET.Element, tag: str, where: str) -> dict[str, str]:
    """Identifier → text of the choices; a repeated identifier would make the key ambiguous."""
    choices: dict[str, str] = {}
    for choice in children(element, tag):
        cid = choice.get("identifier", "")
        if cid in choices:
            raise fail(where, f"идентификатор варианта «{cid}» повторяется")
        choices[cid] = element_text(choice)
    return choices


def _choice(interaction, decl, correct, where, _root) -> dict[str, Any]:
    _need(correct, where)
    cardinality = decl.get("cardinality", "single")
    if cardinality not in ("single", "multiple"):
        raise fail(where, f"cardinality=«{cardinality}» не подходит для choiceInteraction")
    choices = _choices(interaction, "simpleChoice", where)
    for value in correct:
        if value not in choices:
            raise fail(where, f"правильный ответ «{value}» не найден среди вариантов")
    return {"type": cardinality, "options": [{"id": cid, "text": text, "correct": cid in correct}
                                             for cid, text in choices.items()]}


def _match(interaction, _decl, correct, where, _root) -> dict[str, Any]:
    _need(correct, where)
    sets = children(interaction, "simpleMatchSet")
    if len(sets) != 2:
        raise fail(where, "в matchInteraction должно быть ровно два набора simpleMatchSet")
    left, right = (_choices(s, "simpleAssociableChoice", where) for s in sets)
    chosen: dict[str, str] = {}
    for value in correct:
        ends = value.split()
        if len(ends) == 2 and ends[0] in right and ends[1] in left:
            ends.reverse()
        if len(ends) != 2 or ends[0] not in left or ends[1] not in right:
            raise fail(where, f"пара «{value}» в correctResponse ссылается на неизвестные элементы")
        if ends[0] in chosen:
            raise fail(where, f"для элемента «{left[ends[0]]}» указано несколько пар: в КОС у каждого одна пара")
        chosen[ends[0]] = ends[1]
    for lid, text in left.items():
        if lid not in chosen:
            raise fail(where, f"для элемента «{text}» нет правильной пары")
    for rid, text in right.items():
        if list(chosen.values()).count(rid) != 1:
            raise fail(where, f"правый элемент «{text}» должен входить ровно в одну правильную пару (лишние или "
                              "повторяющиеся варианты формат КОС не поддерживает)")
    return {"type": "matching", "pairs": [{"id": lid, "left": text, "right": right[chosen[lid]]}
                                          for lid, text in left.items()]}


def _order(interaction, _decl, correct, where, _root) -> dict[str, Any]:
    _need(correct, where)
    choices = _choices(interaction, "simpleChoice", where)
    if sorted(correct) != sorted(choices):
        raise fail(where, "correctResponse должен перечислить все элементы orderInteraction, каждый по одному разу")
    return {"type": "ordering", "items": [{"id": cid, "text": choices[cid]} for cid in correct]}


def _text_entry(_interaction, decl, correct, where, root) -> dict[str, Any]:
    base = decl.get("baseType", "string")
    if base in ("float", "integer"):
        _need(correct, where)
        if len(correct) > 1:
            raise fail(where, "для числового ответа должно быть одно правильное значение")
        answer = _number(correct[0], where, "правильный ответ")
        return {"type": "number", "answer": answer, "tolerance": _tolerance(root, answer, where)}
    if base != "string":
        raise fail(where, f"тип ответа baseType=«{base}» не поддерживается (допустимы string, float, integer)")
    mapping = child(decl, "mapping")
    mapped = [e.get("mapKey", "").strip() for e in children(mapping, "mapEntry")
              if _positive(e.get("mappedValue", "0"))] if mapping is not None else []
    answers = list(dict.fromkeys(a for a in correct + mapped if a))
    if not answers:
        raise fail(where, "нет правильного ответа (correctResponse): ответ без эталона нельзя проверить автоматически")
    return {"type": "text", "answers": answers}


def _positive(value: str) -> bool:
    try:
        return float(value) > 0
    except ValueError:
        return False


def _tolerance(root: ET.Element, answer: int | float, where: str) -> int | float:
    """The absolute tolerance of an `<equal toleranceMode=…>` in the response processing, 0 if exact."""
    processing = child(root, "responseProcessing")
    for equal in descendants(processing, "equal") if processing is not None else []:
        mode = equal.get("toleranceMode", "exact")
        if mode == "exact":
            continue
        value = _number((equal.get("tolerance") or "0").split()[0], where, "tolerance")
        return abs(answer) * value / 100 if mode == "relative" else value
    return 0


_HANDLERS: dict[str, Callable[..., dict[str, Any]]] = {
    "choiceInteraction": _choice, "matchInteraction": _match, "orderInteraction": _order,
    "textEntryInteraction": _text_entry, "extendedTextInteraction": _text_entry,
}
