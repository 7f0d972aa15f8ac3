"""What the «Результаты экзаменов» pages of the ЦОК and venue cabinets share.

The routes are registered per cabinet (`/cabinet/cok/results`, `/cabinet/venue/results`), so
the expert cabinet's own «Результаты экзаменов» (another area) keeps `/cabinet/expert/results`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import falcon

from appliance.web.centre.common import CentreResource
from core.context import Services
from core.models import Application, ExamAttempt
from core.services import results

RESULT_CABINETS = ("cok", "venue")


def local_time(value: dt.datetime | None) -> str:
    """«14:05» on the appliance's clock, «—» when absent."""
    shown = results.to_local(value)
    return f"{shown:%H:%M}" if shown else "—"


def duration_text(attempt: ExamAttempt) -> str:
    """«23 мин 5 с» between the start and the end of an attempt."""
    if attempt.finished_at is None:
        return "идёт"
    seconds = max(0, int((attempt.finished_at - attempt.started_at).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} мин {seconds} с"


def points_text(value: Any) -> str:
    """A Decimal score as people write it: «4», «4,5»."""
    if value is None:
        return "—"
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


class ResultsResource(CentreResource):
    """Base of the section's resources: one instance per cabinet (cok or venue)."""

    section = "results"

    def __init__(self, services: Services, cabinet: str):
        super().__init__(services)
        self.cabinet = cabinet

    def load(self, req: falcon.Request, application_id: int) -> tuple[Any, Application]:
        """Guard, then the examined application of the user's organisation (another one's: 404)."""
        user = self.guard(req, self.cabinet)
        return user, results.get_examined(user, application_id)

    def url(self, suffix: str = "") -> str:
        return f"/cabinet/{self.cabinet}/results{suffix}"

    def page(self, req, resp, template, *, title, status=falcon.HTTP_200, **context) -> None:
        super().page(req, resp, template, title=title, status=status, results_url=self.url(),
                     local_time=local_time, points_text=points_text, **context)
