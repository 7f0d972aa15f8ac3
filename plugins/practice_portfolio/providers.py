"""The practice and portfolio exam types; both are scored from the commission's marks per criterion.

An attempt pins what the candidate was given (the task or the portfolio requirements) and
the criteria with their maximum points, so a disputed result is scored against exactly
what the experts saw. Scoring takes the commission's mean mark per criterion (core
averages the experts' marks) and refuses anything incomplete or out of range: a provider
never guesses a score.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping

from core.plugin_api import ExamScore, ExamType, ValidationError

CENT = Decimal("0.01")


def to_decimal(value: Any, what: str) -> Decimal:
    """A mark or a КОС number as Decimal («2,5» too); anything else is a Russian error."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"{what}: укажите число.")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"{what}: «{value}» — не число.") from None
    if not number.is_finite():
        raise ValidationError(f"{what}: «{value}» — не число.")
    return number


def json_number(value: Decimal) -> int | float:
    """A Decimal for the stored attempt (JSON): whole numbers stay integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def _criteria(items: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        raise ValidationError(f"{where}: в КОС не заданы критерии оценки.")
    criteria = []
    for item in items:
        cid = str(item.get("id") or "").strip() if isinstance(item, Mapping) else ""
        if not cid:
            raise ValidationError(f"{where}: у критерия оценки нет идентификатора.")
        top = to_decimal(item.get("max_points"), f"{where}, критерий {cid}, максимальный балл")
        if top <= 0:
            raise ValidationError(f"{where}, критерий {cid}: максимальный балл должен быть больше нуля.")
        criteria.append({"id": cid, "text": str(item.get("text") or cid), "max_points": json_number(top)})
    if len({c["id"] for c in criteria}) != len(criteria):
        raise ValidationError(f"{where}: идентификаторы критериев повторяются.")
    return criteria


def _thresholds(source: Mapping[str, Any], criteria: list[dict[str, Any]], where: str) -> dict[str, Any]:
    top = sum((Decimal(str(c["max_points"])) for c in criteria), Decimal(0))
    needed = to_decimal(source.get("pass_points"), f"{where}: проходной балл")
    if needed < 0 or needed > top:
        raise ValidationError(f"{where}: проходной балл {needed} вне диапазона 0…{top}.")
    return {"pass_points": json_number(needed), "max_points": json_number(top)}


class MarkedExam(ExamType):
    """Common part of the stages marked by experts per criterion."""

    kos_part = ""

    def score(self, attempt: Mapping[str, Any], responses: Mapping[str, Any]) -> ExamScore:
        """Sum the mean marks per criterion; every criterion must be marked within 0…max."""
        criteria = {c["id"]: c for c in attempt.get("criteria") or []}
        if not criteria:
            raise ValidationError("В задании нет критериев оценки: оценить его нельзя.")
        unknown = sorted(set(responses) - set(criteria))
        if unknown:
            raise ValidationError(f"Критерия «{unknown[0]}» нет в задании соискателя.")
        given: dict[str, str] = {}
        total = Decimal(0)
        for cid, criterion in criteria.items():
            if cid not in responses:
                raise ValidationError(f"Нет оценки по критерию «{criterion['text']}».")
            what = f"Оценка по критерию «{criterion['text']}»"
            points = to_decimal(responses[cid], what).quantize(CENT, rounding=ROUND_HALF_UP)
            top = Decimal(str(criterion["max_points"]))
            if points < 0:
                raise ValidationError(f"{what} не может быть отрицательной.")
            if points > top:
                raise ValidationError(f"{what} больше максимального балла {json_number(top)}.")
            given[cid] = f"{points:f}"
            total += points
        top_total = Decimal(str(attempt["max_points"]))
        needed = Decimal(str(attempt["pass_points"]))
        return ExamScore(points=total, max_points=top_total, passed=total >= needed, details={"criteria": given})


class PracticeExam(MarkedExam):
    """Практический этап: a task from the КОС performed at a venue, marked by experts per criterion."""

    code = "practice"
    title = "Практический этап"
    kos_part = "practice"
    candidate_path = "/p/practice_portfolio/take"
    review_path = "/p/practice_portfolio/attempts/{attempt_id}"

    def build_attempt(self, assessment_tools: Mapping[str, Any], *, seed: int) -> dict[str, Any]:
        """One task drawn by `seed` (the same seed draws the same task), with its criteria."""
        tasks = list((assessment_tools or {}).get("tasks") or [])
        if not tasks:
            raise ValidationError("В КОС нет практических заданий: практический этап провести нельзя.")
        task = random.Random(seed).choice(tasks)
        where = f"Практическое задание {task.get('id')}"
        criteria = _criteria(task.get("criteria"), where)
        limit = task.get("time_limit_minutes")
        limit = int(to_decimal(limit, f"{where}: время выполнения")) if limit not in (None, "") else None
        return {"task": {"id": task["id"], "title": str(task.get("title") or ""), "text": str(task.get("text") or ""),
                         "materials": str(task.get("materials") or ""), "time_limit_minutes": limit},
                "criteria": criteria, **_thresholds(task, criteria, where), "time_limit_minutes": limit}


class PortfolioDefence(MarkedExam):
    """Защита портфолио: the candidate's documents, defended before experts and marked per criterion."""

    code = "portfolio"
    title = "Защита портфолио"
    kos_part = "portfolio"
    candidate_path = "/p/practice_portfolio/take"
    review_path = "/p/practice_portfolio/attempts/{attempt_id}"

    def build_attempt(self, assessment_tools: Mapping[str, Any], *, seed: int) -> dict[str, Any]:
        """The requirements and criteria of the КОС; nothing is drawn, so every seed gives the same."""
        tools = assessment_tools or {}
        if not tools.get("criteria"):
            raise ValidationError("В КОС нет критериев оценки портфолио: защиту портфолио провести нельзя.")
        where = "Защита портфолио"
        criteria = _criteria(tools.get("criteria"), where)
        return {"requirements": str(tools.get("requirements") or ""), "criteria": criteria,
                **_thresholds(tools, criteria, where), "time_limit_minutes": None}
