"""Hook implementations of the practice_portfolio plugin (entry point ``practice_portfolio``)."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import ExamType, hookimpl
from plugins.practice_portfolio.providers import PortfolioDefence, PracticeExam

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@hookimpl
def nok_register_exam_types() -> list[type[ExamType]]:
    return [PracticeExam, PortfolioDefence]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def nok_static_dirs() -> dict[str, Path]:
    return {"practice_portfolio": STATIC}


@hookimpl
def nok_register_routes(app, services) -> None:
    # Imported here: the pages need the web stack, the exam types above do not.
    from plugins.practice_portfolio import review, take

    app.add_route(take.TAKE_PATH, take.TakePage(services))
    app.add_route(f"{take.TAKE_PATH}/files", take.UploadResource(services))
    app.add_route(f"{take.TAKE_PATH}/files/{{file_id:int}}/delete", take.DeleteResource(services))
    attempt = f"{review.REVIEW_PATH}/{{attempt_id:int}}"
    app.add_route(attempt, review.ReviewPage(services))
    app.add_route(f"{attempt}/files/{{file_id:int}}", review.FileResource(services))
    app.add_route(f"{attempt}/portfolio", review.PortfolioResource(services))
