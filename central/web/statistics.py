"""«Статистика» of the СПК cabinet: the report table, its two charts, «Скачать CSV» and «Скачать XLSX»."""
from __future__ import annotations

import falcon

from central.reports import statistics
from central.reports.charts import number_ru
from central.reports.export import CSV_TYPE, XLSX_TYPE, csv_bytes, send_file, xlsx_bytes
from central.web.spk_pages import SpkResource, query_string

SECTION = "statistics"
BASE = "/cabinet/spk/statistics"
FIELDS = ("date_from", "date_to", "grouping")


class StatisticsResource(SpkResource):
    """GET the report for a period (by default the last twelve months) and a grouping."""

    section = SECTION

    def on_get(self, req, resp):
        spk, form, filters, errors = self.filtered(req, FIELDS, statistics.parse_filters)
        stats, charts = None, {}
        if filters is not None:
            stats = statistics.compute(spk, filters)
            charts = {"pass_rate": statistics.pass_rate_chart(stats), "months": statistics.months_chart(stats)}
            form.update(date_from=filters.date_from.isoformat(), date_to=filters.date_to.isoformat(),
                        grouping=filters.grouping)
        query = query_string(form)
        self.services.render(req, resp, "statistics/report.html",
                             status=falcon.HTTP_422 if errors else falcon.HTTP_200, title="Статистика",
                             stats=stats, charts=charts, form=form, errors=errors, base=BASE,
                             groupings=list(statistics.GROUPINGS.items()), number=number_ru,
                             csv_url=f"{BASE}.csv{query}", xlsx_url=f"{BASE}.xlsx{query}")


class StatisticsExportResource(SpkResource):
    """GET the table as CSV (Excel's Russian dialect) or XLSX."""

    section = SECTION

    def __init__(self, services, file_format: str):
        super().__init__(services)
        self.file_format = file_format

    def on_get(self, req, resp):
        spk, filters = self.export_filtered(req, FIELDS, statistics.parse_filters)
        stats = statistics.compute(spk, filters)
        headers, rows = statistics.table(stats)
        name = statistics.export_name(stats, self.file_format)
        if self.file_format == "csv":
            send_file(resp, csv_bytes(headers, rows), name, CSV_TYPE)
        else:
            send_file(resp, xlsx_bytes("Статистика", headers, rows, bold_last_row=True), name, XLSX_TYPE)


def add_routes(app, services) -> None:
    app.add_route(BASE, StatisticsResource(services))
    app.add_route(BASE + ".csv", StatisticsExportResource(services, "csv"))
    app.add_route(BASE + ".xlsx", StatisticsExportResource(services, "xlsx"))
