"""«План-график» of the СПК cabinet: the exams its ЦОК plan, day by day, and its CSV."""
from __future__ import annotations

import falcon

from central.reports import plan
from central.reports.export import CSV_TYPE, csv_bytes, send_file
from central.web.spk_pages import SpkResource, page_links, page_number, query_string

SECTION = "schedule"
BASE = "/cabinet/spk/schedule"
FIELDS = ("date_from", "date_to", "cok", "qualification", "stage")


class PlanResource(SpkResource):
    """GET the plan with its filters (by default from today for 60 days)."""

    section = SECTION

    def on_get(self, req, resp):
        spk, form, filters, errors = self.filtered(req, FIELDS, plan.parse_filters)
        page = None
        if filters is not None:
            page = plan.list_planned(spk, filters, page_number(req))
            form.update(date_from=filters.date_from.isoformat(), date_to=filters.date_to.isoformat())
        self.services.render(req, resp, "plan/list.html", status=falcon.HTTP_422 if errors else falcon.HTTP_200,
                             title="План-график", page=page, form=form, errors=errors, base=BASE,
                             links=page_links(page, form) if page else [],
                             export_url=f"{BASE}.csv{query_string(form)}", coks=plan.cok_choices(spk),
                             qualifications=plan.qualification_choices(spk), stages=plan.stage_choices(),
                             stage_title=plan.stage_title, status_title=plan.status_title)


class PlanCsvResource(SpkResource):
    """GET «Скачать CSV»: every row of the filtered plan."""

    section = SECTION

    def on_get(self, req, resp):
        spk, filters = self.export_filtered(req, FIELDS, plan.parse_filters)
        send_file(resp, csv_bytes(plan.HEADERS, plan.export_rows(spk, filters)), plan.export_name(filters), CSV_TYPE)


def add_routes(app, services) -> None:
    app.add_route(BASE, PlanResource(services))
    app.add_route(BASE + ".csv", PlanCsvResource(services))
