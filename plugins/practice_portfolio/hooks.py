"""Hook implementations of the practice_portfolio plugin (entry point ``practice_portfolio``)."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import ExamType, hookimpl
from plugins.practice_portfolio.providers import PortfolioDefence, PracticeExam

TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def nok_register_exam_types() -> list[type[ExamType]]:
    return [PracticeExam, PortfolioDefence]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]
