"""Свидетельство о квалификации and Заключение (725н) read back from the PDF: text, page, font, the only image."""
import datetime as dt
import json
from decimal import Decimal

import pytest

from central.documents.certificate import qr_png
from central.documents.testing import drawn_images, drawn_pixels, font_names, page_sizes_mm, png_pixels, text_sizes
from central.models import Certificate
from central.services.certificates import certificate_pdf, finalise, issue_duplicate, qr_payload
from central.services.protocols import form_protocol
from central.testing import result_document
from core.documents.testing import embedded_qr_codes, pdf_text
from core.models import Kos, Verdict

TODAY = dt.date.today()
NUMBER = "40.05400.01.00000003.26"


def approved(world, result):
    form_protocol(world.services, world.spk, [result.id], f"П-{result.id}", TODAY, world.admin)
    return Certificate.get(Certificate.result == result.id)


def in_order(text, pieces):
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found >= 0, (piece, text[position:position + 300])
        position = found


@pytest.fixture
def certificate(spk_world):
    return approved(spk_world, spk_world.add_result(full_name="Андреев Андрей Андреевич"))


def test_preview_is_marked_as_not_final(spk_world, certificate):
    text = pdf_text(certificate_pdf(spk_world.services, certificate))
    in_order(text, ["ПРОЕКТ — номер будет присвоен НАРК", "СВИДЕТЕЛЬСТВО О КВАЛИФИКАЦИИ",
                    f"Регистрационный номер не присвоен (идентификатор в реестре СПК: {certificate.public_id})",
                    "Дата выдачи: —"])
    assert Certificate.get_by_id(certificate.id).pdf_digest is None


def test_certificate_face_and_appendix(spk_world, certificate):
    world = spk_world
    finalise(world.services, certificate, NUMBER, issued_on=dt.date(2026, 6, 7))
    pdf = certificate_pdf(world.services, certificate)
    text = pdf_text(pdf)
    in_order(text, [world.spk.full_name, "СВИДЕТЕЛЬСТВО О КВАЛИФИКАЦИИ", f"Регистрационный номер {NUMBER}",
                    "Андреев Андрей Андреевич", "подтвердил(а) квалификацию",
                    "Специалист по охране труда (6 уровень квалификации)", "Дата выдачи: 7 июня 2026 года",
                    "Свидетельство о квалификации действительно до 7 июня 2029 года",
                    "ООО «Центр оценки квалификаций «Профи»", "Регистрационный номер: 77.001",
                    "Юридический адрес: г. Москва, ул. Тверская, д. 7", "Руководитель", "А. В. Соколов",
                    # the appendix
                    "Приложение к свидетельству о квалификации", f"Регистрационный номер {NUMBER}",
                    "Андреев Андрей Андреевич", "40.05400.01", "Специалист по охране труда",
                    "40.054 «Специалист в области охраны труда», приказ Минтруда России от 22.04.2021 № 274н", "6"])
    assert "ПРОЕКТ" not in text and "ДУБЛИКАТ" not in text
    assert page_sizes_mm(pdf) == [(210, 297), (210, 297)]
    assert font_names(pdf) and all(name.startswith(("Liberation-Serif", "TimesNewRoman")) for name in font_names(pdf))
    images = drawn_images(pdf)
    assert [len(page) for page in images] == [1, 0]  # the QR code and nothing else: no facsimile, ever
    (qr,) = drawn_pixels(pdf)  # exactly the QR code of the registry data and the link
    assert (qr == png_pixels(qr_png(qr_payload(world.services, certificate)))).all()
    sizes = text_sizes(pdf)
    assert dict(sizes)["Андреев Андрей Андреевич"] >= 20
    assert min(size for _, size in sizes) >= 10
    world.coks[0].full_name = "ООО «Переименованный ЦОК»"
    world.coks[0].save()
    assert certificate_pdf(world.services, certificate) == pdf  # the issued document never changes


def test_labour_functions_come_from_the_kos(spk_world, certificate):
    content = {"format": "nok-kos/1", "qualification": "40.05400.01", "version": "1", "title": "КОС",
               "labour_functions": [{"code": "A/01.6", "name": "Внедрение системы управления охраной труда"},
                                    {"code": "B/02.6", "name": "Снижение профессиональных рисков"}]}
    Kos.create(qualification=spk_world.qualifications[0], version="1", title="КОС", sha256="0" * 64,
               content=json.dumps(content, ensure_ascii=False))
    text = pdf_text(certificate_pdf(spk_world.services, certificate))
    in_order(text, ["A/01.6", "Внедрение системы управления охраной труда", "B/02.6",
                    "Снижение профессиональных рисков"])


def test_duplicate_says_so_in_28_points(spk_world, certificate):
    world = spk_world
    finalise(world.services, certificate, NUMBER, issued_on=dt.date(2026, 6, 7))
    duplicate = issue_duplicate(world.services, certificate, world.admin, TODAY)
    finalise(world.services, duplicate, "40.05400.01.00000009.26", issued_on=dt.date(2026, 11, 23))
    pdf = certificate_pdf(world.services, duplicate)
    text = pdf_text(pdf)
    in_order(text, ["ДУБЛИКАТ", "СВИДЕТЕЛЬСТВО О КВАЛИФИКАЦИИ", "Регистрационный номер 40.05400.01.00000009.26",
                    "Дата выдачи: 23 ноября 2026 года", "действительно до 7 июня 2029 года", "ДУБЛИКАТ"])
    assert ("ДУБЛИКАТ", 28.0) in text_sizes(pdf)
    assert [len(page) for page in drawn_images(pdf)] == [1, 0]


def test_conclusion(spk_world):
    world = spk_world
    qualification, cok = world.qualifications[0], world.coks[0]
    document = result_document(application_id=77, number="З-77", full_name="Борисова Анна Олеговна", snils=None,
                               birth_date="1990-01-01", qualification=qualification, cok=cok, venue=world.venue,
                               exam_date=dt.date(2026, 11, 18), verdict=Verdict.FAILED, theory_points=Decimal("12"))
    document["result"]["exam_dates"] = ["2026-11-17", "2026-11-18"]
    digest = world.services.blobs.put(json.dumps(document, ensure_ascii=False).encode()).digest
    result = world.add_result(full_name="Борисова Анна Олеговна", verdict=Verdict.FAILED, payload_digest=digest,
                              exam_date=dt.date(2026, 11, 18))
    conclusion = approved(world, result)
    finalise(world.services, conclusion, "40.05400.01.00000004.26", issued_on=dt.date(2026, 11, 23))
    pdf = certificate_pdf(world.services, conclusion)
    in_order(pdf_text(pdf), [
        "ООО «Центр оценки квалификаций «Профи»", "ЗАКЛЮЧЕНИЕ", "о прохождении профессионального экзамена",
        "Регистрационный номер 40.05400.01.00000004.26", "Дата выдачи: 23 ноября 2026 года",
        "Борисова Анна Олеговна", "в период с 17 ноября 2026 года по 18 ноября 2026 года",
        "Специалист по охране труда (6 уровень квалификации)",
        "По результатам профессионального экзамена квалификация не подтверждена",
        "соискателю РЕКОМЕНДУЕТСЯ: пройти повторно теоретический этап профессионального экзамена по квалификации "
        "«Специалист по охране труда»", "Руководитель", "А. В. Соколов"])
    assert dict(text_sizes(pdf))["Борисова Анна Олеговна"] >= 20
    assert drawn_images(pdf) == [[]] and page_sizes_mm(pdf) == [(210, 297)]


def test_a_phone_reads_the_qr_code():
    """Decoded from the PDF (fixed data, so the check is deterministic): registry data and the link."""
    from central.documents.certificate import CertificateForm, Cok, render_certificate_pdf

    payload = ("Свидетельство о квалификации\nРегистрационный номер: 40.05400.01.00000003.26\n"
               "ФИО: Андреев Андрей Андреевич\nКвалификация: 40.05400.01\nДата выдачи: 07.06.2026\n"
               "Действительно до: 07.06.2029\nhttp://registry.test/verify/0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    form = CertificateForm(
        spk_name="СПК", registration_number="40.05400.01.00000003.26", document_id="0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        full_name="Андреев Андрей Андреевич", qualification_code="40.05400.01",
        qualification_name="Специалист по охране труда",
        qualification_title="Специалист по охране труда (6 уровень квалификации)", level="6", prof_standard="—",
        issued_on=dt.date(2026, 6, 7), valid_until=dt.date(2029, 6, 7),
        cok=Cok("ЦОК", "77.001", "г. Москва", "Соколов Андрей Викторович"), qr_payload=payload)
    assert payload in embedded_qr_codes(render_certificate_pdf(form))
