"""«Статистика»: results of a period grouped by ЦОК, площадка or квалификация, with totals and months.

Everything is counted by the database (one GROUP BY for the groups, one aggregate for the totals,
one GROUP BY for the months), so the report costs the same statements at a hundred results or a million.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

import peewee
from markupsafe import Markup
from peewee import JOIN, SQL, Case, fn

from central.models import Certificate, CertificateKind, CentralResult
from central.reports.charts import Bar, horizontal_bars, number_ru, vertical_bars
from central.reports.common import add_months, days_between, month_of, overdue_condition, result_scope, settings_for
from core.models import Organisation, Verdict
from core.services.applicant_profile import Checker
from core.services.list_filters import read_period

BY_COK, BY_VENUE, BY_QUALIFICATION = "cok", "venue", "qualification"
GROUPINGS = {BY_COK: "по ЦОК", BY_VENUE: "по площадкам", BY_QUALIFICATION: "по квалификациям"}
GROUP_HEADERS = {BY_COK: "ЦОК", BY_VENUE: "Площадка", BY_QUALIFICATION: "Квалификация"}
NO_VENUE = "Без площадки"
MAX_YEARS = 10
HEADERS = ("Экзаменов", "Сдали", "Доля сдавших, %", "Средний балл теории, %",
           "Среднее время от заявления до свидетельства, дн.", "Просрочено")
_MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


@dataclass
class StatsFilters:
    """The period of exam dates (both days included) and the grouping."""

    date_from: dt.date
    date_to: dt.date
    grouping: str = BY_COK


@dataclass
class StatsRow:
    """One line of the table; percentages and days rounded to a tenth, None when nothing to average."""

    label: str
    exams: int
    passed: int
    pass_rate: Decimal | None
    theory_avg: Decimal | None
    days_to_certificate: Decimal | None
    overdue: int


@dataclass
class MonthRow:
    month: dt.date  # its first day
    exams: int
    passed: int

    @property
    def label(self) -> str:
        return f"{_MONTHS_SHORT[self.month.month - 1]} {self.month.year}"


@dataclass
class Statistics:
    filters: StatsFilters
    rows: list[StatsRow]
    total: StatsRow
    months: list[MonthRow]

    @property
    def group_header(self) -> str:
        return GROUP_HEADERS[self.filters.grouping]


def default_filters(today: dt.date | None = None) -> StatsFilters:
    """The last twelve months, whole months: from the first day eleven months ago to today."""
    today = today or dt.date.today()
    return StatsFilters(add_months(today, -11), today)


def parse_filters(params: Mapping[str, str], today: dt.date | None = None) -> StatsFilters:
    """Read «С даты», «По дату» and «Группировка»; raise `FormErrors` naming every wrong field.

    «По» defaults to today, «с» to the first day of the month eleven months before «по».
    """
    check = Checker()
    defaults = default_filters(today)
    date_from, date_to = read_period(check, params, "С даты", "По дату")
    grouping = params.get("grouping") or BY_COK
    if grouping not in GROUPINGS:
        check.add("grouping", "Выберите группировку из списка.")
    date_to = date_to or defaults.date_to
    date_from = date_from or add_months(date_to, -11)
    if "date_to" not in check.errors and date_to < date_from:
        check.add("date_to", "Дата «по» раньше даты «с».")
    if not check.errors and (date_to - date_from).days > MAX_YEARS * 366:
        check.add("date_to", f"Период отчёта — не более {MAX_YEARS} лет.")
    check.raise_if_any()
    return StatsFilters(date_from, date_to, grouping)


def _issued_certificates() -> peewee.Select:
    """The first issue date of each result's свидетельство (duplicates not counted), one row per result."""
    return (Certificate
            .select(Certificate.result.alias("result_id"), fn.MIN(Certificate.issued_on).alias("issued_on"))
            .where(Certificate.kind == CertificateKind.CERTIFICATE, Certificate.is_duplicate == False,  # noqa: E712
                   Certificate.issued_on.is_null(False))
            .group_by(Certificate.result)
            .alias("issued"))


def _measures(issued: peewee.Select, overdue: peewee.Expression) -> list[peewee.Node]:
    points, maximum = CentralResult.theory_points, CentralResult.theory_max_points
    theory_percent = Case(None, [(points.is_null(False) & (maximum > 0), points * SQL("100.0") / maximum)], None)
    return [fn.COUNT(CentralResult.id).alias("exams"),
            fn.SUM(Case(None, [(CentralResult.decision == Verdict.PASSED, 1)], 0)).alias("passed"),
            fn.AVG(theory_percent).alias("theory_avg"),
            fn.AVG(days_between(CentralResult.applied_at, issued.c.issued_on)).alias("days"),
            fn.SUM(Case(None, [(overdue, 1)], 0)).alias("overdue")]


def _base(spk: Organisation, filters: StatsFilters, columns: list[peewee.Node], issued: peewee.Select) -> peewee.Select:
    return (CentralResult.select(*columns)
            .join(issued, JOIN.LEFT_OUTER, on=(issued.c.result_id == CentralResult.id))
            .where(result_scope(spk), CentralResult.exam_date >= filters.date_from,
                   CentralResult.exam_date <= filters.date_to))


def _tenth(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _row(label: str, data: Mapping[str, Any]) -> StatsRow:
    exams, passed = int(data["exams"] or 0), int(data["passed"] or 0)
    return StatsRow(label=label, exams=exams, passed=passed,
                    pass_rate=_tenth(Decimal(passed) * 100 / exams) if exams else None,
                    theory_avg=_tenth(data["theory_avg"]), days_to_certificate=_tenth(data["days"]),
                    overdue=int(data["overdue"] or 0))


def _group_rows(spk: Organisation, filters: StatsFilters, measures, issued) -> list[StatsRow]:
    if filters.grouping == BY_QUALIFICATION:
        label = fn.MAX(CentralResult.qualification_title)
        query = (_base(spk, filters, [CentralResult.qualification_code.alias("code"), label.alias("label"), *measures],
                       issued)
                 .group_by(CentralResult.qualification_code).order_by(CentralResult.qualification_code))
        return [_row(f"{data['code']} {data['label']}", data) for data in query.dicts()]
    org = Organisation.alias("grouped")
    field = CentralResult.cok if filters.grouping == BY_COK else CentralResult.venue
    query = (_base(spk, filters, [org.id.alias("org_id"), org.short_name.alias("label"), *measures], issued)
             .join_from(CentralResult, org, JOIN.LEFT_OUTER, on=(field == org.id))
             .group_by(org.id, org.short_name).order_by(org.short_name.is_null(), org.short_name))
    return [_row(data["label"] or NO_VENUE, data) for data in query.dicts()]


def _months(spk: Organisation, filters: StatsFilters) -> list[MonthRow]:
    month = month_of(CentralResult.exam_date)
    query = (CentralResult
             .select(month.alias("month"), fn.COUNT(CentralResult.id).alias("exams"),
                     fn.SUM(Case(None, [(CentralResult.decision == Verdict.PASSED, 1)], 0)).alias("passed"))
             .where(result_scope(spk), CentralResult.exam_date >= filters.date_from,
                    CentralResult.exam_date <= filters.date_to)
             .group_by(month))
    counted = {data["month"]: data for data in query.dicts()}
    rows, current = [], add_months(filters.date_from, 0)
    while current <= filters.date_to:
        data = counted.get(f"{current:%Y-%m}", {})
        rows.append(MonthRow(current, int(data.get("exams") or 0), int(data.get("passed") or 0)))
        current = add_months(current, 1)
    return rows


def compute(spk: Organisation, filters: StatsFilters, today: dt.date | None = None) -> Statistics:
    """The table, its «Итого» line (counted over all rows, not averaged from groups) and the months."""
    today = today or dt.date.today()
    issued = _issued_certificates()
    measures = _measures(issued, overdue_condition(settings_for(spk), today))
    rows = _group_rows(spk, filters, measures, issued)
    total = _row("Итого", _base(spk, filters, measures, issued).dicts().get())
    return Statistics(filters, rows, total, _months(spk, filters))


def table(stats: Statistics) -> tuple[list[str], list[list[Any]]]:
    """Headers and lines (totals last) for «Скачать CSV» / «Скачать XLSX»: numbers stay numbers."""
    headers = [stats.group_header, *HEADERS]
    lines = [[row.label, row.exams, row.passed, row.pass_rate, row.theory_avg, row.days_to_certificate, row.overdue]
             for row in [*stats.rows, stats.total]]
    return headers, lines


def export_name(stats: Statistics, extension: str) -> str:
    f = stats.filters
    return f"Статистика {GROUPINGS[f.grouping]} {f.date_from:%d.%m.%Y}–{f.date_to:%d.%m.%Y}.{extension}"


def pass_rate_chart(stats: Statistics) -> Markup:
    """«Доля сдавших» per group: one bar each."""
    bars = [Bar(row.label, float(row.pass_rate or 0),
                f"{row.label}: сдали {row.passed} из {row.exams} ({number_ru(row.pass_rate)} %)")
            for row in stats.rows]
    return horizontal_bars(bars, title=f"Доля сдавших {GROUPINGS[stats.filters.grouping]}, %")


def months_chart(stats: Statistics) -> Markup:
    """Exams per month of the period, the passed ones drawn over them."""
    bars = [Bar(_MONTHS_SHORT[m.month.month - 1], float(m.exams), f"{m.label}: экзаменов {m.exams}, сдали {m.passed}",
                part=float(m.passed), sublabel=str(m.month.year) if index == 0 or m.month.month == 1 else "")
            for index, m in enumerate(stats.months)]
    return vertical_bars(bars, title="Экзамены по месяцам", legend=("Экзаменов", "Сдали"))
