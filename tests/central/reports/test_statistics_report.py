"""«Статистика» against a small data set whose figures were worked out by hand (see each test).

Every test runs on SQLite and on PostgreSQL: the days and the months are counted by SQL that differs.
"""
import datetime as dt
from decimal import Decimal

import pytest

from central.bootstrap import open_central_services

from central.models import CentralResult, CertificateKind, CertificateStatus, ResultStatus
from central.reports import statistics
from central.reports.statistics import BY_COK, BY_QUALIFICATION, BY_VENUE, StatsFilters
from central.reports.testing import OtherSpk, make_certificate
from central.services.deadlines import result_deadline, settings_for
from central.services.scope import spk_condition
from core.exceptions import ValidationError
from core.testing import count_queries

TODAY = dt.date(2026, 6, 30)
PERIOD = dict(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_services(request, central_config):
    """`spk_world` on either database (this overrides the SQLite-only fixture of central.testing)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("central_pg_services")
        return
    services = open_central_services(central_config)
    services.db.connect(reuse_if_open=True)
    yield services
    services.db.close()


def _at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}")


def build(world, factory):
    """Seven results of the СПК in the period, one before it, two of another СПК.

    R1 Профи .01 2026-03-10 сдал, theory 42/50 = 84 %, issued: свидетельство 04-09, applied 02-18 → 50 days.
    R2 Профи .01 2026-03-20 не сдал, 20/50 = 40 %, issued: заключение (not in «до свидетельства»).
    R3 Профи .02 2026-05-05 сдал, 45/60 = 75 %, «Передано в СПК»: decision due 05-19 → overdue.
    R4 Юг .01 2026-06-25 сдал, no theory, «Передано в СПК»: due 07-09 → in time.
    R5 Юг .02 2026-04-01 не сдал, 30/40 = 75 %, in a protocol, awaiting the number: issue due 05-01 → overdue.
    R6 Юг .02 2026-02-01 сдал, 50/50 = 100 %, no venue, свидетельство 02-20 (applied 01-10 → 41 days),
       later a duplicate issued on 05-01 (does not count).
    R9 Юг, qualification unmatched (code .01), 2026-06-01 не сдал, 35/50 = 70 %, «Передано в СПК»: due 06-15 → overdue.
    """
    q1, q2 = world.qualifications
    profi, south = world.coks
    add = world.add_result
    r1 = add(cok=profi, qualification=q1, exam_date=dt.date(2026, 3, 10), verdict="passed", snils="111-111-111 45",
             status=ResultStatus.ISSUED, applied_at=_at("2026-02-18", "15:30"))
    make_certificate(r1, issued_on=dt.date(2026, 4, 9))
    r2 = add(cok=profi, qualification=q1, exam_date=dt.date(2026, 3, 20), verdict="failed",
             theory_points=Decimal("20"), status=ResultStatus.ISSUED)
    make_certificate(r2, kind=CertificateKind.CONCLUSION, issued_on=dt.date(2026, 3, 25))
    add(cok=profi, qualification=q2, exam_date=dt.date(2026, 5, 5), verdict="passed", theory_points=Decimal("45"),
        theory_max_points=Decimal("60"))
    add(cok=south, qualification=q1, exam_date=dt.date(2026, 6, 25), verdict="passed", theory_points=None)
    r5 = add(cok=south, qualification=q2, exam_date=dt.date(2026, 4, 1), verdict="failed",
             theory_points=Decimal("30"), theory_max_points=Decimal("40"), status=ResultStatus.IN_PROTOCOL)
    make_certificate(r5, kind=CertificateKind.CONCLUSION, status=CertificateStatus.AWAITING_NUMBER)
    r6 = add(cok=south, qualification=q2, exam_date=dt.date(2026, 2, 1), verdict="passed", venue=None,
             theory_points=Decimal("50"), status=ResultStatus.ISSUED, applied_at=_at("2026-01-10"))
    original = make_certificate(r6, issued_on=dt.date(2026, 2, 20), status=CertificateStatus.REPLACED)
    make_certificate(r6, issued_on=dt.date(2026, 5, 1), is_duplicate=True, duplicate_of=original,
                     duplicate_requested_at=dt.date(2026, 4, 20))
    r9 = add(cok=south, qualification=q1, exam_date=dt.date(2026, 6, 1), verdict="failed", theory_points=Decimal("35"))
    r9.qualification = None
    r9.save()
    # Outside the period, and another СПК's results (one even from our own ЦОК «Профи»).
    add(cok=profi, qualification=q1, exam_date=dt.date(2025, 12, 31), verdict="passed")
    other = OtherSpk(factory)
    for cok in (other.cok, profi):
        foreign = add(cok=cok, qualification=other.qualification, exam_date=dt.date(2026, 3, 1), verdict="passed",
                      status=ResultStatus.ISSUED)
        make_certificate(foreign, issued_on=dt.date(2026, 3, 2))
    return other


def _figures(row):
    return (row.label, row.exams, row.passed, row.pass_rate, row.theory_avg, row.days_to_certificate, row.overdue)


def test_by_cok_with_totals(spk_world, factory):
    build(spk_world, factory)
    with count_queries(spk_world.services.db) as queries:
        stats = statistics.compute(spk_world.spk, StatsFilters(**PERIOD, grouping=BY_COK), today=TODAY)
    assert len(queries) == 4  # the СПК's terms, the groups, the totals, the months: whatever the number of rows
    assert [_figures(row) for row in stats.rows] == [
        # Профи: R1 R2 R3; 2 of 3 passed; theory (84 + 40 + 75) / 3 = 66.33; R1 50 days; R3 overdue.
        ("ЦОК «Профи»", 3, 2, Decimal("66.7"), Decimal("66.3"), Decimal("50.0"), 1),
        # Юг: R4 R5 R6 R9; R4 R6 passed; theory (75 + 100 + 70) / 3 = 81.67 (R4 has none); R6 41 days; R5 R9 overdue.
        ("ЦОК «Юг»", 4, 2, Decimal("50.0"), Decimal("81.7"), Decimal("41.0"), 2),
    ]
    # Totals are counted over the rows, not averaged from the groups: 4 / 7 = 57.14 %,
    # theory 444 / 6 = 74.0, days (50 + 41) / 2 = 45.5.
    assert _figures(stats.total) == ("Итого", 7, 4, Decimal("57.1"), Decimal("74.0"), Decimal("45.5"), 3)


def test_by_venue_and_by_qualification(spk_world, factory):
    build(spk_world, factory)
    by_venue = statistics.compute(spk_world.spk, StatsFilters(**PERIOD, grouping=BY_VENUE), today=TODAY)
    assert [_figures(row) for row in by_venue.rows] == [
        # Everything but R6: R1 R3 R4 passed of 6; theory (84 + 40 + 75 + 75 + 70) / 5 = 68.8.
        ("Площадка «Север»", 6, 3, Decimal("50.0"), Decimal("68.8"), Decimal("50.0"), 3),
        ("Без площадки", 1, 1, Decimal("100.0"), Decimal("100.0"), Decimal("41.0"), 0),
    ]
    by_qualification = statistics.compute(spk_world.spk, StatsFilters(**PERIOD, grouping=BY_QUALIFICATION),
                                          today=TODAY)
    q1, q2 = spk_world.qualifications
    assert [_figures(row) for row in by_qualification.rows] == [
        # .01: R1 R2 R4 R9 (R9 by its code), R1 R4 passed; theory (84 + 40 + 70) / 3 = 64.67.
        (f"{q1.code} {q1.title}", 4, 2, Decimal("50.0"), Decimal("64.7"), Decimal("50.0"), 1),
        # .02: R3 R5 R6, R3 R6 passed; theory (75 + 75 + 100) / 3 = 83.33.
        (f"{q2.code} {q2.title}", 3, 2, Decimal("66.7"), Decimal("83.3"), Decimal("41.0"), 2),
    ]
    assert by_qualification.total.exams == by_venue.total.exams == 7


def test_months_cover_the_period(spk_world, factory):
    build(spk_world, factory)
    stats = statistics.compute(spk_world.spk, StatsFilters(**PERIOD), today=TODAY)
    assert [(m.month, m.exams, m.passed) for m in stats.months] == [
        (dt.date(2026, 1, 1), 0, 0), (dt.date(2026, 2, 1), 1, 1), (dt.date(2026, 3, 1), 2, 1),
        (dt.date(2026, 4, 1), 1, 0), (dt.date(2026, 5, 1), 1, 1), (dt.date(2026, 6, 1), 2, 1)]


def test_another_spk_sees_only_its_own(spk_world, factory):
    other = build(spk_world, factory)
    stats = statistics.compute(other.spk, StatsFilters(**PERIOD), today=TODAY)
    # Both results of its qualification, the one sent by the first СПК's ЦОК included; applied
    # 20 days before the exam of 1 March (9 February), certificate on 2 March: 21 days.
    assert [(row.label, row.exams, row.passed, row.days_to_certificate) for row in stats.rows] == [
        ("ЦОК «Профи»", 1, 1, Decimal("21.0")), ("ЦОК «Сварка»", 1, 1, Decimal("21.0"))]
    assert stats.total.exams == 2


def test_empty_period(spk_world):
    stats = statistics.compute(spk_world.spk, StatsFilters(**PERIOD), today=TODAY)
    assert stats.rows == []
    assert _figures(stats.total) == ("Итого", 0, 0, None, None, None, 0)
    assert len(stats.months) == 6


def test_filters_default_and_errors():
    default = statistics.parse_filters({}, today=dt.date(2026, 11, 20))
    assert (default.date_from, default.date_to, default.grouping) == (
        dt.date(2025, 12, 1), dt.date(2026, 11, 20), "cok")
    until = statistics.parse_filters({"date_to": "2026-03-15", "grouping": "venue"}, today=dt.date(2026, 11, 20))
    assert (until.date_from, until.date_to, until.grouping) == (dt.date(2025, 4, 1), dt.date(2026, 3, 15), "venue")
    with pytest.raises(ValidationError) as caught:
        statistics.parse_filters({"date_from": "2026-05-01", "date_to": "2026-04-01", "grouping": "region"})
    assert caught.value.errors == {"date_to": "Дата «по» раньше даты «с».",
                                   "grouping": "Выберите группировку из списка."}
    with pytest.raises(ValidationError) as caught:
        statistics.parse_filters({"date_from": "31.02.2026"})
    assert "дата указана неверно" in caught.value.errors["date_from"]


def test_overdue_agrees_with_each_results_deadline(spk_world, factory):
    build(spk_world, factory)
    settings = settings_for(spk_world.spk)
    in_period = CentralResult.select().where(spk_condition(spk_world.spk), CentralResult.exam_date >= PERIOD["date_from"],
                                             CentralResult.exam_date <= PERIOD["date_to"])
    one_by_one = [r.id for r in in_period if (info := result_deadline(r, settings, TODAY)) and info.overdue]
    stats = statistics.compute(spk_world.spk, StatsFilters(**PERIOD), today=TODAY)
    assert stats.total.overdue == len(one_by_one) == 3
