"""«План-график» of the СПК cabinet: the exams its ЦОК plan, day by day, and its CSV."""
from __future__ import annotations

import falcon

from central.reports import plan
from central.reports.export import CSV_TYPE, csv_bytes, send_file
from central.reports.web import form_errors, page_links, page_number, query_string, spk_of
from core.exceptions import ValidationError

SECTION = "schedule"
BASE = "/cabinet/spk/schedule"
FIELDS = ("date_from", "date_to", "cok", "qualification", "stage")


def _params(req) -> dict[str, str]:
    return {name: (req.get_param(name) or "").strip() for name in FIELDS}


class PlanResource:
    """GET the plan with its filters (by default from today for 60 days)."""

    def __init__(self, services):
        self.services = services

    def on_get(self, req, resp):
        user, spk = spk_of(req, self.services, SECTION)
        form, errors, page = _params(req), {}, None
        try:
            filters = plan.parse_filters(form)
        except ValidationError as ex:
            errors = form_errors(ex)
        else:
            page = plan.list_planned(spk, filters, page_number(req))
            form.update(date_from=filters.date_from.isoformat(), date_to=filters.date_to.isoformat())
        self.services.render(req, resp, "plan/list.html", status=falcon.HTTP_422 if errors else falcon.HTTP_200,
                             title="План-график", page=page, form=form, errors=errors, base=BASE,
                             links=page_links(page.page, page.pages, form) if page else [],
                             export_url=f"{BASE}.csv{query_string(form)}", coks=plan.cok_choices(spk),
                             qualifications=plan.qualification_choices(spk), stages=plan.stage_choices(),
                             stage_title=plan.stage_title, status_title=plan.status_title)


class PlanCsvResource:
    """GET «Скачать CSV»: every row of the filtered plan."""

    def __init__(self, services):
        self.services = services

    def on_get(self, req, resp):
        user, spk = spk_of(req, self.services, SECTION)
        try:
            filters = plan.parse_filters(_params(req))
        except ValidationError as ex:
            raise falcon.HTTPBadRequest(title="Неверный фильтр", description=ex.message) from None
        send_file(resp, csv_bytes(plan.HEADERS, plan.export_rows(spk, filters)), plan.export_name(filters), CSV_TYPE)


def add_routes(app, services) -> None:
    app.add_route(BASE, PlanResource(services))
    app.add_route(BASE + ".csv", PlanCsvResource(services))
