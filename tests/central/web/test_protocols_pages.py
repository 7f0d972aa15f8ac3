"""«Протоколы» of the СПК cabinet: the list, «Протокол СПК» (templates, signed file), «Отправить в НАРК»."""
from __future__ import annotations

import datetime as dt
import io
import re

import cv2
import docx
import numpy as np
import openpyxl
import pytest
from pypdf import PdfReader

from central.models import Certificate, CertificateStatus, CentralResult, NarkRecord, ResultStatus, SpkProtocol
from core.models import OrgKind, Role
from spk_pages_kit import (PROTOCOLS, attach_and_send, form_protocol, number_for, pdf_text, register_by_hand,
                           signed_pdf)


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def signature_png() -> bytes:
    """A drawn signature: a dark stroke on a transparent background."""
    image = np.zeros((120, 360, 4), np.uint8)
    cv2.line(image, (20, 90), (340, 30), (20, 20, 120, 255), 5)
    return cv2.imencode(".png", image)[1].tobytes()


def listed(page) -> list[str]:
    """Protocol numbers in the list, in order."""
    table = page.text.split('data-testid="protocols"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<td>\d\d\.\d\d\.\d{4}</td>\s*<td>([^<]+)</td>", table)


def test_list_with_filters(spk_world, admin):
    today = dt.date.today()
    first = spk_world.add_result(full_name="Иванов Иван Иванович", exam_date=today - dt.timedelta(days=30))
    second = spk_world.add_result(full_name="Петрова Анна Сергеевна", cok=spk_world.coks[1],
                                  qualification=spk_world.qualifications[1])
    form_protocol(admin, [first], "7043083", (today - dt.timedelta(days=20)).isoformat())
    form_protocol(admin, [second], "3231231", today.isoformat())
    page = admin.get(PROTOCOLS)
    assert page.status_code == 200
    for words in ("Протоколы СПК", "Соискатели", "Поиск по номеру протокола", "С даты", "Квалификация", "ЦОК",
                  "Сбросить фильтрацию", "Дата", "Номер", "Открыть", f"{today:%d.%m.%Y}", "ЦОК «Юг»",
                  "Руководитель службы охраны труда"):
        assert words in page.text, words
    assert listed(page) == ["3231231", "7043083"]
    assert listed(admin.get(PROTOCOLS, params={"query": "7043"})) == ["7043083"]
    assert listed(admin.get(PROTOCOLS, params={"date_from": (today - dt.timedelta(days=5)).isoformat()})) == ["3231231"]
    assert listed(admin.get(PROTOCOLS, params={"qualification": str(spk_world.qualifications[0].id)})) == ["7043083"]
    assert listed(admin.get(PROTOCOLS, params={"cok": str(spk_world.coks[1].id)})) == ["3231231"]
    bad = admin.get(PROTOCOLS, params={"date_from": "31.02.2026"})
    assert bad.status_code == 422 and "Неверная дата" in bad.text and listed(bad) == []


def test_protocol_page_and_its_templates(spk_world, admin):
    first = spk_world.add_result(full_name="Иванов Иван Иванович")
    second = spk_world.add_result(full_name="Петрова Анна Сергеевна", verdict="failed", cok=spk_world.coks[1])
    protocol = form_protocol(admin, [first, second], "15")
    url = f"{PROTOCOLS}/{protocol.id}"
    page = admin.get(f"{url}?notice=formed")
    assert page.status_code == 200
    for words in (f"Протокол СПК № 15 от {dt.date.today():%d.%m.%Y}", "Протокол СПК сформирован", "Скачать шаблон",
                  "Подписать факсимиле", "Прикрепить файл", "Загруженный файл", "Файл не прикреплён", "Состав группы",
                  "Иванов Иван Иванович", "Петрова Анна Сергеевна", "Не сдал", "ЦОК «Юг»", "Отправить в НАРК"):
        assert words in page.text, words
    assert re.search(r'<button type="submit" class="primary" disabled>Отправить в НАРК</button>', page.text)
    assert f'action="{url}/signed?csrf_token=' in page.text and 'enctype="multipart/form-data"' in page.text

    template = admin.get(f"{url}/template.pdf")
    assert template.status_code == 200 and template.headers["content-type"] == "application/pdf"
    text = pdf_text(template.content)
    assert "15" in text and "Иванов Иван Иванович" in text
    undrawn = admin.get(f"{url}/facsimile.pdf")
    assert undrawn.status_code == 422 and "нет факсимиле подписи председателя" in undrawn.text
    spk = spk_world.spk
    spk.facsimile_digest = spk_world.services.blobs.put(signature_png()).digest
    spk.save()
    facsimile = admin.get(f"{url}/facsimile.pdf")
    assert facsimile.status_code == 200 and facsimile.headers["content-type"] == "application/pdf"
    assert "Петрова Анна Сергеевна" in pdf_text(facsimile.content)
    assert len(PdfReader(io.BytesIO(facsimile.content)).pages[-1].images) >= 1  # the drawn signature
    word = admin.get(f"{url}/template.docx")
    assert word.status_code == 200 and "attachment" in word.headers["content-disposition"]
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    tables = " ".join(c.text for t in docx.Document(io.BytesIO(word.content)).tables for r in t.rows for c in r.cells)
    assert "Иванов Иван Иванович" in body + tables


def test_signed_file_is_attached_checked_and_removed(spk_world, admin):
    protocol = form_protocol(admin, [spk_world.add_result(full_name="Иванов Иван Иванович")], "15")
    url = f"{PROTOCOLS}/{protocol.id}"
    admin.get(url)
    pdf = signed_pdf()
    forged = admin.upload(f"{url}/signed", files={"file": ("protocol.pdf", pdf, "application/pdf")}, csrf=False)
    assert forged.status_code == 403
    empty = admin.upload(f"{url}/signed", fields={"note": "x"})
    assert empty.status_code == 422 and "Выберите файл подписанного протокола" in empty.text
    fake = admin.upload(f"{url}/signed", files={"file": ("protocol.pdf", b"just text, not a PDF", "application/pdf")})
    assert fake.status_code == 422 and 'id="file-error"' in fake.text
    assert SpkProtocol.get_by_id(protocol.id).signed_file_digest is None
    done = admin.upload(f"{url}/signed", files={"file": ("Протокол 15 подписан.pdf", pdf, "application/pdf")})
    assert done.status_code == 303 and done.headers["location"] == f"{url}?notice=attached"
    page = admin.get(done.headers["location"]).text
    assert "Файл протокола прикреплён." in page and "Название:" in page and "Протокол 15 подписан.pdf" in page
    assert "✖ Удалить" in page and '<button type="submit" class="primary">Отправить в НАРК</button>' in page
    assert admin.get(f"{url}/signed").content == pdf
    removed = admin.post(f"{url}/signed/delete")
    assert removed.status_code == 303 and SpkProtocol.get_by_id(protocol.id).signed_file_digest is None
    assert "Файл протокола удалён." in admin.get(removed.headers["location"]).text
    assert admin.get(f"{url}/signed").status_code == 404


def test_send_to_nark_without_endpoint_and_enter_numbers(spk_world, admin):
    passed = spk_world.add_result(full_name="Иванов Иван Иванович")
    failed = spk_world.add_result(full_name="Петрова Анна Сергеевна", verdict="failed")
    protocol = form_protocol(admin, [passed, failed], "15")
    url = f"{PROTOCOLS}/{protocol.id}"
    admin.get(url)
    refused = admin.post(f"{url}/send")
    assert refused.status_code == 422 and SpkProtocol.get_by_id(protocol.id).sent_to_nark_at is None
    attach_and_send(admin, protocol)
    assert {r.status for r in CentralResult.select()} == {ResultStatus.SENT_TO_NARK}
    page = admin.get(f"{url}?notice=sent").text
    for words in ("Протокол и результаты переданы в НАРК.", "Передано в НАРК", "Регистрационный номер НАРК", "Внести",
                  "Связь с НАРК не настроена", ".xlsx", ".xml", "Свидетельство о квалификации",
                  "Заключение о прохождении профессионального экзамена"):
        assert words in page, words
    assert "Отправить в НАРК</button>" not in page and "✖ Удалить" not in page

    links = re.findall(rf'href="({url}/files/\d+)">↓ ([^<]+)</a>', page)
    assert len(links) == 2
    for link, name in links:
        got = admin.get(link)
        assert got.status_code == 200
        if name.endswith(".xlsx"):
            sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
            cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
            assert "Иванов Иван Иванович" in cells
        else:
            assert got.content.lstrip().startswith(b"<?xml") and "Петрова".encode() in got.content

    record = NarkRecord.select().order_by(NarkRecord.id).first()
    bad = admin.post(f"{url}/records/{record.id}/register", {"registration_number": "12345"})
    assert bad.status_code == 422 and f'id="record-{record.id}-error"' in bad.text and 'value="12345"' in bad.text
    empty = admin.post(f"{url}/records/{record.id}/register", {"registration_number": ""})
    assert empty.status_code == 422 and "Укажите регистрационный номер НАРК" in empty.text
    code = spk_world.qualifications[0].code
    register_by_hand(admin, protocol, [number_for(code, 1), number_for(code, 2)])
    page = admin.get(url).text
    assert f"Внесено в реестр: {number_for(code, 1)}" in page and f"Внесено в реестр: {number_for(code, 2)}" in page
    assert "Внести</button>" not in page
    assert {c.status for c in Certificate.select()} == {CertificateStatus.ISSUED}
    assert {r.status for r in CentralResult.select()} == {ResultStatus.ISSUED}


def test_other_spk_and_anonymous_get_nothing(spk_world, admin, central_web, central_signed_in, factory):
    protocol = form_protocol(admin, [spk_world.add_result(full_name="Иванов Иван Иванович")], "15")
    url = f"{PROTOCOLS}/{protocol.id}"
    page = central_web.get(url)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    other = factory.org(OrgKind.SPK, full_name="СПК в области сварки", short_name="СПК Сварка")
    stranger = central_signed_in(factory.user(Role.ADMIN, other, email="admin@weld.test"))
    assert listed(stranger.get(PROTOCOLS)) == []
    for path in (url, f"{url}/template.pdf", f"{url}/template.docx", f"{url}/facsimile.pdf", f"{url}/signed"):
        assert stranger.get(path).status_code == 404, path
    assert stranger.post(f"{url}/send").status_code == 404
    upload = stranger.upload(f"{url}/signed", files={"file": ("p.pdf", signed_pdf(), "application/pdf")})
    assert upload.status_code == 404
    assert SpkProtocol.get_by_id(protocol.id).signed_file_digest is None
