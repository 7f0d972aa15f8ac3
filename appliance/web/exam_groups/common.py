"""What every exam-group page shares: the guard, the section's URLs, reading the group form."""
from __future__ import annotations

import falcon

from core.web.guards import require_cabinet
from core.web.render import render
from core.context import Services
from core.models import Cabinet, ExamGroup
from core.models.exams import GROUP_KIND_TITLES, GROUP_THEORY
from core.services import exam_groups

GROUP_CABINETS = frozenset({Cabinet.COK, Cabinet.VENUE})
HEADINGS = {GROUP_THEORY: "Группы по теории"}
DEFAULT_HEADING = "Группы по практике"


def form_values(req: falcon.Request, name: str) -> tuple[str, ...]:
    """Every value a field was sent with (checkboxes share a name); `read_form` keeps only the last."""
    media = req.get_media() or {}
    value = media.get(name, ())
    values = value if isinstance(value, list) else [value]
    return tuple(str(v).strip() for v in values if str(v).strip())


def group_form(req: falcon.Request, form: dict[str, str]) -> exam_groups.GroupForm:
    return exam_groups.GroupForm(date=form.get("date", ""), time=form.get("time", ""),
                                 duration_minutes=form.get("duration_minutes", ""), venue=form.get("venue", ""),
                                 seats=form.get("seats", ""), qualification=form.get("qualification", ""),
                                 expert_ids=form_values(req, "expert"), chair_ids=form_values(req, "chair"))


class GroupsResource:
    """Base of the section's resources: one instance per kind (theory or practice)."""

    def __init__(self, services: Services, kind: str):
        self.services = services
        self.kind = kind

    @property
    def heading(self) -> str:
        return HEADINGS.get(self.kind, DEFAULT_HEADING)

    def guard(self, req, cabinet):
        """Signed in to a ЦОК or venue cabinet; anything else is «not found»."""
        user, cab = require_cabinet(req, cabinet, self.services.plugins)
        if cab not in GROUP_CABINETS:
            raise falcon.HTTPNotFound()
        req.context.current_section = self.kind
        return user, cab

    def group(self, req, cabinet, group_id):
        """Guard, then the group of the user's organisation (another one's answers 404)."""
        user, cab = self.guard(req, cabinet)
        return user, cab, exam_groups.get_group(user, self.kind, group_id)

    def base_url(self, cab: Cabinet) -> str:
        return f"/cabinet/{cab.value}/{self.kind}"

    def group_url(self, cab: Cabinet, group: ExamGroup, suffix: str = "") -> str:
        return f"{self.base_url(cab)}/{group.id}{suffix}"

    def render(self, req, resp, template: str, status=falcon.HTTP_200, **context) -> None:
        render(self.services.templates, req, resp, template, status=status, kind=self.kind,
               kind_title=GROUP_KIND_TITLES[self.kind], heading=self.heading,
               base_url=self.base_url(req.context.cabinet), **context)
