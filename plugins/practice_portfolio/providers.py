"""The practice and portfolio exam types; both are scored from experts' marks."""
from __future__ import annotations

from typing import Any, Mapping

from core.plugin_api import ExamScore, ExamType, not_yet_implemented


class PracticeExam(ExamType):
    """Практический этап: a task from the КОС performed at a venue, marked by experts per criterion."""

    code = "practice"
    title = "Практический этап"

    def build_attempt(self, assessment_tools: Mapping[str, Any], *, seed: int) -> dict[str, Any]:
        raise not_yet_implemented("Выдача задания практического этапа")

    def score(self, attempt: Mapping[str, Any], responses: Mapping[str, Any]) -> ExamScore:
        raise not_yet_implemented("Подсчёт баллов практического этапа по оценкам экспертов")


class PortfolioDefence(ExamType):
    """Защита портфолио: the candidate's documents, defended before experts and marked per criterion."""

    code = "portfolio"
    title = "Защита портфолио"

    def build_attempt(self, assessment_tools: Mapping[str, Any], *, seed: int) -> dict[str, Any]:
        raise not_yet_implemented("Подготовка защиты портфолио")

    def score(self, attempt: Mapping[str, Any], responses: Mapping[str, Any]) -> ExamScore:
        raise not_yet_implemented("Подсчёт баллов защиты портфолио по оценкам экспертов")
