"""Review of one application: the applicant's snapshot, each document «Принято»/«Отклонено»,
«Отправить на доработку», and — all accepted — «Сформировать договор и счёт».

Everything here shows personal data, so every page view and every download is audited.
"""
from __future__ import annotations

import datetime as dt

import falcon


from appliance.web.centre.common import CentreResource, form_errors
from core.web.downloads import send_blob
from core.web.forms import read_form
from core import audit
from core.exceptions import NotFoundError, ValidationError
from core.models import Application, ApplicationDocument, ApplicationStatusChange, DocumentReview, Invoice, StoredDocument
from core.models.applications import PAYER_TITLES, PRACTICAL_FORM_TITLES
from core.models.billing import TERMS_TITLES
from core.services import billing, review
from core.services.access import get_application
from core.services.application_forms import snapshot_of
from core.services.documents import open_document, quality_messages
from core.services.payments import format_rub
from core.validators import format_snils
from core.models.exams import GROUP_KIND_TITLES, ExamGroup, GroupMember
from core.workflow import Status

NOTICES = {
    "save": "Решения по документам сохранены.",
    "fixes": "Заявление отправлено на доработку; соискатель получил письмо с причинами.",
    "invoice": "Договор и счёт сформированы и прикреплены к заявлению; соискатель получил письмо.",
}
PERSON_LABELS = (
    ("full_name", "ФИО"), ("birth_date", "Дата рождения"), ("snils", "СНИЛС"), ("phone", "Телефон"),
    ("email", "Email"), ("passport_series", "Серия паспорта"), ("passport_number", "Номер паспорта"),
    ("passport_issued_by", "Кем выдан"), ("passport_issue_date", "Дата выдачи"),
    ("passport_division_code", "Код подразделения"), ("registration_address", "Адрес регистрации"),
)


def _shown(key: str, value) -> str:
    if value in (None, ""):
        return "—"
    if key == "snils":
        try:
            return format_snils(str(value))
        except ValidationError:
            return str(value)
    if key.endswith("_date") or key in ("started_on", "ended_on"):
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
        except ValueError:
            return str(value)
    return str(value)


def person_rows(data: dict) -> list[tuple[str, str]]:
    """The snapshot's personal and passport data as (label, text) rows, «нет отчества» made explicit."""
    rows = [(label, _shown(key, data.get(key))) for key, label in PERSON_LABELS]
    if data.get("no_middle_name"):
        rows.insert(1, ("Отчество", "нет отчества (указано соискателем)"))
    return rows


# «Группа» → «Изменить»: while the candidate waits for a date or is scheduled, not after admission.
GROUP_CHANGE_STATUSES = frozenset({Status.PAID_DATE_AGREEMENT.value, Status.PAID_DATE_CONFIRMATION.value,
                                   Status.EXAM_SCHEDULED.value})


class _ApplicationBase(CentreResource):
    section = "applications"

    def load(self, req, cabinet, application_id) -> tuple:
        """The application if the user's ЦОК or venue may open it (others and drafts: 404)."""
        user = self.guard(req, cabinet)
        review.require_reviewer(user)
        application = get_application(user, application_id)
        if application.status == Status.DRAFT.value:
            raise NotFoundError("Заявление не найдено.")
        return user, application

    def send(self, resp, digest: str, filename: str, content_type: str | None = None) -> None:
        send_blob(resp, self.services.blobs, digest, filename, content_type)


class ApplicationReviewResource(_ApplicationBase):
    def on_get(self, req, resp, cabinet, application_id):
        user, application = self.load(req, cabinet, application_id)
        self.show(req, resp, application, notice=NOTICES.get(req.get_param("notice") or ""))

    def show(self, req, resp, application, *, form=None, errors=None, status=falcon.HTTP_200, notice=None):
        documents = list(ApplicationDocument.select().where(ApplicationDocument.application == application)
                         .order_by(ApplicationDocument.id))
        flags = {d.digest: quality_messages(d.quality_flags) for d in StoredDocument.select(
            StoredDocument.digest, StoredDocument.quality_flags).where(
            (StoredDocument.owner == application.applicant_id)
            & StoredDocument.digest.in_([doc.digest for doc in documents]))}
        invoices = list(Invoice.select().where(Invoice.application == application).order_by(Invoice.id.desc()))
        history = list(ApplicationStatusChange.select().where(ApplicationStatusChange.application == application)
                       .order_by(ApplicationStatusChange.at, ApplicationStatusChange.id))
        data = snapshot_of(application)
        memberships = list(GroupMember.select(GroupMember, ExamGroup).join(ExamGroup)
                           .where(GroupMember.application == application).order_by(ExamGroup.starts_at))
        audit.record("view", "application", application.id)
        self.page(req, resp, "centre/review.html", title=f"Заявление {application.number or application.id}",
                  status=status, application=application, status_title=Status(application.status).title,
                  reviewable=application.status == Status.SUBMITTED.value, documents=documents, flags=flags,
                  all_accepted=review.all_accepted(documents), verdict_titles=DocumentReview.TITLES,
                  invoices=[(inv, billing.invoice_documents(inv)) for inv in invoices], history=history,
                  person=person_rows(data), education=data.get("education") or [], work=data.get("work") or [],
                  has_photo=bool(data.get("photo_digest")), shown=_shown, terms=TERMS_TITLES,
                  payer_title=PAYER_TITLES.get(application.payer, application.payer),
                  form_title=PRACTICAL_FORM_TITLES.get(application.practical_form, application.practical_form),
                  format_rub=format_rub, form=form or {}, errors=errors or {}, notice=notice,
                  status_titles={s.value: s.title for s in Status}, memberships=memberships,
                  group_kind_titles=GROUP_KIND_TITLES,
                  can_change_group=application.status in GROUP_CHANGE_STATUSES)

    def on_post(self, req, resp, cabinet, application_id):
        user, application = self.load(req, cabinet, application_id)
        form = read_form(req)
        action = form.get("action")
        try:
            if action in ("save", "fixes"):
                documents = ApplicationDocument.select().where(ApplicationDocument.application == application)
                verdicts = {d.id: (form.get(f"verdict_{d.id}", d.review), form.get(f"reason_{d.id}", ""))
                            for d in documents}
                if action == "save":
                    review.review_documents(user, application, verdicts)
                else:
                    review.review_and_send_for_fixes(user, application, verdicts, self.services.plugins)
            elif action == "invoice":
                billing.issue_contract_and_invoice(application, user, self.services.blobs, self.services.plugins,
                                                   payment_terms=form.get("payment_terms", ""))
            else:
                raise falcon.HTTPBadRequest(description="Неизвестное действие с заявлением.")
        except ValidationError as ex:
            self.show(req, resp, Application.get_by_id(application.id), form=form, errors=form_errors(ex),
                      status=falcon.HTTP_422)
            return
        raise self.see_other(req, f"/applications/{application.id}?notice={action}")


class DocumentDownloadResource(_ApplicationBase):
    """One document of the application, only for staff who may open the application."""

    def on_get(self, req, resp, cabinet, application_id, document_id):
        user, application = self.load(req, cabinet, application_id)
        doc = ApplicationDocument.get_or_none((ApplicationDocument.id == document_id)
                                              & (ApplicationDocument.application == application))
        if doc is None:
            raise NotFoundError("Документ не найден.")
        audit.record("view", "application_document", doc.id, {"application": application.id})
        self.send(resp, doc.digest, doc.filename, doc.content_type)


class PhotoResource(_ApplicationBase):
    """The applicant's photo from the snapshot (the commission checks the person against it)."""

    def on_get(self, req, resp, cabinet, application_id):
        user, application = self.load(req, cabinet, application_id)
        digest = snapshot_of(application).get("photo_digest")
        if not digest:
            raise NotFoundError("Фотография не приложена.")
        audit.record("view", "application_photo", application.id)
        photo = b"".join(open_document(self.services.blobs, digest))
        resp.content_type = "image/png" if photo.startswith(b"\x89PNG") else "image/jpeg"
        resp.data = photo


class InvoiceFileResource(_ApplicationBase):
    """A generated contract or invoice of the application (by its digest, only if it belongs to it)."""

    def on_get(self, req, resp, cabinet, application_id, digest):
        user, application = self.load(req, cabinet, application_id)
        for invoice in Invoice.select().where(Invoice.application == application):
            for title, file_digest, filename in billing.invoice_documents(invoice):
                if file_digest == digest:
                    audit.record("view", "invoice", invoice.id, {"file": filename})
                    self.send(resp, digest, filename)
                    return
        raise NotFoundError("Файл не найден.")
