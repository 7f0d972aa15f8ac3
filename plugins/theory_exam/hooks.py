"""Hook implementations of the theory_exam plugin (entry point ``theory_exam``)."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import ExamType, hookimpl
from plugins.theory_exam.providers import TheoryExam

TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def nok_register_exam_types() -> list[type[ExamType]]:
    return [TheoryExam]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]
