"""Documents of the Соискатель: kept once in the cabinet, copied into applications, replaced when rejected.

Seed 004: the applicant uploads passport pages, diploma, work book copy and СНИЛС once
and «копирует из Личного кабинета» into each заявление; the ЦОК marks each copy
«Принято» or «Отклонено» and the applicant replaces the rejected ones. Every upload goes
through `core.uploads` (type by content, size, name) and the scan check of
`core.scan_quality`, whose warnings are stored as codes so the cabinet can show them
until the scan is replaced.

Blobs are never deleted here: the store deduplicates, so one blob may back a cabinet
document, its copies in applications and the profile photo, and application documents
must be kept for the retention term (law.md). Destroying blobs that no record uses is
the retention job's work.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from core.blobstore import BlobStore
from core.db import write_transaction
from core.exceptions import BlobNotFoundError, NotFoundError, ValidationError
from core.models import (ApplicantProfile, Application, ApplicationDocument, DocumentKind, DocumentReview,
                         Qualification, StoredDocument, User)
from core.models.organisations import _now
from core.scan_quality import MESSAGES, assess_scan
from core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, StoredUpload, store_upload
from core.workflow import EDITABLE_BY_APPLICANT, Status

# mission.md, Соискатель: what every application needs until the КОС lists its own set.
DEFAULT_REQUIRED_KINDS = (DocumentKind.PASSPORT_MAIN, DocumentKind.PASSPORT_REGISTRATION, DocumentKind.DIPLOMA,
                          DocumentKind.WORK_BOOK, DocumentKind.SNILS)
# A portrait has few sharp edges, so the text-based blur measure says nothing about it.
PHOTO_CHECKS = frozenset({"too_dark", "too_light"})
MAX_TITLE_LENGTH = 300


def add_cabinet_document(owner: User, kind: DocumentKind, stream: BinaryIO, filename: str, blobs: BlobStore, *,
                         max_bytes: int, title: str | None = None) -> StoredDocument:
    """Store an upload in `owner`'s cabinet; a photo must be JPEG or PNG, the rest may be PDF too."""
    kind = DocumentKind(kind)
    title = _clean_title(title, kind)
    upload, flags = _store_checked(kind, stream, filename, blobs, max_bytes)
    return _create_document(owner, kind, title, upload, flags)


def delete_cabinet_document(owner: User, document_id: int) -> None:
    """Remove one of `owner`'s cabinet documents (copies already in applications stay).

    Someone else's document answers `NotFoundError`, as if it did not exist. Deleting the
    document that is the profile photo removes the photo from the profile too.
    """
    document = StoredDocument.get_or_none((StoredDocument.id == document_id) & (StoredDocument.owner == owner))
    if document is None:
        raise NotFoundError("Документ не найден.")
    with write_transaction():
        if document.kind == DocumentKind.PHOTO.value:
            profile = ApplicantProfile.get_or_none(ApplicantProfile.user == owner)
            if profile is not None and profile.photo_digest == document.digest:
                profile.photo_digest = None
                profile.updated_at = _now()
                profile.save()
        document.delete_instance()


def set_profile_photo(profile: ApplicantProfile, stream: BinaryIO, filename: str, blobs: BlobStore, *,
                      max_bytes: int) -> StoredDocument:
    """Make a JPEG/PNG upload the applicant's photo; the previous photo document is replaced."""
    upload, flags = _store_checked(DocumentKind.PHOTO, stream, filename, blobs, max_bytes)
    with write_transaction():
        previous = list(StoredDocument.select().where((StoredDocument.owner == profile.user_id)
                                                      & (StoredDocument.kind == DocumentKind.PHOTO.value)))
        for old in previous:
            old.delete_instance()
        document = _create_document(profile.user, DocumentKind.PHOTO, DocumentKind.PHOTO.title, upload, flags)
        profile.photo_digest = upload.digest
        profile.updated_at = _now()
        profile.save()
    return document


def quality_messages(flags: str) -> list[str]:
    """Russian advice for the codes stored in `StoredDocument.quality_flags` (unknown codes are skipped)."""
    codes = (code.strip() for code in (flags or "").split(","))
    return [MESSAGES[code] for code in codes if code in MESSAGES]


def required_document_kinds(qualification: Qualification) -> list[DocumentKind]:
    """Documents an application for `qualification` must carry.

    The КОС of a qualification lists them (Приказ Минтруда 601н); until the КОС is stored
    with that list, every qualification needs the default set of mission.md.
    """
    return list(DEFAULT_REQUIRED_KINDS)


def missing_document_kinds(qualification: Qualification, documents: Iterable) -> list[DocumentKind]:
    """Required kinds of which `documents` (cabinet or application documents) have none."""
    present = {getattr(document.kind, "value", document.kind) for document in documents}
    return [kind for kind in required_document_kinds(qualification) if kind.value not in present]


def copy_cabinet_documents(application: Application,
                           documents: Iterable[StoredDocument]) -> list[ApplicationDocument]:
    """Put the applicant's cabinet documents into an application that is still being prepared.

    The copy references the same blob (nothing is re-encrypted) and waits for review. A
    document already copied is not copied twice; the result lists the application's copy
    of each given document. Documents of another person answer `NotFoundError`.
    """
    documents = list(documents)
    _require_editable(application)
    if any(document.owner_id != application.applicant_id for document in documents):
        raise NotFoundError("Документ не найден.")
    copies = []
    with write_transaction():
        existing = {(d.kind, d.digest): d for d in ApplicationDocument.select().where(
            ApplicationDocument.application == application)}
        for document in documents:
            copy = existing.get((document.kind, document.digest))
            if copy is None:
                copy = ApplicationDocument.create(
                    application=application, kind=document.kind, title=document.title, filename=document.filename,
                    content_type=document.content_type, size=document.size, digest=document.digest,
                    review=DocumentReview.PENDING)
                existing[(document.kind, document.digest)] = copy
            copies.append(copy)
    return copies


def replace_application_document(actor: User, app_doc: ApplicationDocument, stream: BinaryIO, filename: str,
                                 blobs: BlobStore, *, max_bytes: int) -> ApplicationDocument:
    """Upload a new file for a document the ЦОК rejected («Отклонено») and send it back to review.

    Only the applicant (or, for a group application, staff of the paying employer) may,
    and only while the application is a draft or «На доработке».
    """
    _require_replaceable(actor, app_doc, app_doc.application)
    upload = _store(DocumentKind(app_doc.kind), stream, filename, blobs, max_bytes)
    with write_transaction():
        # The ЦОК may have reviewed it or moved the application while the file was uploading.
        fresh = ApplicationDocument.get_or_none(ApplicationDocument.id == app_doc.id)
        if fresh is None:
            raise NotFoundError("Документ не найден.")
        _require_replaceable(actor, fresh, Application.get_by_id(fresh.application_id))
        fresh.filename = upload.filename
        fresh.content_type = upload.content_type
        fresh.size = upload.size
        fresh.digest = upload.digest
        fresh.review = DocumentReview.PENDING
        fresh.reviewed_by = None
        fresh.reviewed_at = None
        fresh.replaced_at = _now()
        fresh.save()
    return fresh


def open_document(blobs: BlobStore, digest: str) -> Iterator[bytes]:
    """Stream a document's decrypted bytes for a download; the caller has checked access.

    A missing blob raises `NotFoundError` at once (before any byte is sent); tampering is
    found while streaming (`BlobIntegrityError`).
    """
    try:
        return blobs.open(digest)
    except BlobNotFoundError:
        raise NotFoundError("Файл документа не найден.") from None


# --- internals ---------------------------------------------------------------------------------

def _store_checked(kind: DocumentKind, stream: BinaryIO, filename: str, blobs: BlobStore,
                   max_bytes: int) -> tuple[StoredUpload, list[str]]:
    """Store the upload (outside any transaction: it is slow disk work) and check the scan."""
    upload = _store(kind, stream, filename, blobs, max_bytes)
    codes = [issue.code for issue in assess_scan(blobs.read(upload.digest), upload.content_type)]
    if kind is DocumentKind.PHOTO:
        codes = [code for code in codes if code in PHOTO_CHECKS]
    return upload, codes


def _store(kind: DocumentKind, stream: BinaryIO, filename: str, blobs: BlobStore, max_bytes: int) -> StoredUpload:
    allowed = IMAGE_TYPES if kind is DocumentKind.PHOTO else DOCUMENT_TYPES
    return store_upload(blobs, stream, filename, max_bytes=max_bytes, allowed=allowed)


def _create_document(owner: User, kind: DocumentKind, title: str, upload: StoredUpload,
                     flags: list[str]) -> StoredDocument:
    return StoredDocument.create(owner=owner, kind=kind.value, title=title, filename=upload.filename,
                                 content_type=upload.content_type, size=upload.size, digest=upload.digest,
                                 quality_flags=",".join(flags))


def _clean_title(title: str | None, kind: DocumentKind) -> str:
    title = " ".join((title or "").split())
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(f"Название документа длиннее {MAX_TITLE_LENGTH} символов.", field="title")
    return title or kind.title


def _require_replaceable(actor: User, app_doc: ApplicationDocument, application: Application) -> None:
    if not _may_edit(actor, application):
        raise NotFoundError("Документ не найден.")
    _require_editable(application)
    if app_doc.review != DocumentReview.REJECTED:
        state = DocumentReview.TITLES.get(app_doc.review, app_doc.review)
        raise ValidationError(f"Заменить можно только отклонённый документ, а этот — «{state}».", field="file")


def _may_edit(actor: User, application: Application) -> bool:
    if actor.id == application.applicant_id:
        return True
    return bool(application.group_application_id and actor.is_staff and actor.is_active
                and actor.organisation_id is not None and actor.organisation_id == application.employer_id)


def _require_editable(application: Application) -> None:
    status = Status(application.status)
    if status not in EDITABLE_BY_APPLICANT:
        raise ValidationError(f"Заявление в статусе «{status.title}» изменить нельзя: документы меняют только "
                              "в черновике или в заявлении «На доработке».", field="file")
