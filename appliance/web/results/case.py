"""Личное дело соискателя in «Результаты экзаменов», and what the ЦОК does with the result.

Seed 002, «Подтверждение экспертного заключения и передачи результатов в СПК»: the page shows
the applicant's data and documents, each exam stage with its answers, the group videos, the
ведомость and the expert commission's decision. In «Решение экспертной комиссии» the ЦОК either
«Вернуть на доработку» (a comment for the experts is required) or «Отправить в СПК». Every view
is audited: the page is personal data.
"""
from __future__ import annotations

from typing import Any

import falcon

from core.web.forms import read_form
from appliance.web.registry.documents import TEMPLATE_HELPERS, documents_by_application, find_document, send_document
from appliance.web.results.common import ResultsResource, duration_text, local_time, points_text
from core import audit
from core.exceptions import ValidationError
from core.models import ExamAttempt, FinishReason, Verdict
from core.models.exams import GROUP_THEORY
from core.services import commission, results
from core.services.attempts import THEORY
from core.validators import format_snils
from core.workflow import Status
from federation.deadlines import appliance_settings, spk_due

NOTICES = {
    "returned": "Результат возвращён экспертной комиссии на доработку.",
    "sent": "Результат передан в СПК.",
}


def _snils(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return format_snils(value)
    except ValidationError:
        return value


class CaseResource(ResultsResource):
    """GET the личное дело; subclasses run one button and come back to it."""

    def stage(self, attempt: ExamAttempt, exam_types: dict) -> dict[str, Any]:
        """What the page shows of one stage: times, score, threshold and links."""
        group, data, details = attempt.member.group, attempt.data, attempt.score_details
        provider = exam_types.get(attempt.stage)
        task = data.get("task") or {}
        pass_points = details.get("pass_points", data.get("pass_points"))
        base = f"/cabinet/{self.cabinet}"
        return {
            "attempt": attempt, "group": group,
            "title": provider.title if provider else attempt.stage,
            "date": group.starts_at, "start": local_time(attempt.started_at),
            "end": local_time(attempt.finished_at), "duration": duration_text(attempt),
            "questions": len(data.get("questions") or []),
            "answered": details.get("answered"), "correct": details.get("correct"),
            "points": points_text(attempt.points), "max_points": points_text(attempt.max_points),
            "threshold": points_text(pass_points) if pass_points is not None else "—",
            "finish_reason": FinishReason.TITLES.get(attempt.finish_reason or "", ""),
            "task": task.get("title"),
            "review_url": provider.review_path.format(attempt_id=attempt.id)
            if provider is not None and provider.review_path else None,
            "sheet_url": f"{base}/theory/{group.id}/sheet.pdf" if group.kind == GROUP_THEORY else None,
            "report_url": self.url(f"/{attempt.member.application_id}/theory-report")
            if attempt.stage == THEORY and attempt.finished_at else None,
        }

    def show(self, req, resp, user, application, *, status=falcon.HTTP_200, error=None, field=None,
             form=None, notice=None) -> None:
        case = results.case_file(user, application)
        exam_types = self.services.plugins.exam_types()
        person = dict(case.person, snils=_snils(case.person["snils"]))
        decided = application.status == Status.COMMISSION_DECIDED.value
        exam_date = max((a.member.group.starts_at for a in case.attempts), default=None)
        self.page(req, resp, "results/case.html", status=status, title=f"Личное дело: {person['full_name']}",
                  case=case, application=application, person=person,
                  stages=[self.stage(a, exam_types) for a in case.attempts],
                  group_base=f"/cabinet/{self.cabinet}", documents_url=f"/cabinet/{self.cabinet}/applications/"
                                                                   f"{application.id}/documents",
                  status_title=Status(application.status).title, verdict_titles=Verdict.TITLES,
                  decided=decided, queued_at=results.to_local(case.submission.queued_at) if case.submission else None,
                  sent_at=results.to_local(case.submission.sent_at) if case.submission else None,
                  deadline=spk_due(application, appliance_settings(self.services), exam_date=exam_date),
                  registry_documents=documents_by_application([application.id])[application.id],
                  form=form or {}, notice=notice, errors={field or "form": error} if error else {}, **TEMPLATE_HELPERS)

    def on_get(self, req, resp, application_id):
        user, application = self.load(req, application_id)
        audit.record("view", "personal_file", application.id)
        self.show(req, resp, user, application, notice=NOTICES.get(req.get_param("notice") or ""))


class ReturnResource(CaseResource):
    """POST «Вернуть на доработку»: back to the experts with the ЦОК's comment."""

    def on_post(self, req, resp, application_id):
        user, application = self.load(req, application_id)
        form = read_form(req)
        try:
            commission.return_for_rework(user, application, form.get("comment", ""), self.services.plugins)
        except ValidationError as ex:
            self.show(req, resp, user, results.get_examined(user, application.id), status=falcon.HTTP_422,
                      error=ex.message, field=ex.field or "form", form=form)
            return
        raise falcon.HTTPSeeOther(self.url(f"/{application.id}?notice=returned"))


class SendResource(CaseResource):
    """POST «Отправить в СПК»: the result is queued for the central registry."""

    def on_post(self, req, resp, application_id):
        user, application = self.load(req, application_id)
        read_form(req)
        try:
            commission.send_to_spk(user, application, self.services.plugins)
        except ValidationError as ex:
            self.show(req, resp, user, results.get_examined(user, application.id), status=falcon.HTTP_422,
                      error=ex.message, field=ex.field or "form")
            return
        raise falcon.HTTPSeeOther(self.url(f"/{application.id}?notice=sent"))


class RegistryDocumentResource(ResultsResource):
    """GET the PDF of the Свидетельство / Заключение the registry sent for this application."""

    def on_get(self, req, resp, application_id, public_id):
        _user, application = self.load(req, application_id)
        send_document(resp, self.services, find_document(application.id, public_id))
