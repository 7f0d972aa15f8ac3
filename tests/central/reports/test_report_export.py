"""CSV for Russian Excel and XLSX, read back with the csv module and openpyxl."""
import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from central.reports.export import csv_bytes, xlsx_bytes

HEADERS = ["Квалификация", "Экзаменов", "Доля сдавших, %", "Дата"]
ROWS = [["Сварщик; 3 уровень", 3, Decimal("66.7"), dt.date(2026, 11, 23)],
        ["Специалист «по охране» труда", 1, None, dt.datetime(2026, 11, 24, 10, 30)]]


def test_csv_has_bom_semicolons_and_decimal_commas():
    data = csv_bytes(HEADERS, ROWS)
    assert data[:3] == b"\xef\xbb\xbf"
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Квалификация;Экзаменов;Доля сдавших, %;Дата"
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        HEADERS,
        ["Сварщик; 3 уровень", "3", "66,7", "23.11.2026"],  # the «;» inside a name is quoted
        ["Специалист «по охране» труда", "1", "", "24.11.2026 10:30"],
    ]


def test_xlsx_types_header_and_widths():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("Статистика по квалификациям за год", HEADERS, ROWS,
                                                        bold_last_row=True)))
    sheet = book.active
    assert sheet.title == "Статистика по квалификациям за"  # Excel's 31 characters, no trailing space
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.bold for cell in sheet[1]) and sheet["A1"].fill.fgColor.rgb.endswith("2F6EA5")
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == 3 and sheet["C2"].value == 66.7 and sheet["C2"].number_format == "0.0"
    assert sheet["D2"].value == dt.datetime(2026, 11, 23) and sheet["D2"].number_format == "DD.MM.YYYY"
    assert sheet["C3"].value is None and sheet["A3"].font.bold
    assert sheet.column_dimensions["A"].width >= len("Специалист «по охране» труда")
    assert 10 <= sheet.column_dimensions["B"].width < 20
