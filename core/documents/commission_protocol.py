"""Протокол заседания экспертной комиссии: the commission's decision on each candidate of a group.

The content is built once as data (`ProtocolData`, filled by `core.services.commission_protocol`
from the group, the attempts and the decisions) and laid out twice: PDF through the HTML
template (WeasyPrint) and DOCX (python-docx) for commissions that edit or print it in Word.
«Подписать факсимиле» passes each member's drawn signature, placed next to their name.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from core.documents.contract import LAW_238, RULES_1204
from core.documents.docx_export import new_document, paragraph, add_table
from core.documents.pdf import png_data_uri, render_pdf
from core.documents.texts import date_words, short_person_name
from core.exceptions import ValidationError

CHAIR_ROLE = "Председатель экспертной комиссии"
MEMBER_ROLE = "Член экспертной комиссии"
DASH = "—"


@dataclass(frozen=True)
class ProtocolMember:
    name: str
    is_chair: bool
    facsimile_png: bytes | None = None

    @property
    def role(self) -> str:
        return CHAIR_ROLE if self.is_chair else MEMBER_ROLE


@dataclass(frozen=True)
class StageLine:
    """One stage of a candidate: «5 из 6», threshold «4», result «Сдан»; «—» where there is nothing."""

    title: str
    points: str = DASH
    threshold: str = DASH
    result: str = DASH


@dataclass(frozen=True)
class CandidateLine:
    name: str
    number: str
    theory: StageLine
    practice: StageLine
    decisions: list[tuple[str, str]]  # (expert's name, «Сдал» / «Не сдал» / «Не выбрано»)
    verdict: str  # the commission's «Сдал» / «Не сдал», «—» until decided


@dataclass(frozen=True)
class ProtocolData:
    number: str
    date: dt.date
    cok_name: str
    venue_name: str
    venue_address: str
    qualification: str  # «Специалист по охране труда (6 уровень квалификации)»
    qualification_code: str
    exam_at: dt.datetime
    duration_minutes: int
    stage: str  # «теоретический этап» / «практический этап»
    members: list[ProtocolMember]
    candidates: list[CandidateLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Протокол заседания экспертной комиссии № {self.number} от {self.date:%d.%m.%Y}"


def _check(data: ProtocolData) -> None:
    if not data.members or sum(m.is_chair for m in data.members) != 1:
        raise ValidationError("В экспертной комиссии группы должен быть ровно один председатель.")
    if not data.candidates:
        raise ValidationError("В протоколе нет соискателей: решения выносятся после экзамена.")


def _facsimile_uri(member: ProtocolMember) -> str | None:
    if member.facsimile_png is None:
        return None
    try:
        return png_data_uri(member.facsimile_png)
    except ValueError:
        message = f"Факсимиле подписи эксперта {member.name} повреждено: пусть нарисует его заново."
        raise ValidationError(message) from None


def render_commission_protocol_pdf(data: ProtocolData) -> bytes:
    """The protocol as PDF; members with a facsimile get it on their signature line."""
    _check(data)
    signatures = [(m.role, m.name, _facsimile_uri(m), False) for m in data.members]
    return render_pdf("commission_protocol.html", title=data.title, author=data.cok_name, data=data,
                      intro=intro_lines(data), signature_rows=signatures)


def _stage_rows(candidate: CandidateLine) -> list[tuple[str, ...]]:
    return [(s.title, s.points, s.threshold, s.result) for s in (candidate.theory, candidate.practice)]


def render_commission_protocol_docx(data: ProtocolData) -> bytes:
    """The same protocol as a Word file (DOCX)."""
    _check(data)
    document = new_document()
    document.core_properties.title = data.title
    center = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(document, data.cok_name, bold=True, align=center)
    paragraph(document, data.title, bold=True, align=center, size=14)
    for line in intro_lines(data):
        paragraph(document, line)
    paragraph(document, "Состав экспертной комиссии:", bold=True)
    add_table(document, ("№", "ФИО", "Роль"), [(str(i), m.name, m.role) for i, m in enumerate(data.members, 1)])
    paragraph(document, "Результаты профессионального экзамена и решения", bold=True, align=center)
    for index, candidate in enumerate(data.candidates, 1):
        paragraph(document, f"{index}. Соискатель: {candidate.name} (заявление {candidate.number})", bold=True)
        add_table(document, ("Этап", "Набрано баллов", "Минимальный порог", "Результат"), _stage_rows(candidate))
        add_table(document, ("Эксперт", "Решение эксперта"), [tuple(d) for d in candidate.decisions])
        paragraph(document, f"Решение экспертной комиссии: {candidate.verdict}", bold=True)
    paragraph(document, "Подписи членов экспертной комиссии:", bold=True)
    signatures = document.add_table(rows=0, cols=3)
    for member in data.members:
        role, line, name = signatures.add_row().cells
        role.text = member.role
        if member.facsimile_png is not None:
            line.paragraphs[0].add_run().add_picture(io.BytesIO(member.facsimile_png), height=Mm(12))
        else:
            line.text = "_______________"
        name.text = short_person_name(member.name)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def intro_lines(data: ProtocolData) -> list[str]:
    """The protocol's opening: where, when, which qualification, on what legal basis."""
    place = data.venue_name + (f", адрес: {data.venue_address}" if data.venue_address else "")
    return [f"Дата протокола: {date_words(data.date)}",
            f"Центр оценки квалификаций: {data.cok_name}",
            f"Экзаменационная площадка: {place}",
            f"Квалификация: {data.qualification}, код по реестру {data.qualification_code}",
            f"Профессиональный экзамен ({data.stage}): {date_words(data.exam_at.date())} в {data.exam_at:%H:%M}, "
            f"продолжительность {data.duration_minutes} мин.",
            f"Экспертная комиссия рассмотрела результаты профессионального экзамена в соответствии с {LAW_238} и "
            f"{RULES_1204}. Решение принимается большинством голосов членов комиссии; при равенстве голосов "
            "решающим является голос председателя экспертной комиссии."]
