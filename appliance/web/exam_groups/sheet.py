"""Theory results of a group: the rows on the group page and «Экзаменационная ведомость (PDF)».

Both read the attempts the same way: an attempt whose time ran out is finished by the server
clock first (`core.services.attempts.refresh`), so the operator sees the result the moment
the time is up instead of after the candidate's next click or the nightly sweep.
"""
from __future__ import annotations

from urllib.parse import quote

import falcon

from appliance.web.exam_groups.common import GroupsResource
from core import audit
from core.documents.exam_sheet import SheetRow, render_exam_sheet_pdf, theory_rows
from core.models import ExamAttempt, ExamGroup, GroupMember
from core.models.exams import GROUP_THEORY
from core.services import attempts as attempt_service
from core.services import exam_groups

SHEET_PATH = "/cabinet/{cabinet}/theory/{group_id:int}/sheet.pdf"


def group_attempts(group: ExamGroup, plugins) -> dict[int, ExamAttempt]:
    """member id → the member's attempt at the group's stage; theory attempts out of time get finished."""
    if group.started_at is None:
        return {}
    found = {a.member_id: a for a in ExamAttempt.select().join(GroupMember).where(GroupMember.group == group.id)}
    for member_id, attempt in found.items():
        # Only theory is timed by the clock alone; practice is finished by the commission's marks.
        if attempt.stage == attempt_service.THEORY and attempt_service.is_expired(attempt):
            found[member_id] = attempt_service.refresh(attempt, plugins)
    return found


def group_results(group: ExamGroup, members: list[GroupMember],
                  attempts: dict[int, ExamAttempt]) -> dict[int, SheetRow]:
    """The theory rows of the group page (`_results.html`); nothing for a practice group."""
    if group.kind != GROUP_THEORY or group.started_at is None:
        return {}
    return theory_rows(members, attempts)


class SheetPdfResource(GroupsResource):
    """GET the ведомость of a theory group the user's ЦОК or venue sees (another one's: 404)."""

    def on_get(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        attempts = group_attempts(group, self.services.plugins)
        members = exam_groups.members_of(group)
        pdf = render_exam_sheet_pdf(group, members, attempts)
        audit.record("download", "exam_sheet", group.id, {"attempts": sorted(a.id for a in attempts.values())})
        name = f"Экзаменационная ведомость {group.starts_at:%d.%m.%Y %H-%M}.pdf"
        resp.content_type = "application/pdf"
        resp.set_header("Content-Disposition", f"attachment; filename=\"exam-sheet-{group.id}.pdf\"; "
                                               f"filename*=UTF-8''{quote(name)}")
        resp.data = pdf


def add_routes(app: falcon.App, services) -> None:
    app.add_route(SHEET_PATH, SheetPdfResource(services, GROUP_THEORY))
