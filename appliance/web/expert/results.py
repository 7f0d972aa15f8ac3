"""«Результаты экзаменов» of the expert (seed 002 «Сценарий для Эксперта»): the list and the review page.

The list shows the results the expert's commissions decide, with the seed's filters. The
review page («Приступить к проверке») shows the exam, its video, the answers, each stage's
points, and the «Решение экспертной комиссии» form: the expert's own verdict and comment, or
for the chair one verdict per member. Below it the commission's protocol (`protocol.py`).
"""
from __future__ import annotations

import falcon

from appliance.web.centre.common import page_links
from appliance.web.expert.common import RESULTS, ExpertResource, result_url
from core.web.forms import read_form
from core import audit
from core.exceptions import ValidationError
from core.models import Application, GroupVideo, Verdict
from core.services import commission, commission_facts, commission_protocol
from core.uploads import megabytes
from core.workflow import Status

NOTICES = {
    "saved": "Решение сохранено. Оно будет выгружено в протокол экспертной комиссии.",
    "decided": "Решение сохранено. Все эксперты вынесли решение: результат передан ЦОК для отправки в СПК.",
    "protocol": "Протокол сформирован. Скачайте его или подпишите факсимиле членов комиссии.",
    "signed": "Протокол подписан факсимиле членов экспертной комиссии.",
    "uploaded": "Подписанный протокол загружен.",
}
PLAYABLE = frozenset({"video/mp4", "video/webm", "video/ogg"})  # played in the page; others downloaded
STATUS_CHOICES = [(s.value, s.title) for s in commission.RESULT_STATUSES]


def _date(req, name: str):
    """A date filter; the form sends an empty field as «name=» (kept by Falcon 4), which means no filter."""
    return req.get_param_as_date(name) if (req.get_param(name) or "").strip() else None


def _filters(req) -> tuple[commission.ResultFilter, dict[str, str], dict[str, str]]:
    errors: dict[str, str] = {}
    status = (req.get_param("status") or "").strip()
    if status and status not in dict(STATUS_CHOICES):
        errors["status"] = "Выберите статус из списка."
        status = ""
    flt = commission.ResultFilter(name=(req.get_param("name") or "").strip()[:300], status=status or None,
                                  date_from=_date(req, "date_from"), date_to=_date(req, "date_to"))
    shown = {"name": flt.name, "status": status, "date_from": req.get_param("date_from") or "",
             "date_to": req.get_param("date_to") or ""}
    return flt, {k: v for k, v in shown.items() if v}, errors


class ResultsListResource(ExpertResource):
    def on_get(self, req, resp):
        user = self.guard(req)
        flt, shown, errors = _filters(req)
        page = req.get_param_as_int("page", default=1, min_value=1)
        rows, total = commission.results_for_expert(user, flt, page)
        self.page(req, resp, "expert/results.html", title="Результаты экзаменов", rows=rows, total=total,
                  filters=shown, errors=errors, statuses=STATUS_CHOICES, verdicts=Verdict.TITLES,
                  status_title=lambda value: Status(value).title,
                  links=page_links(page, total, commission.PAGE_SIZE, shown), results_url=RESULTS,
                  status=falcon.HTTP_422 if errors else falcon.HTTP_200)


class ResultResource(ExpertResource):
    """GET the review page; POST the decision form."""

    def show(self, req, resp, user, application, group, *, status=falcon.HTTP_200, errors=None, form=None):
        stages = commission_facts.stage_results(application, self.services.plugins)
        view = commission_facts.commission_view(application, group)
        me = view.of(user)
        groups = {group.id, *(s.group.id for s in stages)}
        shown = {"comment": (me.decision.comment or "") if me and me.decision else ""}
        shown.update({f"verdict_{m.member.expert_id}": m.verdict for m in view.members})
        shown.update(form or {})  # what was typed wins over what is stored
        app_status = Status(application.status)
        self.page(req, resp, "expert/result.html", status=status,
                  title=f"Результаты экзамена: {application.full_name}", application=application, group=group,
                  stages=stages, view=view, me=me, is_chair=bool(me and me.member.is_chair),
                  can_decide=commission.ready_for_decision(application), status_title=app_status.title,
                  decided=app_status is Status.COMMISSION_DECIDED, after_spk=app_status in commission.AFTER_SPK,
                  verdicts=Verdict.TITLES, verdict_choices=(Verdict.PASSED, Verdict.FAILED, Verdict.NONE),
                  protocol=commission_protocol.protocol_of(group),
                  videos=list(GroupVideo.select().where(GroupVideo.group.in_(list(groups)))
                              .order_by(GroupVideo.uploaded_at, GroupVideo.id)),
                  exam_kind=commission_facts.EXAM_KIND_TITLES.get(stages[-1].stage if stages else "", "—"),
                  url=result_url(application.id), errors=errors or {}, form=shown, megabytes=megabytes,
                  show_number=commission_facts.show_number, playable=PLAYABLE,
                  notice=NOTICES.get(req.get_param("notice") or ""))

    def on_get(self, req, resp, application_id):
        user, application, group = self.result(req, application_id)
        audit.record("view", "application", application.id, {"page": "expert_result"})
        self.show(req, resp, user, application, group)

    def on_post(self, req, resp, application_id):
        user, application, group = self.result(req, application_id)
        form = read_form(req)
        me = commission_facts.membership(user, group)
        plugins = self.services.plugins
        try:
            if me.is_chair:
                verdicts = {m.expert_id: form[f"verdict_{m.expert_id}"] for m in commission_facts.commission_of(group)
                            if f"verdict_{m.expert_id}" in form}
                commission.decide_all(user, application, verdicts, plugins,
                                      comments={user.id: form.get("comment", "")})
            else:
                commission.decide(user, application, form.get(f"verdict_{user.id}", ""), plugins,
                                  comment=form.get("comment", ""))
        except ValidationError as ex:
            field = ex.field if ex.field and ex.field.startswith("verdict") else "form"
            if field == "verdict":
                field = f"verdict_{user.id}"
            self.show(req, resp, user, application, group, status=falcon.HTTP_422, errors={field: ex.message},
                      form=form)
            return
        decided = Status(Application.get_by_id(application.id).status) is Status.COMMISSION_DECIDED
        raise falcon.HTTPSeeOther(result_url(application.id, "?notice=" + ("decided" if decided else "saved")))
