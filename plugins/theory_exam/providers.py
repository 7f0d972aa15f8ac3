"""The theory exam type."""
from __future__ import annotations

from typing import Any, Mapping

from core.plugin_api import ExamScore, ExamType, not_yet_implemented


class TheoryExam(ExamType):
    """Теоретический этап: questions drawn from the КОС, answered at a kiosk, scored automatically."""

    code = "theory"
    title = "Теоретический этап"

    def build_attempt(self, assessment_tools: Mapping[str, Any], *, seed: int) -> dict[str, Any]:
        raise not_yet_implemented("Сборка варианта теоретического этапа")

    def score(self, attempt: Mapping[str, Any], responses: Mapping[str, Any]) -> ExamScore:
        raise not_yet_implemented("Подсчёт баллов теоретического этапа")
