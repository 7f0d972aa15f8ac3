"""What every employer page shares: the guard (cabinet, role, organisation) and form rendering."""
from __future__ import annotations

import math
from typing import Any

import falcon

from core.web.guards import require_cabinet
from core.web.render import render
from core.context import Services
from core.exceptions import ValidationError
from core.models import Organisation, User
from core.workflow import Status

CABINET = "employer"
BASE = "/cabinet/employer"
APPLICATION_STATUS_TITLES = {s.value: s.title for s in Status}


def form_errors(ex: ValidationError) -> dict[str, str]:
    """Every field error a service raised (`FormErrors.errors`, `.errors`), or its one message."""
    return dict(getattr(ex, "errors", None) or {ex.field or "form": ex.message})


def pages(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


class EmployerResource:
    """Base of the cabinet's resources: `guard` lets in only the employer's Администратор or Оператор.

    The organisation check of each object is the service's (`get_group`, `member_application`…):
    another employer's object raises `NotFoundError`, which the app renders as 404.
    """

    section = ""

    def __init__(self, services: Services):
        self.services = services

    def guard(self, req: falcon.Request) -> tuple[User, Organisation]:
        user, _ = require_cabinet(req, CABINET, self.services.plugins)
        if not user.is_staff or not user.organisation_id:
            raise falcon.HTTPForbidden()
        req.context.current_section = self.section
        return user, user.organisation

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, *, title: str,
             status: str | int = falcon.HTTP_200, **context: Any) -> None:
        context.setdefault("errors", {})
        context.setdefault("form", {})
        render(self.services.templates, req, resp, template, status=status, title=title, base=BASE,
               status_titles=APPLICATION_STATUS_TITLES, **context)

    @staticmethod
    def status_of(errors: dict[str, str]) -> str:
        return falcon.HTTP_422 if errors else falcon.HTTP_200
