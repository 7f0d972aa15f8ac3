"""The contract as a Word file (DOCX) that staff may edit before printing.

Built with python-docx from the same `ContractText` as the PDF, so the wording is identical;
the layout follows the print stylesheet: A4, margins 20/15/20/25 mm, Times New Roman 12 pt
(Word has it; LibreOffice substitutes the metric-compatible Liberation Serif).
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.documents.contract import ContractText
from core.documents.money import format_amount
from core.documents.parties import Party
from core.documents.texts import short_person_name

FONT = "Times New Roman"
_SERVICE_HEADER = ("№", "Наименование услуги", "Место проведения", "Кол-во", "Цена, руб.", "Сумма, руб.")


def new_document(title: str | None = None) -> Document:
    """An empty A4 document with the margins and font of the print stylesheet (and its title, if given)."""
    document = Document()
    if title:
        document.core_properties.title = title
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # the East Asian slot too, or Word falls back to a theme font
    style.paragraph_format.space_after = Pt(3)
    return document


def paragraph(document, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
               size: int | None = None):
    para = document.add_paragraph()
    para.alignment = align
    run = para.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return para


def add_table(document, header: tuple[str, ...], rows: list[tuple[str, ...]]):
    """A centred grid table with a bold header row, as our documents print them."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, header):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    return table


def _services(document, text: ContractText) -> None:
    add_table(document, _SERVICE_HEADER, [
        (str(index), line.title, line.venue, f"{line.quantity} чел.", format_amount(line.price),
         format_amount(line.total)) for index, line in enumerate(text.lines, start=1)])
    paragraph(document, f"Итого: {format_amount(text.total)} руб., {text.vat_note}.", bold=True,
               align=WD_ALIGN_PARAGRAPH.RIGHT)


def _party_cell(cell, role: str, party: Party, stamp: bool) -> None:
    cell.paragraphs[0].add_run(role).bold = True
    cell.add_paragraph().add_run(party.name).bold = True
    for line in party.requisites:
        cell.add_paragraph(line).runs[0].font.size = Pt(10)
    position = party.signer_position or role
    cell.add_paragraph(f"\n{position}")
    cell.add_paragraph(f"_______________ / {short_person_name(party.signer_name)} /" + ("   М.П." if stamp else ""))


def contract_docx(text: ContractText) -> bytes:
    """Lay out `text` as a DOCX file and return its bytes."""
    document = new_document()
    document.core_properties.title = text.title
    paragraph(document, text.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    paragraph(document, text.subtitle, align=WD_ALIGN_PARAGRAPH.CENTER)
    place = document.add_paragraph(f"{text.city}\t{text.date}")
    place.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    paragraph(document, text.preamble)
    for section in text.sections:
        paragraph(document, section.heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for index, clause in enumerate(section.clauses):
            paragraph(document, clause)
            if section.services and index == 0:
                _services(document, text)
    paragraph(document, "6. Адреса, реквизиты и подписи Сторон", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    parties = document.add_table(rows=1, cols=2)
    executor_cell, customer_cell = parties.rows[0].cells
    _party_cell(executor_cell, "Исполнитель", text.executor, True)
    _party_cell(customer_cell, "Заказчик", text.customer, text.stamp_customer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
