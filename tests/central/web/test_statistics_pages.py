"""«Статистика» of the СПК cabinet: the page, its charts, «Скачать CSV» and «Скачать XLSX» read back."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from central.models import CertificateKind, ResultStatus
from central.reports.testing import OtherSpk, make_certificate
from core.models import Role

PAGE = "/cabinet/spk/statistics"


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def _month(months_back: int, day: int = 10) -> dt.date:
    today = dt.date.today()
    index = today.year * 12 + today.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, day)


@pytest.fixture
def results(spk_world, factory):
    """Профи: 2 of 3 passed (theory 84, 40, 84 → 69.3 %), two still undecided weeks after the exam
    (overdue); Юг: 1 of 1, its document issued; another СПК's ЦОК: 1 (hidden)."""
    profi, south = spk_world.coks
    exam = _month(2)
    first = spk_world.add_result(cok=profi, exam_date=exam, verdict="passed", status=ResultStatus.ISSUED)
    make_certificate(first, issued_on=exam + dt.timedelta(days=10))  # applied 20 days before the exam: 30 days
    spk_world.add_result(cok=profi, exam_date=exam, verdict="failed", theory_points=Decimal("20"))
    spk_world.add_result(cok=profi, exam_date=_month(1), verdict="passed")
    make_certificate(spk_world.add_result(cok=south, exam_date=_month(1), verdict="passed", status=ResultStatus.ISSUED),
                     kind=CertificateKind.CONCLUSION, issued_on=_month(1, 20))
    other = OtherSpk(factory)
    spk_world.add_result(cok=other.cok, qualification=other.qualification, exam_date=exam, verdict="passed")
    return other


def _table(text: str) -> list[list[str]]:
    body = text.split('data-testid="statistics"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_page_shows_the_table_and_the_charts(spk_world, admin, results):
    page = admin.get(PAGE)
    assert page.status_code == 200
    for words in ("Статистика", "С даты", "По дату", "Группировка", "по площадкам", "по квалификациям",
                  "Доля сдавших, %", "Средний балл теории, %", "Просрочено", "Скачать CSV", "Скачать XLSX",
                  "Экзамены по месяцам"):
        assert words in page.text, words
    assert _table(page.text)[1:] == [
        ["ЦОК «Профи»", "3", "2", "66,7", "69,3", "30,0", "2"],
        ["ЦОК «Юг»", "1", "1", "100,0", "84,0", "—", "0"],
        ["Итого", "4", "3", "75,0", "73,0", "30,0", "2"],
    ]
    assert "ЦОК «Сварка»" not in page.text
    charts = re.findall(r"<svg .*?</svg>", page.text, re.S)
    assert len(charts) == 2
    pass_rate, months = charts
    assert pass_rate.count('class="bar"') == 2 and "сдали 2 из 3 (66,7 %)" in pass_rate
    assert months.count('class="bar"') == 12  # the default period: the last twelve months
    assert "style=" not in page.text and "<script>" not in page.text


def test_grouping_by_venue_and_qualification(spk_world, admin, results):
    by_venue = _table(admin.get(PAGE, params={"grouping": "venue"}).text)
    assert by_venue[0][0] == "Площадка" and by_venue[1][:3] == ["Площадка «Север»", "4", "3"]
    q = spk_world.qualifications[0]
    by_qualification = _table(admin.get(PAGE, params={"grouping": "qualification"}).text)
    assert by_qualification[1][:3] == [f"{q.code} {q.title}", "4", "3"]


def test_period_filter_and_its_errors(spk_world, admin, results):
    last_month = _month(1, 1)
    page = admin.get(PAGE, params={"date_from": last_month.isoformat()})
    assert _table(page.text)[-1][:3] == ["Итого", "2", "2"]
    wrong = admin.get(PAGE, params={"date_from": "2026-05-01", "date_to": "2026-04-01", "grouping": "x"})
    assert wrong.status_code == 422
    assert "Дата «по» раньше даты «с»." in wrong.text and "Выберите группировку из списка." in wrong.text
    assert 'data-testid="statistics"' not in wrong.text
    refused = admin.get(PAGE + ".csv", params={"date_from": "вчера"})
    assert refused.status_code == 400 and "дата указана неверно" in refused.text


def test_csv_opens_in_russian_excel(spk_world, admin, results):
    answer = admin.get(PAGE + ".csv", params={"grouping": "cok"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["ЦОК", "Экзаменов", "Сдали", "Доля сдавших, %", "Средний балл теории, %",
         "Среднее время от заявления до свидетельства, дн.", "Просрочено"],
        ["ЦОК «Профи»", "3", "2", "66,7", "69,3", "30,0", "2"],
        ["ЦОК «Юг»", "1", "1", "100,0", "84,0", "", "0"],
        ["Итого", "4", "3", "75,0", "73,0", "30,0", "2"],
    ]


def test_xlsx_keeps_numbers_and_styles_the_header(spk_world, admin, results):
    answer = admin.get(PAGE + ".xlsx", params={"grouping": "cok"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == ["ЦОК", "Экзаменов", "Сдали", "Доля сдавших, %"]
    assert values[1] == ["ЦОК «Профи»", 3, 2, 66.7, 69.3, 30.0, 2]
    assert values[2] == ["ЦОК «Юг»", 1, 1, 100.0, 84.0, None, 0]
    assert values[3] == ["Итого", 4, 3, 75.0, 73.0, 30.0, 2]
    assert sheet["A1"].font.bold and sheet["A4"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("ЦОК «Профи»")


def test_other_cabinets_are_refused(spk_world, central_app, central_signed_in, factory):
    cok_user = factory.user(Role.ADMIN, spk_world.coks[0], email="cok@profi.test")
    page = central_signed_in(cok_user).get(PAGE)
    assert page.status_code == 403
    assert central_signed_in(cok_user).get(PAGE + ".xlsx").status_code == 403
