"""Протокол заседания экспертной комиссии as PDF and DOCX, from its data alone (read back with pypdf/python-docx)."""
import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from core.documents.commission_protocol import (CandidateLine, ProtocolData, ProtocolMember, StageLine,
                                                render_commission_protocol_docx, render_commission_protocol_pdf)
from core.documents.testing import pdf_text, sample_facsimile_png
from core.exceptions import ValidationError


def data(members=None, candidates=None) -> ProtocolData:
    members = members if members is not None else [
        ProtocolMember("Григорьев Виктор Степанович", True), ProtocolMember("Тихонова Людмила Аркадьевна", False),
        ProtocolMember("Абрамов Олег Ильич", False)]
    decisions = [(m.name, "Сдал") for m in members]
    candidates = candidates if candidates is not None else [
        CandidateLine("Зайцева Анна Сергеевна", "З-2026-00051",
                      StageLine("Теоретический этап", "18 из 20", "15", "Сдан"),
                      StageLine("Практический этап", "7 из 8", "5", "Сдан"), decisions, "Сдал"),
        CandidateLine("Борисов Глеб Андреевич", "З-2026-00052",
                      StageLine("Теоретический этап", "9 из 20", "15", "Не сдан"), StageLine("Практический этап"),
                      [(m.name, "Не выбрано" if i == 2 else "Не сдал") for i, m in enumerate(members)],
                      "Не сдал")]
    return ProtocolData(number="3-ЭК", date=dt.date(2026, 12, 3), cok_name="ООО «ЦОК «Охрана труда»",
                        venue_name="Экзаменационный центр на Нижегородской",
                        venue_address="109052, г. Москва, Нижегородская ул., д. 32",
                        qualification="Специалист по охране труда (6 уровень квалификации)",
                        qualification_code="40.05400.01", exam_at=dt.datetime(2026, 12, 3, 10, 0),
                        duration_minutes=120, stage="практический этап", members=members, candidates=candidates)


def test_pdf_says_everything_in_order():
    text = pdf_text(render_commission_protocol_pdf(data()))
    expected = ["ООО «ЦОК «Охрана труда»", "Протокол заседания экспертной комиссии № 3-ЭК от 03.12.2026",
                "Экзаменационный центр на Нижегородской, адрес: 109052, г. Москва, Нижегородская ул., д. 32",
                "Специалист по охране труда (6 уровень квалификации), код по реестру 40.05400.01",
                "(практический этап): 3 декабря 2026 г. в 10:00, продолжительность 120 мин.",
                "1 Григорьев Виктор Степанович Председатель экспертной комиссии",
                "2 Тихонова Людмила Аркадьевна Член экспертной комиссии",
                "1. Соискатель: Зайцева Анна Сергеевна (заявление З-2026-00051)",
                "Теоретический этап 18 из 20 15 Сдан", "Практический этап 7 из 8 5 Сдан",
                "Решение экспертной комиссии: Сдал",
                "2. Соискатель: Борисов Глеб Андреевич", "Теоретический этап 9 из 20 15 Не сдан",
                "Практический этап — — —", "Абрамов Олег Ильич Не выбрано", "Решение экспертной комиссии: Не сдал",
                "Подписи членов экспертной комиссии", "Григорьев В. С."]
    position = 0
    for piece in expected:
        found = text.find(piece, position)
        assert found >= 0, (piece, text[position:position + 300])
        position = found
    assert not sum(len(page.images) for page in PdfReader(io.BytesIO(render_commission_protocol_pdf(data()))).pages)


def test_facsimiles_stand_next_to_their_members():
    png = sample_facsimile_png()
    members = [ProtocolMember("Григорьев Виктор Степанович", True, png),
               ProtocolMember("Тихонова Людмила Аркадьевна", False, png), ProtocolMember("Абрамов Олег Ильич", False)]
    pdf = render_commission_protocol_pdf(data(members))
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages) == 2
    document = Document(io.BytesIO(render_commission_protocol_docx(data(members))))
    assert len(document.inline_shapes) == 2
    broken = [ProtocolMember("Григорьев Виктор Степанович", True, b"GIF89a not a png")]
    with pytest.raises(ValidationError, match="Григорьев Виктор Степанович"):
        render_commission_protocol_pdf(data(broken))


def test_docx_has_the_same_content():
    document = Document(io.BytesIO(render_commission_protocol_docx(data())))
    body = "\n".join(p.text for p in document.paragraphs)
    assert document.core_properties.title == "Протокол заседания экспертной комиссии № 3-ЭК от 03.12.2026"
    assert "1. Соискатель: Зайцева Анна Сергеевна (заявление З-2026-00051)" in body
    assert "Решение экспертной комиссии: Не сдал" in body and "код по реестру 40.05400.01" in body
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["1", "Григорьев Виктор Степанович", "Председатель экспертной комиссии"] in rows
    assert ["Теоретический этап", "9 из 20", "15", "Не сдан"] in rows
    assert ["Абрамов Олег Ильич", "Не выбрано"] in rows
    assert ["Член экспертной комиссии", "_______________", "Абрамов О. И."] in rows


@pytest.mark.parametrize(("members", "candidates", "message"), [
    ([ProtocolMember("Григорьев Виктор Степанович", False)], None, "ровно один председатель"),
    ([], None, "ровно один председатель"),
    (None, [], "нет соискателей"),
])
def test_incomplete_data_is_refused(members, candidates, message):
    with pytest.raises(ValidationError, match=message):
        render_commission_protocol_pdf(data(members, candidates))
    with pytest.raises(ValidationError, match=message):
        render_commission_protocol_docx(data(members, candidates))
