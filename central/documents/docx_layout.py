"""A4 Word documents in the registry's print layout (Times New Roman 12 pt, the core's margins).

`core.documents.docx_export` keeps its page set-up and paragraph helpers private; these two
small functions give the same layout through python-docx's public API.
"""
from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"


def new_document(title: str):
    """An empty A4 document: margins 20/15/20/25 mm, Times New Roman 12 pt, with its title set."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)
    document.core_properties.title = title
    return document


def paragraph(document, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.JUSTIFY, size: int | None = None):
    para = document.add_paragraph()
    para.alignment = align
    run = para.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return para
