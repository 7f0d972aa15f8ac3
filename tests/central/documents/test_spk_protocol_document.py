"""Протокол СПК as PDF and DOCX from its data alone (read back with pypdf and python-docx)."""
import datetime as dt
import io

import pytest
from docx import Document

from central.documents.spk_protocol import (CandidateLine, SpkProtocolData, render_spk_protocol_docx,
                                            render_spk_protocol_pdf)
from central.documents.testing import drawn_images, font_names, page_sizes_mm
from core.documents.testing import pdf_text, sample_facsimile_png
from core.exceptions import ValidationError


def data(**changes) -> SpkProtocolData:
    values = dict(
        number="7043083", date=dt.date(2025, 12, 4), spk_name="Совет по профессиональным квалификациям в сфере "
        "социальной защиты", spk_address="127994, г. Москва, ул. Ильинка, д. 21",
        chair_name="Гусева Ольга Петровна", secretary_name="Лебедев Игорь Андреевич",
        voting_members=["Гусева О. П.", "Лебедев И. А.", "Никитин С. С."],
        candidates=[CandidateLine("Соискатель Тестовый 2025", "Переводчик русского жестового языка I категории "
                                  "(6 уровень квалификации)", "АНО «НЦОКС»", dt.date(2025, 11, 28),
                                  "№ 12 от 28.11.2025", "Не сдал"),
                    CandidateLine("Зайцева Анна Сергеевна", "Переводчик русского жестового языка I категории "
                                  "(6 уровень квалификации)", "АНО «НЦОКС»", dt.date(2025, 11, 28),
                                  "№ 12 от 28.11.2025", "Сдал")])
    values.update(changes)
    return SpkProtocolData(**values)


def test_pdf_says_everything_in_order():
    pdf = render_spk_protocol_pdf(data())
    text = pdf_text(pdf)
    expected = ["Совет по профессиональным квалификациям в сфере социальной защиты", "ПРОТОКОЛ № 7043083",
                "г. Москва, 4 декабря 2025 г.", "Председатель: Гусева Ольга Петровна",
                "Ответственный секретарь: Лебедев Игорь Андреевич", "1. Гусева О. П.", "3. Никитин С. С.",
                "Повестка дня", "№ 1204", "1 Соискатель Тестовый 2025 Переводчик русского жестового языка",
                "АНО «НЦОКС» 28.11.2025 № 12 от 28.11.2025 Не сдал", "2 Зайцева Анна Сергеевна", "Сдал",
                "РЕШИЛИ", "1. Утвердить результаты независимой оценки квалификации",
                "всего 2: сдали профессиональный экзамен — 1, не сдали — 1",
                "2. Соискателям, сдавшим профессиональный экзамен, выдать свидетельства о квалификации",
                "3. Передать сведения", "(НАРК)", "Председатель СПК", "Гусева О. П.", "Ответственный секретарь СПК",
                "Лебедев И. А."]
    position = 0
    for piece in expected:
        found = text.find(piece, position)
        assert found >= 0, (piece, text[position:position + 300])
        position = found
    assert all(not page for page in drawn_images(pdf))
    assert set(page_sizes_mm(pdf)) == {(210, 297)}
    assert all(name.startswith("Liberation-Serif") for name in font_names(pdf))


def test_facsimile_goes_on_the_chairs_line_only():
    png = sample_facsimile_png()
    pdf = render_spk_protocol_pdf(data(chair_facsimile_png=png))
    assert sum(len(page) for page in drawn_images(pdf)) == 1
    document = Document(io.BytesIO(render_spk_protocol_docx(data(chair_facsimile_png=png))))
    signatures = document.tables[-1]
    chair, secretary = ([cell for cell in row.cells] for row in signatures.rows)
    assert chair[0].text == "Председатель СПК" and chair[2].text == "Гусева О. П."
    assert chair[1]._element.xpath(".//pic:pic") and not secretary[1]._element.xpath(".//pic:pic")
    assert secretary[1].text == "_______________"
    with pytest.raises(ValidationError, match="председателя СПК повреждено"):
        render_spk_protocol_pdf(data(chair_facsimile_png=b"GIF89a"))


def test_docx_has_the_same_content():
    document = Document(io.BytesIO(render_spk_protocol_docx(data())))
    body = "\n".join(p.text for p in document.paragraphs)
    assert document.core_properties.title == "Протокол СПК № 7043083 от 04.12.2025"
    for piece in ("ПРОТОКОЛ № 7043083", "г. Москва, 4 декабря 2025 г.", "Председатель: Гусева Ольга Петровна",
                  "3. Никитин С. С.", "РЕШИЛИ:", "1. Утвердить результаты"):
        assert piece in body
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["№", "ФИО соискателя", "Квалификация", "ЦОК", "Дата экзамена", "Протокол экспертной комиссии",
                       "Результат"]
    assert rows[2][1:] == ["Зайцева Анна Сергеевна", "Переводчик русского жестового языка I категории "
                           "(6 уровень квалификации)", "АНО «НЦОКС»", "28.11.2025", "№ 12 от 28.11.2025", "Сдал"]
    assert len(document.inline_shapes) == 0


def test_profile_gaps_are_named():
    with pytest.raises(ValidationError, match="председатель"):
        render_spk_protocol_pdf(data(chair_name=" "))
    with pytest.raises(ValidationError, match="секретарь"):
        render_spk_protocol_docx(data(secretary_name=""))
    with pytest.raises(ValidationError, match="нет ни одного соискателя"):
        render_spk_protocol_pdf(data(candidates=[]))
