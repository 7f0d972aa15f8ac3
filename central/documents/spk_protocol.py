"""Протокол СПК: the council approves the results of its ЦОК's exams (seed 002 «Сценарий для СПК»).

Built once as data (`SpkProtocolData`, filled by `central.services.protocols`) and laid out
twice, like the commission's protocol: PDF (WeasyPrint, the core's print stylesheet) and DOCX
for a СПК that edits and signs it in Word. «Подписать факсимиле» passes the chair's drawn
signature, placed on the chair's signature line; «Скачать шаблон» leaves the lines empty.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from core.documents.docx_export import new_document, paragraph
from central.documents.render import PRINT_CSS, PROTOCOL_CSS, render_pdf
from core.documents.contract import LAW_238, RULES_1204
from core.documents.docx_export import add_table
from core.documents.pdf import png_data_uri
from core.documents.texts import city_of, date_digits, date_words, short_person_name
from core.exceptions import ValidationError

CHAIR_ROLE = "Председатель СПК"
SECRETARY_ROLE = "Ответственный секретарь СПК"
TABLE_HEADER = ("№", "ФИО соискателя", "Квалификация", "ЦОК", "Дата экзамена", "Протокол экспертной комиссии",
                "Результат")


@dataclass(frozen=True)
class CandidateLine:
    full_name: str
    qualification: str  # «Специалист по охране труда (6 уровень квалификации)»
    cok_name: str
    exam_date: dt.date
    commission_protocol: str  # «№ ЭК-12 от 18.11.2026», «—» when the ЦОК sent none
    result: str  # «Сдал» / «Не сдал»

    def cells(self, index: int) -> tuple[str, ...]:
        return (str(index), self.full_name, self.qualification, self.cok_name, date_digits(self.exam_date),
                self.commission_protocol, self.result)


@dataclass(frozen=True)
class SpkProtocolData:
    number: str
    date: dt.date
    spk_name: str
    spk_address: str
    chair_name: str
    secretary_name: str
    voting_members: list[str]
    candidates: list[CandidateLine] = field(default_factory=list)
    chair_facsimile_png: bytes | None = None

    @property
    def title(self) -> str:
        return f"Протокол СПК № {self.number} от {date_digits(self.date)}"

    @property
    def passed(self) -> int:
        return sum(c.result == "Сдал" for c in self.candidates)


def agenda(data: SpkProtocolData) -> str:
    return ("Рассмотрение результатов профессиональных экзаменов, проведённых центрами оценки квалификаций, "
            f"и материалов, переданных в совет, в соответствии с {LAW_238} и {RULES_1204}.")


def decisions(data: SpkProtocolData) -> list[str]:
    """The «РЕШИЛИ» clauses: утвердить результаты…, выдать документы, передать сведения в НАРК."""
    failed = len(data.candidates) - data.passed
    return [f"1. Утвердить результаты независимой оценки квалификации соискателей согласно таблице "
            f"(всего {len(data.candidates)}: сдали профессиональный экзамен — {data.passed}, "
            f"не сдали — {failed}).",
            "2. Соискателям, сдавшим профессиональный экзамен, выдать свидетельства о квалификации, "
            "не сдавшим — заключения о прохождении профессионального экзамена с рекомендациями.",
            "3. Передать сведения о свидетельствах о квалификации и заключениях в реестр сведений о проведении "
            "независимой оценки квалификации (НАРК)."]


def _check(data: SpkProtocolData) -> None:
    if not data.chair_name.strip():
        raise ValidationError("В профиле СПК не указан председатель: заполните «ФИО председателя» в разделе "
                              "«Профиль» и сформируйте документ снова.")
    if not data.secretary_name.strip():
        raise ValidationError("В профиле СПК не указан ответственный секретарь: заполните его ФИО в разделе "
                              "«Профиль» и сформируйте документ снова.")
    if not data.candidates:
        raise ValidationError("В протоколе СПК нет ни одного соискателя.")


def _facsimile_uri(data: SpkProtocolData) -> str | None:
    if data.chair_facsimile_png is None:
        return None
    try:
        return png_data_uri(data.chair_facsimile_png)
    except ValueError:
        raise ValidationError("Факсимиле подписи председателя СПК повреждено: нарисуйте его заново в разделе "
                              "«Профиль».") from None


def render_spk_protocol_pdf(data: SpkProtocolData) -> bytes:
    """The protocol as PDF; with a facsimile it stands on the chair's signature line."""
    _check(data)
    signatures = [(CHAIR_ROLE, data.chair_name, _facsimile_uri(data), False),
                  (SECRETARY_ROLE, data.secretary_name, None, False)]
    return render_pdf("spk_protocol.html", (PRINT_CSS, PROTOCOL_CSS), title=data.title, author=data.spk_name, data=data,
                      city=city_of(data.spk_address), agenda=agenda(data), decisions=decisions(data),
                      header=TABLE_HEADER, signature_rows=signatures)


def render_spk_protocol_docx(data: SpkProtocolData) -> bytes:
    """The same protocol as a Word file (DOCX)."""
    _check(data)
    center = WD_ALIGN_PARAGRAPH.CENTER
    document = new_document(data.title)
    paragraph(document, data.spk_name, bold=True, align=center)
    paragraph(document, f"ПРОТОКОЛ № {data.number}", bold=True, align=center, size=14)
    paragraph(document, "заседания совета по профессиональным квалификациям", align=center)
    place = city_of(data.spk_address)
    paragraph(document, (f"{place}, " if place else "") + date_words(data.date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, f"Председатель: {data.chair_name}")
    paragraph(document, f"Ответственный секретарь: {data.secretary_name}")
    paragraph(document, "Члены СПК, принявшие участие в голосовании:")
    for index, member in enumerate(data.voting_members, 1):
        paragraph(document, f"{index}. {member}")
    paragraph(document, "Повестка дня", bold=True, align=center)
    paragraph(document, agenda(data))
    paragraph(document, "Результаты профессиональных экзаменов", bold=True, align=center)
    add_table(document, TABLE_HEADER, [c.cells(i) for i, c in enumerate(data.candidates, 1)])
    paragraph(document, "РЕШИЛИ:", bold=True)
    for clause in decisions(data):
        paragraph(document, clause)
    signatures = document.add_table(rows=0, cols=3)
    for role, name, facsimile in ((CHAIR_ROLE, data.chair_name, data.chair_facsimile_png),
                                  (SECRETARY_ROLE, data.secretary_name, None)):
        role_cell, line, name_cell = signatures.add_row().cells
        role_cell.text = role
        if facsimile is not None:
            line.paragraphs[0].add_run().add_picture(io.BytesIO(facsimile), height=Mm(12))
        else:
            line.text = "_______________"
        name_cell.text = short_person_name(name)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
