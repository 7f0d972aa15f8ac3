"""Cabinet documents: stored once (checked, encrypted, scan-checked), copied into applications,
replaced only when rejected — real SQLCipher database and a real blob store."""
import io

import cv2
import numpy as np
import pytest
import weasyprint

from core.audit import AuditRecord
from core.blobstore import BlobStore
from core.exceptions import BlobIntegrityError, NotFoundError, ValidationError
from core.models import (ApplicantProfile, Application, ApplicationDocument, DocumentKind, DocumentReview,
                         GroupApplication, OrgKind, ProfStandard, Qualification, Role, StoredDocument)
from core.services.documents import (add_cabinet_document, copy_cabinet_documents, delete_cabinet_document,
                                     missing_document_kinds, open_document, quality_messages,
                                     replace_application_document, required_document_kinds, set_profile_photo)
from core.workflow import Status

LIMIT = 5 * 1024 * 1024


def pdf_bytes(text: str = "Паспорт гражданина Российской Федерации") -> bytes:
    """An electronic document (real text, as Госуслуги issue them), not a scan."""
    paragraphs = "".join(f"<p>{text}, строка {n}</p>" for n in range(30))
    return weasyprint.HTML(string=f"<style>@page {{ size: A4 }}</style>{paragraphs}").write_pdf()


def scan(brightness: float = 1.0, ext: str = ".jpg") -> bytes:
    """A small typed page; `brightness` 0.3 makes it a dark photo."""
    page = np.full((700, 500), 244, np.uint8)
    for y in range(60, 660, 24):
        cv2.putText(page, "Ivanov Ivan Ivanovich 1985", (30, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 25, 1, cv2.LINE_AA)
    ok, buf = cv2.imencode(ext, (page * brightness).astype(np.uint8))
    assert ok
    return buf.tobytes()


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(tmp_path / "blobs", b"d" * 32, chunk_size=64 * 1024)


@pytest.fixture
def applicant(sqlcipher_db, factory):
    return factory.user(Role.APPLICANT)


@pytest.fixture
def world(sqlcipher_db, factory):
    """A СПК with a qualification, a ЦОК with a venue, an employer."""
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    standard = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
    qualification = Qualification.create(spk=spk, prof_standard=standard, code="40.05400.01",
                                         name="Специалист по охране труда", level=6)
    return {"spk": spk, "cok": cok, "venue": factory.org(OrgKind.VENUE, parent=cok),
            "employer": factory.org(OrgKind.EMPLOYER), "standard": standard, "qualification": qualification}


def make_application(world, applicant, status: Status = Status.DRAFT, group_by=None) -> Application:
    group = None
    if group_by is not None:
        group = GroupApplication.create(employer=world["employer"], cok=world["cok"], prof_standard=world["standard"],
                                        status=Status.DRAFT.value, created_by=group_by)
    return Application.create(applicant=applicant, cok=world["cok"], venue=world["venue"],
                              qualification=world["qualification"], status=status.value,
                              employer=world["employer"] if group else None, group_application=group)


def add(owner, blobs, data: bytes, name: str, kind=DocumentKind.PASSPORT_MAIN, **kwargs) -> StoredDocument:
    return add_cabinet_document(owner, kind, io.BytesIO(data), name, blobs, max_bytes=LIMIT, **kwargs)


def blob_files(blobs) -> int:
    return sum(1 for p in blobs.root.rglob("*") if p.is_file() and p.parent.name != "tmp")


def rejected_copy(world, applicant, blobs, status: Status = Status.NEEDS_FIX, **kwargs) -> ApplicationDocument:
    document = add(applicant, blobs, scan(0.3), "паспорт.jpg")
    application = make_application(world, applicant, Status.DRAFT, **kwargs)
    [copy] = copy_cabinet_documents(application, [document])
    application.status = status.value
    application.save()
    copy.review = DocumentReview.REJECTED
    copy.reject_reason = "Скан слишком тёмный"
    copy.save()
    return copy


def replace(actor, copy, blobs, data: bytes = None, name: str = "паспорт-новый.pdf") -> ApplicationDocument:
    return replace_application_document(actor, copy, io.BytesIO(data or pdf_bytes("Новый скан")), name, blobs,
                                        max_bytes=LIMIT)


# --- cabinet ---------------------------------------------------------------------------------------

def test_add_document_stores_it_encrypted_with_its_details(applicant, blobs):
    data = pdf_bytes()
    document = add(applicant, blobs, data, "паспорт.pdf")
    stored = StoredDocument.get_by_id(document.id)
    assert (stored.owner_id, stored.kind, stored.title, stored.filename, stored.content_type, stored.size) == (
        applicant.id, "passport_main", "Паспорт: страница с фотографией", "паспорт.pdf", "application/pdf", len(data))
    assert stored.quality_flags == ""
    assert b"".join(open_document(blobs, stored.digest)) == data
    assert AuditRecord.select().where((AuditRecord.entity == "stored_document")
                                      & (AuditRecord.entity_id == str(document.id))).exists()


def test_poor_scan_is_flagged_with_russian_advice(applicant, blobs):
    document = add(applicant, blobs, scan(0.3), "снилс.jpg", DocumentKind.SNILS, title="  СНИЛС   (ламинированный) ")
    assert document.title == "СНИЛС (ламинированный)"
    assert StoredDocument.get_by_id(document.id).quality_flags == "too_dark"
    [message] = quality_messages(document.quality_flags)
    assert message.startswith("Скан слишком тёмный")
    assert quality_messages("") == [] and quality_messages("blurred, unknown") == [quality_messages("blurred")[0]]


def test_bad_upload_stores_nothing(applicant, blobs):
    with pytest.raises(ValidationError, match="не является PDF-документом") as info:
        add(applicant, blobs, b"plain text", "паспорт.pdf")
    assert info.value.field == "file"
    with pytest.raises(ValidationError) as info:
        add(applicant, blobs, pdf_bytes(), "паспорт.pdf", title="Т" * 301)
    assert info.value.field == "title"
    assert StoredDocument.select().count() == 0 and blob_files(blobs) == 0


def test_photo_must_be_an_image(applicant, blobs):
    with pytest.raises(ValidationError, match="Допустимы только JPEG и PNG"):
        add(applicant, blobs, pdf_bytes(), "фото.pdf", DocumentKind.PHOTO)
    assert add(applicant, blobs, scan(ext=".png"), "фото.png", DocumentKind.PHOTO).content_type == "image/png"


def test_delete_only_own_documents(applicant, blobs, factory):
    mine = add(applicant, blobs, pdf_bytes(), "диплом.pdf", DocumentKind.DIPLOMA)
    stranger = factory.user(Role.APPLICANT)
    with pytest.raises(NotFoundError, match="Документ не найден"):
        delete_cabinet_document(stranger, mine.id)
    with pytest.raises(NotFoundError):
        delete_cabinet_document(applicant, mine.id + 1000)
    delete_cabinet_document(applicant, mine.id)
    assert StoredDocument.get_or_none(StoredDocument.id == mine.id) is None
    assert blobs.exists(mine.digest)  # copies in applications may use it; the retention job decides


def test_profile_photo(applicant, blobs):
    profile = ApplicantProfile.create(user=applicant, last_name="Иванов", first_name="Иван")
    first = set_profile_photo(profile, io.BytesIO(scan()), "фото.jpg", blobs, max_bytes=LIMIT)
    assert ApplicantProfile.get_by_id(profile.id).photo_digest == first.digest and first.kind == "photo"
    second = set_profile_photo(profile, io.BytesIO(scan(ext=".png")), "фото.png", blobs, max_bytes=LIMIT)
    photos = StoredDocument.select().where(StoredDocument.kind == "photo")
    assert [d.id for d in photos] == [second.id]
    assert ApplicantProfile.get_by_id(profile.id).photo_digest == second.digest
    with pytest.raises(ValidationError, match="Допустимы только JPEG и PNG"):
        set_profile_photo(profile, io.BytesIO(pdf_bytes()), "фото.pdf", blobs, max_bytes=LIMIT)
    assert ApplicantProfile.get_by_id(profile.id).photo_digest == second.digest
    delete_cabinet_document(applicant, second.id)
    assert ApplicantProfile.get_by_id(profile.id).photo_digest is None


def test_photo_is_not_judged_for_blur(applicant, blobs):
    portrait = np.full((800, 600, 3), 235, np.uint8)
    cv2.ellipse(portrait, (300, 380), (150, 200), 0, 0, 360, (150, 170, 200), -1)
    cv2.ellipse(portrait, (300, 790), (280, 200), 0, 0, 360, (60, 50, 40), -1)
    document = add(applicant, blobs, cv2.imencode(".jpg", cv2.GaussianBlur(portrait, (0, 0), 2))[1].tobytes(),
                   "фото.jpg", DocumentKind.PHOTO)
    assert document.quality_flags == ""


def test_required_and_missing_kinds(world, applicant, blobs):
    qualification = world["qualification"]
    assert required_document_kinds(qualification) == [
        DocumentKind.PASSPORT_MAIN, DocumentKind.PASSPORT_REGISTRATION, DocumentKind.DIPLOMA,
        DocumentKind.WORK_BOOK, DocumentKind.SNILS]
    documents = [add(applicant, blobs, pdf_bytes(), "паспорт.pdf"),
                 add(applicant, blobs, pdf_bytes(), "снилс.pdf", DocumentKind.SNILS),
                 add(applicant, blobs, scan(), "фото.jpg", DocumentKind.PHOTO)]
    assert missing_document_kinds(qualification, documents) == [
        DocumentKind.PASSPORT_REGISTRATION, DocumentKind.DIPLOMA, DocumentKind.WORK_BOOK]
    assert missing_document_kinds(qualification, []) == required_document_kinds(qualification)


# --- applications ----------------------------------------------------------------------------------

def test_copy_into_application_references_the_same_blob(world, applicant, blobs):
    documents = [add(applicant, blobs, pdf_bytes(), "паспорт.pdf"),
                 add(applicant, blobs, scan(), "диплом.jpg", DocumentKind.DIPLOMA)]
    files = blob_files(blobs)
    application = make_application(world, applicant)
    copies = copy_cabinet_documents(application, documents)
    assert [(c.kind, c.digest, c.filename, c.content_type, c.size, c.review) for c in copies] == [
        (d.kind, d.digest, d.filename, d.content_type, d.size, "pending") for d in documents]
    assert blob_files(blobs) == files  # nothing re-encrypted or duplicated
    again = copy_cabinet_documents(application, documents)
    assert [c.id for c in again] == [c.id for c in copies]
    assert ApplicationDocument.select().where(ApplicationDocument.application == application).count() == 2


def test_copy_refuses_others_documents_and_locked_applications(world, applicant, blobs, factory):
    stranger = factory.user(Role.APPLICANT)
    theirs = add(stranger, blobs, pdf_bytes(), "чужой.pdf")
    application = make_application(world, applicant)
    with pytest.raises(NotFoundError):
        copy_cabinet_documents(application, [theirs])
    submitted = make_application(world, applicant, Status.SUBMITTED)
    with pytest.raises(ValidationError, match="«На рассмотрении» изменить нельзя"):
        copy_cabinet_documents(submitted, [add(applicant, blobs, pdf_bytes(), "мой.pdf")])
    assert ApplicationDocument.select().count() == 0


def test_applicant_replaces_a_rejected_document(world, applicant, blobs):
    copy = rejected_copy(world, applicant, blobs)
    old_digest = copy.digest
    new = pdf_bytes("Новый скан")
    replaced = replace(applicant, copy, blobs, new)
    fresh = ApplicationDocument.get_by_id(copy.id)
    assert fresh.review == DocumentReview.PENDING and fresh.replaced_at is not None
    assert (fresh.filename, fresh.content_type, fresh.size) == ("паспорт-новый.pdf", "application/pdf", len(new))
    assert fresh.digest != old_digest and b"".join(open_document(blobs, fresh.digest)) == new
    assert fresh.reviewed_by_id is None and fresh.reviewed_at is None
    assert replaced.id == copy.id and replaced.review == DocumentReview.PENDING
    assert blobs.exists(old_digest)  # the cabinet original still uses it


@pytest.mark.parametrize("review", [DocumentReview.PENDING, DocumentReview.ACCEPTED])
def test_only_rejected_documents_can_be_replaced(world, applicant, blobs, review):
    copy = rejected_copy(world, applicant, blobs)
    copy.review = review
    copy.save()
    with pytest.raises(ValidationError, match="только отклонённый документ") as info:
        replace(applicant, copy, blobs)
    assert info.value.field == "file" and DocumentReview.TITLES[review] in str(info.value)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.AWAITING_PAYMENT, Status.WITHDRAWN])
def test_replacement_only_while_the_application_is_editable(world, applicant, blobs, status):
    copy = rejected_copy(world, applicant, blobs, status)
    files = blob_files(blobs)
    with pytest.raises(ValidationError, match=f"«{status.title}» изменить нельзя"):
        replace(applicant, copy, blobs)
    assert ApplicationDocument.get_by_id(copy.id).review == DocumentReview.REJECTED
    assert blob_files(blobs) == files  # refused before anything was uploaded


def test_replacement_in_a_draft(world, applicant, blobs):
    copy = rejected_copy(world, applicant, blobs, Status.DRAFT)
    assert replace(applicant, copy, blobs).review == DocumentReview.PENDING


def test_strangers_cannot_replace(world, applicant, blobs, factory):
    copy = rejected_copy(world, applicant, blobs)
    for stranger in (factory.user(Role.APPLICANT), factory.user(Role.ADMIN, world["cok"]),
                     factory.user(Role.ADMIN, world["employer"])):  # not a group application
        with pytest.raises(NotFoundError, match="Документ не найден"):
            replace(stranger, copy, blobs)
    assert ApplicationDocument.get_by_id(copy.id).review == DocumentReview.REJECTED


def test_employer_staff_replace_in_their_group_application(world, applicant, blobs, factory):
    staff = factory.user(Role.OPERATOR, world["employer"])
    copy = rejected_copy(world, applicant, blobs, group_by=staff)
    other_employer = factory.user(Role.ADMIN, factory.org(OrgKind.EMPLOYER))
    with pytest.raises(NotFoundError):
        replace(other_employer, copy, blobs)
    assert replace(staff, copy, blobs).review == DocumentReview.PENDING


def test_bad_replacement_file_changes_nothing(world, applicant, blobs):
    copy = rejected_copy(world, applicant, blobs)
    with pytest.raises(ValidationError, match="хотя называется .pdf"):
        replace(applicant, copy, blobs, b"not a pdf at all")
    fresh = ApplicationDocument.get_by_id(copy.id)
    assert (fresh.review, fresh.digest, fresh.replaced_at) == (DocumentReview.REJECTED, copy.digest, None)


def test_review_that_happens_during_the_upload_wins(world, applicant, blobs):
    copy = rejected_copy(world, applicant, blobs)
    stale = ApplicationDocument.get_by_id(copy.id)
    copy.review = DocumentReview.ACCEPTED  # the ЦОК accepted it meanwhile
    copy.save()
    with pytest.raises(ValidationError, match="«Принято»"):
        replace(applicant, stale, blobs)


def test_open_document_errors(blobs):
    with pytest.raises(NotFoundError, match="не найден"):
        open_document(blobs, "0" * 64)
    with pytest.raises(NotFoundError):
        open_document(blobs, "../../nok.key")
    ref = blobs.put(b"%PDF-1.4 scan")
    path = next(p for p in blobs.root.rglob(ref.digest))
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobIntegrityError):
        b"".join(open_document(blobs, ref.digest))
