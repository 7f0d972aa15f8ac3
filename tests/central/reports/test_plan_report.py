"""«План-график»: the СПК's planned exams, filtered and grouped by day in the database."""
import datetime as dt

import pytest

from central.reports import plan
from central.reports.plan import PlanFilters
from central.reports.testing import OtherSpk, make_planned
from core.exceptions import ValidationError
from core.testing import count_queries

D1, D2 = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


@pytest.fixture
def planned(spk_world, factory):
    q1, q2 = spk_world.qualifications
    profi, south = spk_world.coks
    exams = {
        "d1_theory": make_planned(spk_world, starts_at=_at(D1, 10), candidates=12),
        "d1_practice": make_planned(spk_world, starts_at=_at(D1, 14), stage="practice", cok=south, venue=None,
                                    qualification=q2, status="finished"),
        "d2": make_planned(spk_world, starts_at=_at(D2, 9), qualification=q2, candidates=3),
        "later": make_planned(spk_world, starts_at=_at(D2 + dt.timedelta(days=30), 9)),
    }
    other = OtherSpk(factory)
    make_planned(spk_world, starts_at=_at(D1, 11), cok=other.cok, qualification=other.qualification)
    return exams


def _ids(page):
    return [[e.id for e in day.exams] for day in page.rows]


def test_days_in_order_without_another_spk(spk_world, planned):
    filters = PlanFilters(D1, D2)
    with count_queries(spk_world.services.db) as queries:
        page = plan.list_planned(spk_world.spk, filters)
        [(e.cok.short_name, e.venue_id and e.venue.short_name) for day in page.rows for e in day.exams]
    assert len(queries) == 2  # the count and the page with its ЦОК and площадка joined
    assert [day.day for day in page.rows] == [D1, D2]
    assert _ids(page) == [[planned["d1_theory"].id, planned["d1_practice"].id], [planned["d2"].id]]
    assert page.total == 3


def test_filters(spk_world, planned):
    q1, q2 = spk_world.qualifications
    south = spk_world.coks[1]
    assert _ids(plan.list_planned(spk_world.spk, PlanFilters(D1, D2, stage="practice"))) == [
        [planned["d1_practice"].id]]
    assert _ids(plan.list_planned(spk_world.spk, PlanFilters(D1, D2, cok_id=south.id))) == [
        [planned["d1_practice"].id]]
    assert _ids(plan.list_planned(spk_world.spk, PlanFilters(D1, D2, qualification_id=q2.id))) == [
        [planned["d1_practice"].id], [planned["d2"].id]]
    assert _ids(plan.list_planned(spk_world.spk, PlanFilters(D2, D2))) == [[planned["d2"].id]]


def test_pages_may_split_a_day(spk_world, planned):
    page = plan.list_planned(spk_world.spk, PlanFilters(D1, D2), page=2, per_page=2)
    assert _ids(page) == [[planned["d2"].id]] and (page.page, page.pages) == (2, 2)


def test_export_rows(spk_world, planned):
    rows = list(plan.export_rows(spk_world.spk, PlanFilters(D1, D1)))
    q1, q2 = spk_world.qualifications
    assert rows == [
        [D1, "10:00", "ЦОК «Профи»", "Площадка «Север»", q1.title, "Теория", 12, "Запланирован"],
        [D1, "14:00", "ЦОК «Юг»", "", q2.title, "Практика", 5, "Завершён"],
    ]


def test_filter_defaults_and_errors():
    default = plan.parse_filters({}, today=D1)
    assert (default.date_from, default.date_to) == (D1, D1 + dt.timedelta(days=60))
    parsed = plan.parse_filters({"date_from": "01.12.2026", "cok": "7", "qualification": "3", "stage": "theory"},
                                today=D1)
    assert parsed == PlanFilters(dt.date(2026, 12, 1), dt.date(2027, 1, 30), 7, 3, "theory")
    past = plan.parse_filters({"date_to": "2026-10-31"}, today=D1)
    assert (past.date_from, past.date_to) == (dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    with pytest.raises(ValidationError) as caught:
        plan.parse_filters({"date_from": "2026-11-02", "date_to": "2026-11-01", "cok": "x", "qualification": "y",
                            "stage": "oral"}, today=D1)
    assert caught.value.errors == {"date_to": "Дата «по» раньше даты «с».",
                                   "qualification": "Выберите квалификацию из списка.",
                                   "cok": "Выберите ЦОК из списка.", "stage": "Выберите этап из списка."}
