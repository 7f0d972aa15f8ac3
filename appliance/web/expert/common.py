"""What every page of the expert's cabinet shares: the guard, the URLs, rendering with errors."""
from __future__ import annotations

from typing import Any

import falcon

from core.web.guards import require_cabinet
from core.web.render import render
from core.context import Services
from core.models import Application, Cabinet, ExamGroup, User
from core.services import commission_facts

BASE = "/cabinet/expert"
RESULTS = f"{BASE}/results"


def result_url(application_id: int, suffix: str = "") -> str:
    return f"{RESULTS}/{application_id}{suffix}"


class ExpertResource:
    """Base of the expert's resources; `section` marks the menu entry as current."""

    section = "results"

    def __init__(self, services: Services):
        self.services = services

    def guard(self, req: falcon.Request) -> User:
        user, _ = require_cabinet(req, Cabinet.EXPERT.value, self.services.plugins)
        req.context.current_section = self.section
        return user

    def result(self, req: falcon.Request, application_id: int) -> tuple[User, Application, ExamGroup]:
        """Guard, then the application whose deciding commission includes the expert (else 404)."""
        user = self.guard(req)
        application, group = commission_facts.expert_application(user, application_id)
        return user, application, group

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, *, title: str,
             status: str | int = falcon.HTTP_200, **context: Any) -> None:
        context.setdefault("errors", {})
        context.setdefault("form", {})
        render(self.services.templates, req, resp, template, status=status, title=title, base=BASE, **context)
