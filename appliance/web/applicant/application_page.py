"""The page of one sent application and what the applicant does there.

Status line and history; each document with the ЦОК's verdict and reason, «Заменить» for a
rejected one and «Отправить повторно»; the contract and invoice once issued; the choice of an
exam date from the venue's schedule after payment; withdrawal where the status machine allows.
Every resource opens the application through `core.services.access`, so another applicant's
id answers 404.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re

import falcon

from appliance.web.applicant.common import BASE, ApplicantResource, read_upload, send_file
from appliance.web.applicant.status_line import status_line
from core.web.forms import read_form
from core import audit
from core.exceptions import ValidationError
from core.models import ApplicationDocument, DocumentReview, ExamSlot, Invoice
from core.services import application_forms as forms
from core.services.access import get_application
from core.services.applicant_profile import FormErrors, is_checked
from core.services.billing import invoice_documents
from core.services.documents import replace_application_document
from core.services.scheduling import choose_slot, free_slots, release_slot
from core.workflow import ActorKind, Status, allowed_targets

_DIGEST = re.compile(r"[0-9a-f]{64}")
NOTICES = {
    "sent": "Заявление отправлено на рассмотрение в ЦОК. О смене статуса придёт письмо.",
    "replaced": "Документ заменён. Когда замените все отклонённые документы, нажмите «Отправить повторно».",
    "slot": "Дата экзамена выбрана. ЦОК подтвердит её, о подтверждении придёт письмо.",
    "date_released": "Выберите другую дату экзамена.",
    "withdrawn": "Заявление отозвано.",
}


def _invoice_files(application) -> list[tuple[str, str, str]]:
    invoices = Invoice.select().where((Invoice.application == application) & Invoice.cancelled_at.is_null())
    return [file for invoice in invoices.order_by(Invoice.id) for file in invoice_documents(invoice)]


class _PageBase(ApplicantResource):
    section = "applications"

    def show(self, req, resp, user, application, *, errors=None, status=falcon.HTTP_200, notice=None):
        current = Status(application.status)
        history = forms.history_of(application)
        documents = list(application.documents.order_by(ApplicationDocument.id))
        slots = []
        if current is Status.PAID_DATE_AGREEMENT:
            tomorrow = dt.date.today() + dt.timedelta(days=1)
            views = free_slots(application.venue, application.qualification, start=tomorrow)
            slots = [(day, list(group)) for day, group in itertools.groupby(views, key=lambda v: v.slot.starts_at.date())]
        self.page(req, resp, "applicant/application.html", status=status,
                  title=f"Заявление {application.number or ''}".strip(), application=application, Status=Status,
                  current=current, steps=status_line(application, history), history=history,
                  person=forms.snapshot_of(application), documents=documents, reviews=DocumentReview.TITLES,
                  rejected=DocumentReview.REJECTED, files=_invoice_files(application), slots=slots,
                  poor=forms.poor_scans(user, documents) if current is Status.NEEDS_FIX else [],
                  can_withdraw=Status.WITHDRAWN in allowed_targets(current, ActorKind.APPLICANT),
                  errors=errors or {}, notice=notice)

    def refuse(self, req, resp, user, app_id, errors):
        """Show the page again (as stored now) with the refusal next to the form it concerns."""
        self.show(req, resp, user, get_application(user, app_id), errors=errors, status=falcon.HTTP_422)

    def back(self, application, notice):
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{application.id}?notice={notice}")


class ApplicationPageResource(_PageBase):
    def on_get(self, req, resp, app_id):
        user = self.guard(req)
        application = get_application(user, app_id)
        if Status(application.status) is Status.DRAFT:
            raise falcon.HTTPSeeOther(f"{BASE}/applications/{application.id}/edit")
        audit.record("view", "application", application.id)
        self.show(req, resp, user, application, notice=NOTICES.get(req.get_param("notice") or ""))


class ResendResource(_PageBase):
    """«Отправить повторно» after «На доработке»: the same checks as the first sending."""

    def on_post(self, req, resp, app_id):
        user = self.guard(req)
        application = get_application(user, app_id)
        form = read_form(req)
        try:
            forms.send_application(user, application, self.services.plugins,
                                   ack_quality=is_checked(form.get("ack_quality")))
        except FormErrors as ex:
            self.refuse(req, resp, user, app_id, ex.errors)
            return
        self.back(application, "sent")


class WithdrawResource(_PageBase):
    def on_post(self, req, resp, app_id):
        user = self.guard(req)
        application = get_application(user, app_id)
        was_draft = Status(application.status) is Status.DRAFT
        forms.withdraw(user, application, self.services.plugins)
        if was_draft:
            raise falcon.HTTPSeeOther(f"{BASE}/applications?notice=withdrawn")
        self.back(application, "withdrawn")


class ReplaceDocumentResource(_PageBase):
    """«Заменить» a document the ЦОК rejected: a new file, checked like any upload."""

    def on_post(self, req, resp, app_id, doc_id):
        user = self.guard(req)
        application = get_application(user, app_id)
        document = ApplicationDocument.get_or_none((ApplicationDocument.id == doc_id)
                                                   & (ApplicationDocument.application == application))
        if document is None:
            raise falcon.HTTPNotFound()

        def store(name, stream, filename, upload):
            return replace_application_document(user, document, stream, filename, self.services.blobs,
                                                max_bytes=self.max_bytes)

        upload = read_upload(req, self.max_bytes, store)
        errors = {f"replace_{doc_id}": message for message in upload.errors.values()}
        if not errors and not upload.files:
            errors[f"replace_{doc_id}"] = "Выберите файл: PDF, JPEG или PNG."
        if errors:
            self.refuse(req, resp, user, app_id, errors)
            return
        self.back(application, "replaced")


class SlotResource(_PageBase):
    """Pick the exam date from the venue's free times (status «Оплачено. Согласование даты»)."""

    def on_post(self, req, resp, app_id):
        user = self.guard(req)
        application = get_application(user, app_id)
        value = read_form(req).get("slot", "")
        slot = ExamSlot.get_or_none(ExamSlot.id == int(value)) if value.isdigit() else None
        try:
            if slot is None:
                raise ValidationError("Выберите дату и время экзамена.", field="slot")
            choose_slot(ActorKind.APPLICANT, user, application, slot, self.services.plugins)
        except ValidationError as ex:
            self.refuse(req, resp, user, app_id, {"slot": ex.message})
            return
        self.back(application, "slot")


class ChangeDateResource(_PageBase):
    def on_post(self, req, resp, app_id):
        user = self.guard(req)
        application = get_application(user, app_id)
        release_slot(ActorKind.APPLICANT, user, application, self.services.plugins)
        self.back(application, "date_released")


class ApplicationFileResource(_PageBase):
    """Download a file of the application: its documents, the contract and invoice, the portfolio."""

    def on_get(self, req, resp, app_id, digest):
        user = self.guard(req)
        application = get_application(user, app_id)
        if not _DIGEST.fullmatch(digest):
            raise falcon.HTTPNotFound()
        document = ApplicationDocument.get_or_none((ApplicationDocument.application == application)
                                                   & (ApplicationDocument.digest == digest))
        if document is not None:
            name, content_type = document.filename, document.content_type
        else:
            named = {d: filename for _title, d, filename in _invoice_files(application)}
            if application.portfolio_digest:
                named.setdefault(application.portfolio_digest, "портфолио")
            if digest not in named:
                raise falcon.HTTPNotFound()
            name, content_type = named[digest], None
        audit.record("download", "application", application.id, {"digest": digest})
        send_file(resp, self.services, digest, name, content_type)
