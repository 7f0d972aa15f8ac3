"""`validate_kos`: the whole `nok-kos/1` document checked and normalised (docs/kos-format.md).

A КОС reaches an exam only through here, whatever format it came in, so everything the exam
relies on is proven once: ids unique (answers and analytics are keyed by them), every question
has a key, the drawn test can be assembled from the bank, and the pass threshold can be
reached even by the cheapest variant the draw may produce.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from core.kos.checks import (fail, integer, item_id, known_keys, mapping, number, optional_text, plural, text,
                             text_list, unique_ids)
from core.kos.questions import validate_question

KOS_FORMAT = "nok-kos/1"
TOP_KEYS = ("format", "qualification", "version", "title", "legal_acts", "required_documents", "theory",
            "practice", "portfolio")
QUALIFICATION_CODE = re.compile(r"\d{2}\.\d{5}\.\d{2}")
MAX_VERSION = 32
MAX_TITLE = 500
MAX_MINUTES = 600


def validate_kos(doc: object) -> dict[str, Any]:
    """Return the normalised document (defaults filled, numbers as int/float) or raise `ValidationError`."""
    doc = mapping(doc, "КОС", "документ должен быть JSON-объектом { … }")
    known_keys(doc, TOP_KEYS, "КОС")
    if doc.get("format") != KOS_FORMAT:
        raise fail("КОС", f"формат «{doc.get('format')}» не поддерживается: ожидается \"format\": \"{KOS_FORMAT}\"")
    qualification = doc.get("qualification")
    if qualification is not None and (not isinstance(qualification, str)
                                      or not QUALIFICATION_CODE.fullmatch(qualification)):
        raise fail("КОС", f"код квалификации «{qualification}» должен иметь вид NN.NNNNN.NN, например 40.05400.01")
    version = text(doc.get("version"), "КОС", "version", limit=10_000)
    if len(version) > MAX_VERSION:
        raise fail("КОС", f"версия «{version[:40]}…» длиннее {MAX_VERSION} символов")
    return {
        "format": KOS_FORMAT,
        "qualification": qualification,
        "version": version,
        "title": text(doc.get("title"), "КОС", "title", limit=MAX_TITLE),
        "legal_acts": text_list(doc.get("legal_acts"), "КОС", "legal_acts"),
        "required_documents": text_list(doc.get("required_documents"), "КОС", "required_documents"),
        "theory": validate_theory(doc.get("theory")),
        "practice": validate_practice(doc.get("practice")),
        "portfolio": validate_portfolio(doc.get("portfolio")),
    }


# --- theory -------------------------------------------------------------------------------------

def validate_theory(raw: Any) -> dict[str, Any]:
    theory = mapping(raw, "Теоретическая часть", "нет раздела theory (банк вопросов и спецификация теста)")
    known_keys(theory, ("specification", "sections", "samples"), "Теоретическая часть")
    raw_sections = theory.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise fail("Теоретическая часть", "нет ни одного раздела с вопросами (theory.sections)")
    sections = [_section(s, n) for n, s in enumerate(raw_sections, start=1)]
    unique_ids(sections, "Теоретическая часть", "раздел")
    raw_samples = theory.get("samples") or []
    if not isinstance(raw_samples, list):
        raise fail("Пробные вопросы", "поле theory.samples должно быть списком вопросов")
    samples = [validate_question(q, f"Пробный вопрос № {n}") for n, q in enumerate(raw_samples, start=1)]
    seen: set[str] = set()
    for question in [q for s in sections for q in s["questions"]] + samples:
        if question["id"] in seen:
            raise fail(f"Вопрос {question['id']}", "идентификатор повторяется (id вопросов уникальны во всём КОС, "
                                                    "включая пробные)")
        seen.add(question["id"])
    return {"specification": _specification(theory.get("specification"), sections), "sections": sections,
            "samples": samples}


def _section(raw: Any, n: int) -> dict[str, Any]:
    sid = raw.get("id") if isinstance(raw, dict) else None
    where = f"Раздел {sid}" if isinstance(sid, str) and sid.strip() else f"Раздел № {n}"
    raw = mapping(raw, where)
    known_keys(raw, ("id", "title", "questions"), where)
    section_id = item_id(raw.get("id"), where)
    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        raise fail(where, "нет ни одного вопроса")
    return {"id": section_id, "title": text(raw.get("title"), where, "title", limit=MAX_TITLE),
            "questions": [validate_question(q, f"{where}, вопрос № {k}") for k, q in enumerate(questions, start=1)]}


def _specification(raw: Any, sections: list[dict[str, Any]]) -> dict[str, Any]:
    where = "Спецификация теста"
    spec = mapping(raw, where, "нет спецификации теста (theory.specification)")
    known_keys(spec, ("time_limit_minutes", "pass_points", "draw"), where)
    minutes = integer(spec.get("time_limit_minutes"), where, "time_limit_minutes (время на тест, минут)", 1,
                      MAX_MINUTES)
    pass_points = number(spec.get("pass_points"), where, "pass_points (проходной балл)", positive=True)
    draw_raw = spec.get("draw")
    if not isinstance(draw_raw, list) or not draw_raw:
        raise fail(where, "не указано, сколько вопросов брать из каких разделов (draw)")
    by_id = {s["id"]: s for s in sections}
    draw, worst = [], Decimal(0)
    for n, rule in enumerate(draw_raw, start=1):
        at = f"{where}, правило № {n}"
        rule = mapping(rule, at)
        known_keys(rule, ("section", "count"), at)
        section_id = rule.get("section")
        if not isinstance(section_id, str) or section_id not in by_id:
            raise fail(at, f"раздела «{section_id}» нет в банке вопросов")
        if any(r["section"] == section_id for r in draw):
            raise fail(f"Раздел {section_id}", "указан в спецификации дважды")
        count = integer(rule.get("count"), at, "count (число вопросов)", 1, 10_000)
        available = len(by_id[section_id]["questions"])
        if count > available:
            raise fail(f"Раздел {section_id}", f"в спецификации требуется "
                                               f"{plural(count, 'вопрос', 'вопроса', 'вопросов')}, "
                                               f"а в разделе {available}")
        cheapest = sorted(Decimal(str(q["points"])) for q in by_id[section_id]["questions"])[:count]
        worst += sum(cheapest, Decimal(0))
        draw.append({"section": section_id, "count": count})
    if Decimal(str(pass_points)) > worst:
        raise fail(where, f"проходной балл {_shown(pass_points)} больше, чем можно набрать в тесте "
                          f"({_shown(worst)} при самом «дешёвом» наборе вопросов)")
    return {"time_limit_minutes": minutes, "pass_points": pass_points, "draw": draw}


def max_test_points(theory: dict[str, Any]) -> Decimal:
    """The points of the cheapest variant the draw may produce (what pass_points is checked against)."""
    by_id = {s["id"]: s for s in theory["sections"]}
    return sum((sum(sorted(Decimal(str(q["points"])) for q in by_id[r["section"]]["questions"])[:r["count"]],
                    Decimal(0)) for r in theory["specification"]["draw"]), Decimal(0))


# --- practice and portfolio ---------------------------------------------------------------------

def validate_practice(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    practice = mapping(raw, "Практическая часть")
    known_keys(practice, ("tasks",), "Практическая часть")
    tasks_raw = practice.get("tasks")
    if not isinstance(tasks_raw, list) or not tasks_raw:
        raise fail("Практическая часть", "нет ни одного задания (уберите practice или добавьте tasks)")
    tasks = [_task(t, n) for n, t in enumerate(tasks_raw, start=1)]
    unique_ids(tasks, "Практическая часть", "задание")
    return {"tasks": tasks}


def _task(raw: Any, n: int) -> dict[str, Any]:
    tid = raw.get("id") if isinstance(raw, dict) else None
    where = f"Задание {tid}" if isinstance(tid, str) and tid.strip() else f"Задание № {n}"
    raw = mapping(raw, where)
    known_keys(raw, ("id", "title", "text", "time_limit_minutes", "materials", "pass_points", "criteria"), where)
    task = {"id": item_id(raw.get("id"), where), "title": text(raw.get("title"), where, "title", limit=MAX_TITLE),
            "text": text(raw.get("text"), where, "text"),
            "time_limit_minutes": integer(raw.get("time_limit_minutes"), where, "time_limit_minutes", 1, MAX_MINUTES),
            "materials": optional_text(raw.get("materials"), where, "materials")}
    task.update(_scored(raw, where))
    return task


def validate_portfolio(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    where = "Портфолио"
    portfolio = mapping(raw, where)
    known_keys(portfolio, ("requirements", "pass_points", "criteria"), where)
    return {"requirements": text(portfolio.get("requirements"), where, "requirements"), **_scored(portfolio, where)}


def _scored(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """pass_points and criteria of a task or the portfolio: the threshold must be reachable."""
    criteria_raw = raw.get("criteria")
    if not isinstance(criteria_raw, list) or not criteria_raw:
        raise fail(where, "нет критериев оценки (criteria)")
    criteria = []
    for n, criterion in enumerate(criteria_raw, start=1):
        cid = criterion.get("id") if isinstance(criterion, dict) else None
        at = f"{where}, критерий {cid}" if isinstance(cid, str) and cid.strip() else f"{where}, критерий № {n}"
        criterion = mapping(criterion, at)
        known_keys(criterion, ("id", "text", "max_points"), at)
        criteria.append({"id": item_id(criterion.get("id"), at), "text": text(criterion.get("text"), at, "text"),
                         "max_points": number(criterion.get("max_points"), at, "max_points", positive=True)})
    unique_ids(criteria, where, "критерий")
    pass_points = number(raw.get("pass_points"), where, "pass_points (проходной балл)", positive=True)
    total = sum((Decimal(str(c["max_points"])) for c in criteria), Decimal(0))
    if Decimal(str(pass_points)) > total:
        raise fail(where, f"проходной балл {_shown(pass_points)} больше суммы максимальных баллов критериев "
                          f"({_shown(total)})")
    return {"pass_points": pass_points, "criteria": criteria}


def _shown(value: int | float | Decimal) -> str:
    text_value = format(Decimal(str(value)).normalize(), "f")
    return text_value.replace(".", ",")
