"""Протокол экспертной комиссии through the service: who may, what it lists, facsimiles, the signed scan."""
import datetime as dt
import io

import pytest
from commission_kit import blobs, world  # noqa: F401 (fixtures)
from docx import Document
from pypdf import PdfReader

from core.documents.testing import pdf_text, sample_facsimile_png
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import Application, CommissionProtocol, User, Verdict
from core.services import commission, commission_protocol as svc

TODAY = dt.date.today().isoformat()


def fresh(application):
    return Application.get_by_id(application.id)


def give_facsimile(user, blobs):
    User.update(facsimile_digest=blobs.put(sample_facsimile_png()).digest).where(User.id == user.id).execute()


@pytest.fixture
def practice_group(world):
    _, apps = world.theory("Соколов Дмитрий Олегович", "Белова Анна Сергеевна")
    _, (failed,) = world.theory("Зуев Артём Павлович", passed=False)
    group = world.practice([fresh(apps[0])], passed=True)
    world.practice_group_failed = world.practice([fresh(apps[1])], passed=False, points="3")
    commission.decide_all(world.chair, fresh(apps[0]), {world.chair.id: Verdict.PASSED,
                                                       world.expert.id: Verdict.FAILED}, world.plugins)
    return group


def test_generate_lists_commission_candidates_and_decisions(world, practice_group, blobs):
    protocol = svc.generate_protocol(world.chair, practice_group, "12-ЭК", TODAY, blobs)
    assert protocol.pdf_digest and protocol.docx_digest and protocol.signed_at is None
    text = pdf_text(svc.protocol_pdf(world.expert, practice_group, blobs))
    today = dt.date.today().strftime("%d.%m.%Y")
    for expected in (f"Протокол заседания экспертной комиссии № 12-ЭК от {today}", world.cok.full_name,
                     world.venue.full_name, "Нижегородская ул.", world.qual.title, world.qual.code,
                     "Волков Павел Андреевич Председатель экспертной комиссии",
                     "Зайцева Ольга Игоревна Член экспертной комиссии",
                     "Соискатель: Соколов Дмитрий Олегович", "Теоретический этап 6 из 6 4 Сдан",
                     "Практический этап 6 из 8 5 Сдан", "Волков Павел Андреевич Сдал", "Зайцева Ольга Игоревна Не сдал",
                     "Решение экспертной комиссии: Сдал", "при равенстве голосов"):
        assert expected in text, expected
    assert "Белова" not in text and "Зуев" not in text, "только те, о ком решает комиссия этой группы"
    document = Document(io.BytesIO(svc.protocol_docx(world.chair, practice_group, blobs)))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Протокол заседания экспертной комиссии № 12-ЭК" in body and "Решение экспертной комиссии: Сдал" in body
    assert "Соколов Дмитрий Олегович" in body and "Председатель экспертной комиссии" in cells
    assert "6 из 8" in cells and "Не сдал" in cells


def test_only_the_commission_and_its_chair(world, practice_group, blobs):
    with pytest.raises(PermissionDeniedError, match="председатель"):
        svc.generate_protocol(world.expert, practice_group, "1", TODAY, blobs)
    with pytest.raises(NotFoundError):
        svc.generate_protocol(world.outsider, practice_group, "1", TODAY, blobs)
    with pytest.raises(NotFoundError):
        svc.commission_group(world.outsider, practice_group.id)
    with pytest.raises(NotFoundError, match="не сформирован"):
        svc.protocol_pdf(world.expert, practice_group, blobs)
    with pytest.raises(ValidationError, match="номер протокола") as bad:
        svc.generate_protocol(world.chair, practice_group, " ", TODAY, blobs)
    assert bad.value.field == "protocol_number"
    with pytest.raises(ValidationError, match="Дата протокола") as bad:
        svc.generate_protocol(world.chair, practice_group, "1", "31.02.2026", blobs)
    assert bad.value.field == "protocol_date"
    svc.generate_protocol(world.chair, practice_group, "1", TODAY, blobs)
    with pytest.raises(NotFoundError):
        svc.protocol_pdf(world.outsider, practice_group, blobs)


def test_sign_needs_every_facsimile_and_places_them(world, practice_group, blobs):
    with pytest.raises(ValidationError, match="Сначала сформируйте"):
        svc.sign_protocol(world.chair, practice_group, blobs)
    svc.generate_protocol(world.chair, practice_group, "12-ЭК", TODAY, blobs)
    give_facsimile(world.chair, blobs)
    with pytest.raises(ValidationError, match="Зайцева Ольга Игоревна") as missing:
        svc.sign_protocol(world.chair, practice_group, blobs)
    assert "Волков" not in str(missing.value)
    give_facsimile(world.expert, blobs)
    unsigned = svc.protocol_pdf(world.chair, practice_group, blobs)
    protocol = svc.sign_protocol(world.chair, practice_group, blobs)
    assert protocol.signed_at is not None
    signed = svc.protocol_pdf(world.chair, practice_group, blobs)
    count = lambda pdf: sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)  # noqa: E731
    assert count(unsigned) == 0 and count(signed) == 2
    docx = Document(io.BytesIO(svc.protocol_docx(world.chair, practice_group, blobs)))
    assert len(docx.inline_shapes) == 2
    # a result returned for rework makes the protocol stale: it must be generated and signed again
    commission.return_for_rework(world.admin, Application.get(Application.full_name == "Соколов Дмитрий Олегович"),
                                 "Уточните решение", world.plugins)
    stale = CommissionProtocol.get()
    assert stale.pdf_digest is None and stale.signed_at is None and stale.number == "12-ЭК"


def test_upload_checks_the_file_by_content(world, practice_group, blobs):
    with pytest.raises(ValidationError, match="Сначала сформируйте"):
        svc.upload_protocol(world.chair, practice_group, io.BytesIO(b"%PDF-1.4"), "protocol.pdf", blobs)
    svc.generate_protocol(world.chair, practice_group, "12-ЭК", TODAY, blobs)
    with pytest.raises(ValidationError) as wrong:
        svc.upload_protocol(world.chair, practice_group, io.BytesIO(b"PK\x03\x04 docx"), "protocol.pdf", blobs)
    assert wrong.value.field == "file"
    with pytest.raises(PermissionDeniedError):
        svc.upload_protocol(world.expert, practice_group, io.BytesIO(sample_facsimile_png()), "скан.png", blobs)
    svc.upload_protocol(world.chair, practice_group, io.BytesIO(sample_facsimile_png()), "скан.png", blobs)
    assert svc.uploaded_protocol(world.expert, practice_group, blobs) == sample_facsimile_png()
