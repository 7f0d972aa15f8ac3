"""Hook implementations of the theory_exam plugin (entry point ``theory_exam``)."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import ExamType, MenuItem, hookimpl
from plugins.theory_exam import analytics_pages, review
from plugins.theory_exam.models import TheoryTrial
from plugins.theory_exam.providers import TheoryExam
from plugins.theory_exam.take import add_take_routes
from plugins.theory_exam.trial_pages import TRIAL_PATH, add_trial_routes

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@hookimpl
def nok_register_exam_types() -> list[type[ExamType]]:
    return [TheoryExam]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def nok_static_dirs() -> dict[str, Path]:
    return {"theory_exam": STATIC}


@hookimpl
def nok_register_models() -> list:
    return [TheoryTrial]


@hookimpl
def nok_register_routes(app, services) -> None:
    add_take_routes(app, services)  # the exam station (/kiosk → /p/theory_exam/take)
    add_trial_routes(app, services)  # «Пробный экзамен» of the applicant cabinet
    review.add_routes(app, services)  # a candidate's answers, for the commission and the ЦОК
    analytics_pages.add_routes(app, services)  # «Аналитика КОС»


@hookimpl
def nok_cabinet_menu_items(cabinet: str) -> list[MenuItem] | None:
    items = []
    if cabinet == "applicant":
        items.append(MenuItem("Пробный экзамен", TRIAL_PATH, None))
    if cabinet in analytics_pages.ANALYTICS_CABINETS:
        items.append(MenuItem("Аналитика КОС", analytics_pages.BASE, frozenset({"admin", "operator"})))
    return items or None
