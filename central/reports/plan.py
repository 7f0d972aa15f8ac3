"""«План-график»: the exam groups the ЦОК's appliances reported (`exam_schedule` bundles).

Filtered by period, ЦОК, квалификация and этап in the database, shown day by day, exported to CSV.
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import peewee
from peewee import JOIN

from central.models import PlannedExam
from central.reports.common import Page, page_bounds, planned_scope
from core.models import Organisation, OrgKind, Qualification
from core.models.exams import GROUP_KIND_TITLES
from core.services.applicant_profile import Checker
from core.services.list_filters import read_period, read_qualification, within_days

DEFAULT_DAYS = 60
PER_PAGE = 100
STATUS_TITLES = {
    "planned": "Запланирован", "scheduled": "Запланирован", "forming": "Формируется", "ordered": "Приказ подписан",
    "started": "Идёт экзамен", "in_progress": "Идёт экзамен", "finished": "Завершён", "completed": "Завершён",
    "cancelled": "Отменён", "canceled": "Отменён",
}
HEADERS = ["Дата", "Время", "ЦОК", "Площадка", "Квалификация", "Этап", "Число соискателей", "Статус"]


@dataclass
class PlanFilters:
    date_from: dt.date
    date_to: dt.date
    cok_id: int | None = None
    qualification_id: int | None = None
    stage: str | None = None


@dataclass
class PlanDay:
    day: dt.date
    exams: list[PlannedExam]


def stage_title(stage: str) -> str:
    return GROUP_KIND_TITLES.get(stage, stage)


def status_title(status: str) -> str:
    """The appliance's group status in Russian (a status it already sent in Russian stays as is)."""
    return STATUS_TITLES.get(status, status) or "—"


def parse_filters(params: Mapping[str, str], today: dt.date | None = None) -> PlanFilters:
    """Read «С даты», «По дату», «ЦОК», «Квалификация», «Этап»; raise `FormErrors` naming every wrong field.

    An empty period is the 60 days from today; a period with one end given lasts 60 days.
    """
    check = Checker()
    today = today or dt.date.today()
    date_from, date_to = read_period(check, params, "С даты", "По дату")
    if date_from is None:  # from today on, or the 60 days up to a «по» already past
        date_from = today if date_to is None or date_to >= today else date_to - dt.timedelta(days=DEFAULT_DAYS)
    date_to = date_to or date_from + dt.timedelta(days=DEFAULT_DAYS)
    if "date_to" not in check.errors and date_to < date_from:
        check.add("date_to", "Дата «по» раньше даты «с».")
    qualification = read_qualification(check, params)
    cok = params.get("cok") or ""
    if cok and not cok.isdigit():
        check.add("cok", "Выберите ЦОК из списка.")
    stage = params.get("stage") or None
    if stage and stage not in GROUP_KIND_TITLES:
        check.add("stage", "Выберите этап из списка.")
    check.raise_if_any()
    return PlanFilters(date_from, date_to, int(cok) if cok else None, qualification, stage)


def cok_choices(spk: Organisation) -> list[tuple[int, str]]:
    return [(org.id, org.short_name) for org in Organisation.select(Organisation.id, Organisation.short_name)
            .where(Organisation.parent == spk, Organisation.kind == OrgKind.COK.value)
            .order_by(Organisation.short_name)]


def qualification_choices(spk: Organisation) -> list[tuple[int, str]]:
    return [(q.id, f"{q.code} {q.title}") for q in Qualification.select()
            .where(Qualification.spk == spk).order_by(Qualification.code)]


def stage_choices() -> list[tuple[str, str]]:
    return list(GROUP_KIND_TITLES.items())


def planned_exams(spk: Organisation, filters: PlanFilters) -> peewee.ModelSelect:
    """The filtered groups with their ЦОК and площадка, by date and time."""
    cok, venue = Organisation.alias("cok"), Organisation.alias("venue")
    conditions = [planned_scope(spk), *within_days(PlannedExam.starts_at, filters.date_from, filters.date_to)]
    if filters.cok_id:
        conditions.append(PlannedExam.cok == filters.cok_id)
    if filters.qualification_id:
        conditions.append(PlannedExam.qualification == filters.qualification_id)
    if filters.stage:
        conditions.append(PlannedExam.stage == filters.stage)
    return (PlannedExam.select(PlannedExam, cok, venue)
            .join_from(PlannedExam, cok, on=(PlannedExam.cok == cok.id))
            .join_from(PlannedExam, venue, JOIN.LEFT_OUTER, on=(PlannedExam.venue == venue.id))
            .where(*conditions)
            .order_by(PlannedExam.starts_at, cok.short_name, PlannedExam.id))


def list_planned(spk: Organisation, filters: PlanFilters, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the filtered plan; its rows are `PlanDay`s (a day may continue on the next page)."""
    query = planned_exams(spk, filters)
    total = query.count()
    page, pages = page_bounds(total, page, per_page)
    exams = list(query.paginate(page, per_page))
    days = [PlanDay(day, list(group)) for day, group in itertools.groupby(exams, key=lambda e: e.starts_at.date())]
    return Page(rows=days, total=total, page=page, pages=pages, per_page=per_page)


def export_rows(spk: Organisation, filters: PlanFilters) -> Iterator[list[Any]]:
    """Every filtered group as a CSV line (`HEADERS`), read from the database in batches."""
    for exam in planned_exams(spk, filters).iterator():
        yield [exam.starts_at.date(), f"{exam.starts_at:%H:%M}", exam.cok.short_name,
               exam.venue.short_name if exam.venue_id else "", exam.qualification_title, stage_title(exam.stage),
               exam.candidates, status_title(exam.status)]


def export_name(filters: PlanFilters) -> str:
    return f"План-график {filters.date_from:%d.%m.%Y}–{filters.date_to:%d.%m.%Y}.csv"
