"""«Документы»: scans kept in the cabinet once and copied into applications (seed 004, БЛОК «Документы»).

Each scan is checked by content and size on upload and for quality (too dark, too light,
blurred): the warning shows before the applicant sends anything, since a poor scan is the
first typical reason a ЦОК returns an application.
"""
from __future__ import annotations

import falcon

from appliance.web.applicant.common import BASE, ApplicantResource, page_number, pages, read_upload, send_file
from core import audit
from core.exceptions import ValidationError
from core.models import DocumentKind, StoredDocument
from core.services.application_forms import get_own_document
from core.services.documents import add_cabinet_document, delete_cabinet_document, quality_messages

PAGE_SIZE = 25
UPLOAD_KINDS = (DocumentKind.PASSPORT_MAIN, DocumentKind.PASSPORT_REGISTRATION, DocumentKind.DIPLOMA,
                DocumentKind.WORK_BOOK, DocumentKind.SNILS, DocumentKind.OTHER)
NOTICES = {
    "uploaded": "Документ загружен.",
    "poor": "Документ загружен, но у скана есть замечания к качеству (см. список). ЦОК может отклонить плохо "
            "читаемую копию: лучше отсканировать документ заново.",
    "deleted": "Документ удалён из личного кабинета. В уже поданных заявлениях его копия сохранена.",
}


def upload_kind(value: str) -> DocumentKind:
    kinds = {k.value: k for k in UPLOAD_KINDS}
    if value not in kinds:
        raise ValidationError("Выберите вид документа.", field="kind")
    return kinds[value]


class DocumentsResource(ApplicantResource):
    section = "documents"

    def _show(self, req, resp, user, *, form=None, errors=None, status=falcon.HTTP_200, notice=None):
        page = page_number(req)
        query = (StoredDocument.select().where((StoredDocument.owner == user)
                                               & (StoredDocument.kind != DocumentKind.PHOTO.value))
                 .order_by(StoredDocument.uploaded_at.desc(), StoredDocument.id.desc()))
        documents = list(query.paginate(page, PAGE_SIZE))
        total = query.count()
        warnings = {d.id: quality_messages(d.quality_flags) for d in documents if d.quality_flags}
        self.page(req, resp, "applicant/documents.html", status=status, title="Документы", documents=documents,
                  warnings=warnings, total=total, page=page, pages=pages(total, PAGE_SIZE), form=form or {},
                  errors=errors or {}, kinds=[(k.value, k.title) for k in UPLOAD_KINDS], notice=notice,
                  max_mb=self.services.config.max_upload_mb)

    def on_get(self, req, resp):
        user = self.guard(req)
        self._show(req, resp, user, notice=NOTICES.get(req.get_param("notice") or ""))

    def on_post(self, req, resp):
        user = self.guard(req)

        def store(name, stream, filename, form):
            kind = upload_kind(form.one("kind"))
            return add_cabinet_document(user, kind, stream, filename, self.services.blobs,
                                        max_bytes=self.max_bytes, title=form.one("title") or None)

        upload = read_upload(req, self.max_bytes, store)
        errors = dict(upload.errors)
        if not errors and "file" not in upload.files:
            errors["file"] = "Выберите файл: PDF, JPEG или PNG."
        if errors:
            self._show(req, resp, user, form=upload.flat(), errors=errors, status=falcon.HTTP_422)
            return
        document = upload.files["file"]
        raise falcon.HTTPSeeOther(f"{BASE}/documents?notice={'poor' if document.quality_flags else 'uploaded'}")


class DocumentFileResource(ApplicantResource):
    """Download one's own scan (streamed; another applicant's id answers 404)."""

    def on_get(self, req, resp, doc_id):
        user = self.guard(req)
        document = get_own_document(user, doc_id)
        audit.record("download", "stored_document", document.id)
        send_file(resp, self.services, document.digest, document.filename, document.content_type)


class DocumentDeleteResource(ApplicantResource):
    def on_post(self, req, resp, doc_id):
        user = self.guard(req)
        get_own_document(user, doc_id)  # 404 for another applicant's document
        delete_cabinet_document(user, doc_id)
        raise falcon.HTTPSeeOther(f"{BASE}/documents?notice=deleted")
