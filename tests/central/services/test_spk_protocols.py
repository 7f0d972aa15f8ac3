"""Протокол СПК: forming it, the list, the PDF/DOCX with and without the chair's facsimile, the signed file."""
import datetime as dt
import io
import re

import pytest
from docx import Document

from central import revisions
from central.models import (Certificate, CertificateKind, CertificateStatus, CentralResult, NarkExportFile,
                            NarkRecord, NarkRecordStatus, ResultStatus, SpkProtocol)
from central.documents.testing import drawn_images
from central.services.protocols import (attach_signed, form_protocol, get_protocol, list_protocols, protocol_docx,
                                        protocol_pdf, remove_signed, send_to_nark)
from core.documents.testing import pdf_text, sample_facsimile_png
from core.exceptions import NotFoundError, ValidationError
from core.models import OrgKind, Verdict
from core.plugins import PluginHost

TODAY = dt.date.today()


def approve(world, results, number="15", day=TODAY, services=None):
    return form_protocol(services or world.services, world.spk, [r.id for r in results], number, day, world.admin)


def test_form_protocol_approves_and_creates_the_documents(spk_world):
    passed = spk_world.add_result(full_name="Андреев Андрей Андреевич", verdict=Verdict.PASSED)
    failed = spk_world.add_result(full_name="Борисова Анна Олеговна", verdict=Verdict.FAILED)
    before = revisions.current_version()
    protocol = approve(spk_world, [passed, failed])
    assert (protocol.number, protocol.protocol_date, protocol.created_by_id) == ("15", TODAY, spk_world.admin.id)
    for result in (passed, failed):
        stored = CentralResult.get_by_id(result.id)
        assert (stored.status, stored.protocol_id) == (ResultStatus.IN_PROTOCOL, protocol.id)
    certificate = Certificate.get(Certificate.result == passed.id)
    conclusion = Certificate.get(Certificate.result == failed.id)
    assert (certificate.kind, certificate.status) == (CertificateKind.CERTIFICATE, CertificateStatus.AWAITING_NUMBER)
    assert conclusion.kind == CertificateKind.CONCLUSION and "повторно" in conclusion.recommendation
    assert certificate.recommendation is None
    assert re.fullmatch(r"[0-9a-f]{32}", certificate.public_id) and certificate.public_id != conclusion.public_id
    assert revisions.current_version() > before


def test_form_protocol_refuses_bad_input_and_changes_nothing(spk_world):
    world = spk_world
    result = world.add_result()
    approve(world, [result], number="7")
    fresh = world.add_result()
    with pytest.raises(ValidationError, match="уже есть"):
        approve(world, [fresh], number="7")
    with pytest.raises(ValidationError, match="уже включён в протокол СПК"):
        approve(world, [result], number="8")
    with pytest.raises(ValidationError, match="номер"):
        approve(world, [fresh], number="  ")
    with pytest.raises(ValidationError, match="позже сегодняшнего"):
        approve(world, [fresh], number="9", day=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="раньше даты экзамена"):
        approve(world, [fresh], number="9", day=fresh.exam_date - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="Выберите соискателей"):
        approve(world, [], number="9")
    other = world.factory.org(OrgKind.SPK, full_name="Другой СПК", short_name="Другой СПК")
    with pytest.raises(NotFoundError):
        form_protocol(world.services, other, [fresh.id], "1", TODAY, world.admin)
    assert SpkProtocol.select().count() == 1
    assert CentralResult.get_by_id(fresh.id).status == ResultStatus.RECEIVED
    assert Certificate.select().count() == 1


def test_list_protocols_filters_and_names_qualifications_and_coks(spk_world):
    world = spk_world
    first = approve(world, [world.add_result(), world.add_result(cok=world.coks[1])], number="101",
                    day=TODAY - dt.timedelta(days=1))
    second = approve(world, [world.add_result(qualification=world.qualifications[1])], number="202")
    page = list_protocols(world.spk)
    assert [p.number for p in page.rows] == ["202", "101"]
    row = page.rows[1]
    assert row.result_count == 2 and set(row.coks) == {"ЦОК «Профи»", "ЦОК «Юг»"}
    assert row.titles == [world.qualifications[0].title]
    assert [p.id for p in list_protocols(world.spk, query="20").rows] == [second.id]
    assert [p.id for p in list_protocols(world.spk, date_from=TODAY).rows] == [second.id]
    assert [p.id for p in list_protocols(world.spk, qualification_id=world.qualifications[1].id).rows] == [second.id]
    assert [p.id for p in list_protocols(world.spk, cok_id=world.coks[1].id).rows] == [first.id]
    other = world.factory.org(OrgKind.SPK, full_name="Другой СПК", short_name="Другой СПК")
    assert list_protocols(other).total == 0
    with pytest.raises(NotFoundError):
        get_protocol(other, first.id)


def test_protocol_pdf_template_and_facsimile(spk_world):
    world = spk_world
    protocol = approve(world, [world.add_result(full_name="Андреев Андрей Андреевич"),
                               world.add_result(full_name="Борисова Анна Олеговна", verdict=Verdict.FAILED)])
    template = protocol_pdf(world.services, protocol, facsimile=False)
    text = pdf_text(template)
    expected = [world.spk.full_name, "ПРОТОКОЛ № 15", "г. Москва", "Председатель: Петров Сергей Николаевич",
                "Ответственный секретарь: Орлова Мария Викторовна", "1. Петров С. Н.", "4. Лебедева Н. И.",
                "Андреев Андрей Андреевич", "Специалист по охране труда (6 уровень квалификации)", "ЦОК «Профи»",
                "Сдал", "Борисова Анна Олеговна", "Не сдал", "РЕШИЛИ", "1. Утвердить результаты",
                "сдали профессиональный экзамен — 1, не сдали — 1", "Председатель СПК", "Петров С. Н.",
                "Ответственный секретарь СПК", "Орлова М. В."]
    position = 0
    for piece in expected:
        found = text.find(piece, position)
        assert found >= 0, (piece, text[position:position + 300])
        position = found
    assert "ЭК-" in text  # the commission's protocol number from result.json
    assert drawn_images(template) == [[]] * len(drawn_images(template))
    with pytest.raises(ValidationError, match="факсимиле"):
        protocol_pdf(world.services, protocol, facsimile=True)
    world.spk.facsimile_digest = world.services.blobs.put(sample_facsimile_png()).digest
    world.spk.save()
    signed = protocol_pdf(world.services, protocol, facsimile=True)
    assert sum(len(images) for images in drawn_images(signed)) == 1  # on the chair's line only
    assert SpkProtocol.get_by_id(protocol.id).facsimile_pdf_digest
    document = Document(io.BytesIO(protocol_docx(world.services, protocol)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "ПРОТОКОЛ № 15" in body and "Председатель: Петров Сергей Николаевич" in body
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert any(r[1] == "Андреев Андрей Андреевич" and r[-1] == "Сдал" for r in rows)
    assert len(document.inline_shapes) == 0


def test_protocol_needs_the_chair_in_the_profile(spk_world):
    protocol = approve(spk_world, [spk_world.add_result()])
    spk_world.spk.chair_name = ""
    spk_world.spk.save()
    with pytest.raises(ValidationError, match="председатель"):
        protocol_pdf(spk_world.services, protocol, facsimile=False)


def test_signed_file_is_checked_by_content(spk_world):
    world = spk_world
    protocol = approve(world, [world.add_result()])
    docx = protocol_docx(world.services, protocol)
    attach_signed(world.services, protocol, "spk_protocol_15.docx", docx, world.admin)
    stored = SpkProtocol.get_by_id(protocol.id)
    assert stored.signed_file_name == "spk_protocol_15.docx" and stored.signed_file_type.endswith("document")
    assert world.services.blobs.read(stored.signed_file_digest) == docx
    pdf = protocol_pdf(world.services, protocol, facsimile=False)
    attach_signed(world.services, protocol, "скан.pdf", pdf, world.admin)
    assert SpkProtocol.get_by_id(protocol.id).signed_file_type == "application/pdf"
    for name, data, message in [("протокол.txt", b"hello", "Допустимы только"),
                                ("протокол.docx", b"not a zip", "не является документом Word"),
                                ("протокол.docx", b"PK\x03\x04broken", "повреждён"),
                                ("протокол.pdf", docx, "не является PDF")]:
        with pytest.raises(ValidationError, match=message):
            attach_signed(world.services, protocol, name, data, world.admin)
    assert SpkProtocol.get_by_id(protocol.id).signed_file_name == "скан.pdf"
    remove_signed(protocol, world.admin)
    assert SpkProtocol.get_by_id(protocol.id).signed_file_digest is None
    with pytest.raises(ValidationError, match="не прикреплён"):
        remove_signed(protocol, world.admin)


def test_send_to_nark_queues_records_and_files(spk_world, manual_services, nark_script):
    world = spk_world
    results = [world.add_result(full_name="Андреев Андрей Андреевич"),
               world.add_result(full_name="Борисова Анна Олеговна", verdict=Verdict.FAILED)]
    protocol = approve(world, results, services=manual_services)
    with pytest.raises(ValidationError, match="Прикрепите подписанный протокол"):
        send_to_nark(manual_services, protocol, world.admin)
    attach_signed(manual_services, protocol, "протокол.pdf", protocol_pdf(manual_services, protocol, facsimile=False),
                  world.admin)
    before = revisions.current_version()
    assert send_to_nark(manual_services, protocol, world.admin) == 2
    records = list(NarkRecord.select().order_by(NarkRecord.id))
    documents = {c.public_id for c in Certificate.select()}
    assert {r.idempotency_key for r in records} == documents
    assert all(r.status == NarkRecordStatus.SENT and r.protocol_id == protocol.id for r in records)  # files = sent
    files = {f.file_format: f for f in NarkExportFile.select()}
    assert set(files) == {"xlsx", "xml"}
    xml = manual_services.blobs.read(files["xml"].blob_digest).decode()
    assert all(key in xml for key in documents)
    assert all(CentralResult.get_by_id(r.id).status == ResultStatus.SENT_TO_NARK for r in results)
    stored = SpkProtocol.get_by_id(protocol.id)
    assert stored.sent_to_nark_at and stored.sent_to_nark_by_id == world.admin.id
    assert revisions.current_version() > before
    assert nark_script.settings[-1] == {"url": "", "token": "secret"}
    with pytest.raises(ValidationError, match="уже отправлен"):
        send_to_nark(manual_services, protocol, world.admin)
    with pytest.raises(ValidationError, match="уже отправлен"):
        remove_signed(protocol, world.admin)


def test_send_to_nark_needs_the_export_plugin(spk_world):
    import dataclasses

    protocol = approve(spk_world, [spk_world.add_result()])
    attach_signed(spk_world.services, protocol, "протокол.pdf",
                  protocol_pdf(spk_world.services, protocol, facsimile=False), spk_world.admin)
    without = dataclasses.replace(spk_world.services, plugins=PluginHost())
    with pytest.raises(ValidationError, match="не подключена"):
        send_to_nark(without, protocol, spk_world.admin)
    assert NarkRecord.select().count() == 0
