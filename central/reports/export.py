"""«Скачать CSV» and «Скачать XLSX» of a report table, with Russian headers.

The CSV is what Russian Excel opens by a double click: UTF-8 with a BOM, «;» between fields and a
decimal comma. The XLSX keeps numbers as numbers (so they can be summed) and dates as dates.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any, Iterable, Sequence
from urllib.parse import quote

import falcon
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_WIDTH, MAX_WIDTH = 10, 60


def csv_text(value: Any) -> str:
    """A cell as Russian Excel reads it: «66,7», «23.11.2026», «23.11.2026 10:00», empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (Decimal, float)):
        return f"{value}".replace(".", ",")
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> tuple[Any, str | None]:
    """The cell value and its number format."""
    if isinstance(value, Decimal):
        return float(value), "0.0"
    if isinstance(value, dt.datetime):
        return value, "DD.MM.YYYY HH:MM"
    if isinstance(value, dt.date):
        return value, "DD.MM.YYYY"
    return value, None


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               bold_last_row: bool = False) -> bytes:
    """One sheet: a styled, frozen header row, column widths fitted to the text, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "".join(ch for ch in sheet_title if ch not in "[]:*?/\\")[:31].strip() or "Лист1"  # Excel's rules
    thin = Side(style="thin", color="A0AAB4")
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F6EA5")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=thin)
    widths = [min(len(str(header)), max(12, len(str(header)) // 2 + 2)) for header in headers]  # headers wrap
    count = 0
    for row in rows:
        count += 1
        sheet.append([_xlsx_value(value)[0] for value in row])
        for index, value in enumerate(row):
            fmt = _xlsx_value(value)[1]
            if fmt:
                sheet.cell(row=count + 1, column=index + 1).number_format = fmt
            widths[index] = max(widths[index], len(csv_text(value)))
    if bold_last_row and count:
        for cell in sheet[count + 1]:
            cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def send_file(resp: falcon.Response, data: bytes, filename: str, content_type: str) -> None:
    """Answer with `data` as an attachment; the Russian file name goes out per RFC 5987."""
    ascii_name = "report." + filename.rsplit(".", 1)[-1]
    resp.content_type = content_type
    resp.set_header("Content-Disposition",
                    f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    resp.data = data
