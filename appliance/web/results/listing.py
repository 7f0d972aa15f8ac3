"""«Результаты экзаменов»: the list of examined candidates with its filters (seed 002, ЦОК).

Filters and pages are applied in the database (`core.services.results.list_results`); the
names shown are personal data, so each view is audited.
"""
from __future__ import annotations

from appliance.web.centre.common import form_errors, page_links
from appliance.web.registry.documents import TEMPLATE_HELPERS, documents_by_application
from appliance.web.results.common import ResultsResource
from core import audit
from core.exceptions import ValidationError
from core.models import Verdict
from core.services import catalog, results
from core.workflow import Status
from federation.deadlines import appliance_settings, last_exam_dates, spk_due

FILTER_FIELDS = ("name", "qualification", "status", "date_from", "date_to")


class ResultsListResource(ResultsResource):
    def on_get(self, req, resp):
        user = self.guard(req, self.cabinet)
        params = {name: (req.get_param(name) or "").strip() for name in FILTER_FIELDS}
        page = req.get_param_as_int("page", default=1, min_value=1, max_value=100_000)
        rows, total, errors = [], 0, {}
        try:
            flt = results.parse_filter(params)
        except ValidationError as ex:
            errors = form_errors(ex)
        else:
            rows, total = results.list_results(user, flt, page)
            audit.record("view", "exam_results", user.organisation_id,
                         {"page": page, **{k: v for k, v in params.items() if v}})
        settings = appliance_settings(self.services)
        exam_days = last_exam_dates(row.application.id for row in rows)
        deadlines = {row.application.id: spk_due(row.application, settings, exam_date=exam_days.get(row.application.id))
                     for row in rows}
        self.page(req, resp, "results/list.html", title="Результаты экзаменов", status=self.status_of(errors),
                  rows=rows, total=total, form=params, errors=errors,
                  links=page_links(page, total, results.PAGE_SIZE, params),
                  statuses=[(s.value, s.title) for s in results.RESULT_STATUSES],
                  qualifications=[(row.qualification.id, row.qualification.title)
                                  for row in catalog.list_offers(user.organisation)],
                  status_title=lambda value: Status(value).title, verdict_titles=Verdict.TITLES,
                  deadlines=deadlines, documents=documents_by_application(deadlines), **TEMPLATE_HELPERS)
