"""The НАРК submission as an Excel workbook: one sheet of certificates, one of conclusions.

The columns follow what Приказ Минтруда 649н says a registry record holds (реквизиты
документа, ФИО, квалификация, срок действия, ЦОК, СПК) plus what НАРК needs to match the
answer back (our document id, the protocol). Dates are real dates shown as ДД.ММ.ГГГГ;
codes and ИНН are text so leading zeros survive; nothing a person typed can become a formula.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plugins.nark_export.record_format import CERTIFICATE, CONCLUSION, NarkRecord

DATE_FORMAT = "DD.MM.YYYY"
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[NarkRecord], object]
    kind: str = "text"  # text, date or number
    width: int = 18


SHEETS = {CERTIFICATE: "Свидетельства", CONCLUSION: "Заключения"}

_HEAD = [
    Column("Идентификатор документа в НОК-Платформе", lambda r: r.document_id, width=36),
    Column("Регистрационный номер (присваивает НАРК)", lambda r: None, width=26),
    Column("Дата выдачи", lambda r: r.issued_on, "date", 13),
    Column("Фамилия, имя, отчество", lambda r: r.full_name, width=36),
    Column("Код квалификации", lambda r: r.qualification_code, width=14),
    Column("Наименование квалификации", lambda r: r.qualification_name, width=40),
    Column("Уровень квалификации", lambda r: r.qualification_level, "number", 12),
]
_VALIDITY = [Column("Срок действия (до)", lambda r: r.valid_until, "date", 13)]
_TAIL = [
    Column("Наименование ЦОК", lambda r: r.cok_full_name, width=40),
    Column("ИНН ЦОК", lambda r: r.cok_inn, width=14),
    Column("Регистрационный номер ЦОК", lambda r: r.cok_registry_number, width=14),
    Column("Наименование СПК", lambda r: r.spk_full_name, width=40),
    Column("ИНН СПК", lambda r: r.spk_inn, width=14),
    Column("Номер протокола СПК", lambda r: r.protocol_number, width=12),
    Column("Дата протокола СПК", lambda r: r.protocol_date, "date", 13),
    Column("Дата профессионального экзамена", lambda r: r.exam_date, "date", 15),
    Column("Дубликат", lambda r: "да" if r.is_duplicate else "нет", width=10),
    Column("Регистрационный номер заменяемого документа", lambda r: r.duplicate_of, width=26),
]
COLUMNS = {CERTIFICATE: _HEAD + _VALIDITY + _TAIL, CONCLUSION: _HEAD + _TAIL}
NUMBER_COLUMN = Column("№ п/п", lambda r: None, "number", 7)


def build_workbook(records: list[NarkRecord]) -> bytes:
    """Return the XLSX bytes of checked ``records``; both sheets are always present."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "НОК-Платформа"
    book.properties.title = "Сведения для внесения в реестр НАРК"
    for kind, title in SHEETS.items():
        _fill(book.create_sheet(title), COLUMNS[kind], [record for record in records if record.kind == kind])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(sheet: Worksheet, columns: list[Column], records: list[NarkRecord]) -> None:
    columns = [NUMBER_COLUMN, *columns]
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.alignment = bold, wrap
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row, record in enumerate(records, start=2):
        for index, column in enumerate(columns, start=1):
            value = row - 1 if column is NUMBER_COLUMN else column.value(record)
            _put(sheet, row, index, value, column.kind)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(records) + 1)}"


def _put(sheet: Worksheet, row: int, column: int, value: object, kind: str) -> None:
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if kind == "date":
        cell.value, cell.number_format = value, DATE_FORMAT
    elif kind == "number":
        cell.value = value
    else:
        # Assigning a str that starts with «=» would make openpyxl write a formula: force text.
        cell.value, cell.number_format = str(value), TEXT_FORMAT
        cell.data_type = "s"
