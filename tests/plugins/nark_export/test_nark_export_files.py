"""export_files: the submission as XLSX and XML, read back with openpyxl, ElementTree and the XSD."""
from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from lxml import etree
from openpyxl import load_workbook

from nark_kit import CERTIFICATE, conclusion, duplicate, payload
from core.exceptions import ValidationError
from plugins.nark_export.providers import NarkRegistry
from plugins.nark_export.xml import NAMESPACE, XSD_PATH

TODAY = dt.date(2026, 11, 21)
NS = {"n": NAMESPACE}
RECORDS = [payload(), conclusion(), duplicate()]
CERTIFICATE_HEADERS = [
    "№ п/п", "Идентификатор документа в НОК-Платформе", "Регистрационный номер (присваивает НАРК)", "Дата выдачи",
    "Фамилия, имя, отчество", "Код квалификации", "Наименование квалификации", "Уровень квалификации",
    "Срок действия (до)", "Наименование ЦОК", "ИНН ЦОК", "Регистрационный номер ЦОК", "Наименование СПК",
    "ИНН СПК", "Номер протокола СПК", "Дата протокола СПК", "Дата профессионального экзамена", "Дубликат",
    "Регистрационный номер заменяемого документа"]


@pytest.fixture(scope="module")
def files():
    return {name.rsplit(".", 1)[1]: (name, content_type, data)
            for name, content_type, data in NarkRegistry().export_files(RECORDS, today=TODAY)}


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def test_two_files_named_by_date_and_count(files):
    assert files["xlsx"][:2] == ("nark-2026-11-21-3.xlsx",
                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert files["xml"][:2] == ("nark-2026-11-21-3.xml", "application/xml")


def test_workbook_has_a_sheet_per_kind_with_russian_headers(files):
    book = load_workbook(io.BytesIO(files["xlsx"][2]))
    assert book.sheetnames == ["Свидетельства", "Заключения"]
    certificates, conclusions = book["Свидетельства"], book["Заключения"]
    assert [cell.value for cell in certificates[1]] == CERTIFICATE_HEADERS
    assert [cell.value for cell in conclusions[1]] == [h for h in CERTIFICATE_HEADERS if h != "Срок действия (до)"]
    assert all(cell.font.bold for cell in certificates[1])
    assert certificates.freeze_panes == "B2"


def test_workbook_values(files):
    book = load_workbook(io.BytesIO(files["xlsx"][2]))
    first, second = rows(book["Свидетельства"])
    assert first["№ п/п"] == 1 and second["№ п/п"] == 2
    assert first["Идентификатор документа в НОК-Платформе"] == CERTIFICATE["document_id"]
    assert first["Регистрационный номер (присваивает НАРК)"] is None
    assert first["Фамилия, имя, отчество"] == "Иванов Иван Иванович"
    assert (first["Код квалификации"], first["Наименование квалификации"], first["Уровень квалификации"]) == \
        ("40.05400.01", "Специалист по охране труда", 6)
    assert (first["ИНН ЦОК"], first["Регистрационный номер ЦОК"], first["ИНН СПК"]) == \
        ("7736050003", "77.001", "7707083893")
    assert first["Наименование ЦОК"] == "ООО «Центр оценки квалификаций «Профи»"
    assert first["Наименование СПК"].startswith("Совет по профессиональным квалификациям")
    assert first["Номер протокола СПК"] == "15"
    assert first["Дата выдачи"] is None and first["Срок действия (до)"] is None
    assert (first["Дубликат"], first["Регистрационный номер заменяемого документа"]) == ("нет", None)
    assert (second["Дубликат"], second["Регистрационный номер заменяемого документа"]) == \
        ("да", "40.05400.01.00000007.26")
    assert second["Срок действия (до)"] == dt.datetime(2029, 11, 23)
    (only,) = rows(book["Заключения"])
    assert only["Фамилия, имя, отчество"] == "Петрова Анна Сергеевна" and "Срок действия (до)" not in only


def test_dates_are_real_dates_shown_the_russian_way(files):
    sheet = load_workbook(io.BytesIO(files["xlsx"][2]))["Свидетельства"]
    header = [cell.value for cell in sheet[1]]
    protocol_date = sheet.cell(row=2, column=header.index("Дата протокола СПК") + 1)
    exam_date = sheet.cell(row=3, column=header.index("Дата профессионального экзамена") + 1)
    issued = sheet.cell(row=3, column=header.index("Дата выдачи") + 1)
    assert (protocol_date.value, protocol_date.number_format) == (dt.datetime(2026, 11, 20), "DD.MM.YYYY")
    assert (exam_date.value, issued.value) == (dt.datetime(2026, 11, 18), dt.datetime(2027, 2, 1))
    assert issued.is_date and issued.number_format == "DD.MM.YYYY"
    inn = sheet.cell(row=2, column=header.index("ИНН ЦОК") + 1)
    assert inn.data_type == "s" and inn.number_format == "@"


def test_text_that_looks_like_a_formula_stays_text():
    name, _, data = NarkRegistry().export_files([payload(full_name='=HYPERLINK("http://evil","Иванов")')])[0]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(item).decode() for item in archive.namelist() if item.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    cell = load_workbook(io.BytesIO(data))["Свидетельства"]["E2"]
    assert cell.value == '=HYPERLINK("http://evil","Иванов")' and cell.data_type == "s"
    assert name.endswith("-1.xlsx")


def test_empty_sheet_keeps_its_headers():
    _, _, data = NarkRegistry().export_files([conclusion()])[0]
    certificates = load_workbook(io.BytesIO(data))["Свидетельства"]
    assert certificates.max_row == 1 and certificates["B1"].value == CERTIFICATE_HEADERS[1]


def test_xml_parses_back_with_every_required_element(files):
    root = ET.fromstring(files["xml"][2])
    assert files["xml"][2].startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert root.tag == f"{{{NAMESPACE}}}nark_submission"
    assert root.get("format") == "nok-nark/1" and root.get("count") == "3"
    assert dt.datetime.fromisoformat(root.get("created_at")).tzinfo is not None
    records = root.findall("n:record", NS)
    assert len(records) == 3
    required = ["kind", "document_id", "is_duplicate", "full_name", "qualification/n:code",
                "qualification/n:name", "qualification/n:level", "cok/n:full_name", "cok/n:inn",
                "cok/n:registry_number", "spk/n:full_name", "spk/n:inn", "protocol/n:number", "protocol/n:date",
                "exam_date"]
    for record in records:
        for path in required:
            assert (record.findtext(f"n:{path}", namespaces=NS) or "").strip(), path
    first, second, third = records
    assert first.findtext("n:full_name", namespaces=NS) == "Иванов Иван Иванович"
    assert first.findtext("n:cok/n:full_name", namespaces=NS) == "ООО «Центр оценки квалификаций «Профи»"
    assert first.findtext("n:qualification/n:level", namespaces=NS) == "6"
    assert first.findtext("n:is_duplicate", namespaces=NS) == "false"
    assert first.find("n:duplicate_of", NS) is None and first.find("n:valid_until", NS) is None
    assert second.findtext("n:kind", namespaces=NS) == "conclusion"
    assert third.findtext("n:is_duplicate", namespaces=NS) == "true"
    assert third.findtext("n:duplicate_of", namespaces=NS) == "40.05400.01.00000007.26"
    assert third.findtext("n:valid_until", namespaces=NS) == "2029-11-23"


def test_xml_is_valid_against_the_published_schema(files):
    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    document = etree.fromstring(files["xml"][2])
    assert schema.validate(document), schema.error_log
    # The schema really checks: a record without its ФИО or with a foreign element fails.
    document.find("n:record/n:full_name", NS).getparent().remove(document.find("n:record/n:full_name", NS))
    assert not schema.validate(document)
    broken = etree.fromstring(files["xml"][2])
    broken.find("n:record/n:qualification/n:code", NS).text = "40.054"
    assert not schema.validate(broken)


def test_xml_escapes_markup_in_values():
    _, _, data = NarkRegistry().export_files([payload(full_name="Иванов </full_name><x/> & Ко")])[1]
    assert ET.fromstring(data).findtext("n:record/n:full_name", namespaces=NS) == "Иванов </full_name><x/> & Ко"


def test_files_refuse_bad_or_empty_submissions():
    with pytest.raises(ValidationError, match="Нет записей"):
        NarkRegistry().export_files([])
    with pytest.raises(ValidationError, match="Запись № 3 для НАРК: .*«ИНН СПК»"):
        NarkRegistry().export_files([payload(), conclusion(), duplicate(spk__inn="123")])
    with pytest.raises(ValidationError, match="только свидетельства о квалификации и заключения"):
        NarkRegistry().export_files([payload(kind="protocol")])
