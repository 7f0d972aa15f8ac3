"""«План-график» of the СПК cabinet: the default 60 days, the filters, the day grouping, the CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from central.reports.testing import OtherSpk, make_planned
from core.models import Role
from core.web.render import date_ru

PAGE = "/cabinet/spk/schedule"


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def _at(days: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.today() + dt.timedelta(days=days), dt.time(hour, 30))


@pytest.fixture
def planned(spk_world, factory):
    q1, q2 = spk_world.qualifications
    make_planned(spk_world, starts_at=_at(3, 10), candidates=12)
    make_planned(spk_world, starts_at=_at(3, 14), stage="practice", cok=spk_world.coks[1], venue=None,
                 qualification=q2, candidates=4, status="started")
    make_planned(spk_world, starts_at=_at(10, 9), qualification=q2, candidates=7)
    make_planned(spk_world, starts_at=_at(75, 9), candidates=9)  # beyond the default 60 days
    make_planned(spk_world, starts_at=_at(-5, 9), candidates=8)  # already past
    other = OtherSpk(factory)
    make_planned(spk_world, starts_at=_at(3, 11), cok=other.cok, qualification=other.qualification, candidates=99)


def _table(text: str) -> list[list[str]]:
    body = text.split('data-testid="plan"', 1)[1].split("</table>", 1)[0].split("</thead>", 1)[1]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_default_period_grouped_by_day(spk_world, admin, planned):
    page = admin.get(PAGE)
    assert page.status_code == 200
    for words in ("План-график", "С даты", "По дату", "ЦОК", "Квалификация", "Этап", "Число соискателей",
                  "Статус", "Скачать CSV", "Применить"):
        assert words in page.text, words
    q1, q2 = spk_world.qualifications
    day3, day10 = (date_ru(dt.date.today() + dt.timedelta(days=n)) for n in (3, 10))
    assert _table(page.text) == [
        [day3, "10:30", "ЦОК «Профи»", "Площадка «Север»", q1.title, "Теория", "12", "Запланирован"],
        ["14:30", "ЦОК «Юг»", "—", q2.title, "Практика", "4", "Идёт экзамен"],  # same day: one date cell
        [day10, "09:30", "ЦОК «Профи»", "Площадка «Север»", q2.title, "Теория", "7", "Запланирован"],
    ]
    assert 'rowspan="2"' in page.text and "99" not in _table(page.text).__str__()
    assert f'value="{dt.date.today().isoformat()}"' in page.text  # the period shown in the filter


def test_filters_and_errors(spk_world, admin, planned):
    practice = _table(admin.get(PAGE, params={"stage": "practice"}).text)
    assert len(practice) == 1 and practice[0][1] == "14:30" and practice[0][-3:] == ["Практика", "4", "Идёт экзамен"]
    by_cok = _table(admin.get(PAGE, params={"cok": str(spk_world.coks[1].id)}).text)
    assert len(by_cok) == 1
    later = dt.date.today() + dt.timedelta(days=70)
    assert [row[-2] for row in _table(admin.get(PAGE, params={"date_from": later.isoformat()}).text)] == ["9"]
    assert "Экзаменов за период не запланировано." in admin.get(
        PAGE, params={"qualification": str(spk_world.qualifications[1].id), "stage": "theory",
                      "cok": str(spk_world.coks[1].id)}).text
    wrong = admin.get(PAGE, params={"date_from": "2026-02-30"})
    assert wrong.status_code == 422 and "С даты: дата указана неверно" in wrong.text


def test_csv_of_the_filtered_plan(spk_world, admin, planned):
    page = admin.get(PAGE, params={"cok": str(spk_world.coks[0].id)})
    link = re.search(r'href="(/cabinet/spk/schedule\.csv[^"]*)"', page.text).group(1).replace("&amp;", "&")
    answer = admin.get(link.split("?")[0], query_string=link.split("?", 1)[1])
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    day3 = (dt.date.today() + dt.timedelta(days=3)).strftime("%d.%m.%Y")
    assert rows[0] == ["Дата", "Время", "ЦОК", "Площадка", "Квалификация", "Этап", "Число соискателей", "Статус"]
    assert rows[1] == [day3, "10:30", "ЦОК «Профи»", "Площадка «Север»", spk_world.qualifications[0].title, "Теория",
                       "12", "Запланирован"]
    assert len(rows) == 3 and all(row[2] == "ЦОК «Профи»" for row in rows[1:])


def test_other_cabinets_are_refused(spk_world, central_signed_in, factory):
    cok_user = central_signed_in(factory.user(Role.ADMIN, spk_world.coks[0], email="cok@profi.test"))
    assert cok_user.get(PAGE).status_code == 403
    assert cok_user.get(PAGE + ".csv").status_code == 403
