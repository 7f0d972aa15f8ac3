"""«Заявления»: the list with statuses, and the wizard — one page with the blocks of seed 004.

The wizard is a multipart form (the portfolio may be a file). «Сохранить черновик» keeps what
was chosen; «Отправить» saves and sends in one go, and when sending is refused the draft is kept
and every reason stands next to its block. «Показать площадки» narrows the venues to those whose
ЦОК examines the chosen qualification, without any script.
"""
from __future__ import annotations

import dataclasses
import itertools

import falcon

from appliance.web.applicant.common import BASE, ApplicantResource, page_number, pages, read_upload
from core.exceptions import ValidationError
from core.models import DocumentKind, Qualification, StoredDocument
from core.models.applications import PAYER_TITLES, PRACTICAL_FORM_TITLES
from core.services import applicant_profile as profiles
from core.services import application_forms as forms
from core.services.access import get_application
from core.services.applicant_profile import FormErrors
from core.services.application_forms import ApplicationForm
from core.services.documents import quality_messages, required_document_kinds
from core.uploads import store_upload
from core.workflow import Status

WIZARD_KINDS = (DocumentKind.PASSPORT_MAIN, DocumentKind.PASSPORT_REGISTRATION, DocumentKind.DIPLOMA,
                DocumentKind.WORK_BOOK, DocumentKind.SNILS, DocumentKind.OTHER)
WIZARD_FIELDS = {f.name for f in dataclasses.fields(ApplicationForm)}


class ApplicationListResource(ApplicantResource):
    section = "applications"

    def on_get(self, req, resp):
        user = self.guard(req)
        page = page_number(req)
        rows, total = forms.list_applications(user, page)
        self.page(req, resp, "applicant/applications.html", title="Заявления", rows=rows, total=total, page=page,
                  pages=pages(total, forms.PAGE_SIZE), Status=Status,
                  notice="Заявление отозвано." if req.get_param("notice") == "withdrawn" else None)


def _form_values(form: ApplicationForm) -> dict[str, str]:
    values = {name: ("1" if value is True else "" if value is False else value)
              for name, value in dataclasses.asdict(form).items() if name != "documents"}
    return {name: value or "" for name, value in values.items()}


class _WizardBase(ApplicantResource):
    section = "applications"

    def show(self, req, resp, user, form: ApplicationForm, application=None, *, errors=None,
             status=falcon.HTTP_200, notice=None):
        profile = profiles.get_profile(user)
        qualification = (Qualification.get_or_none(Qualification.id == int(form.qualification))
                         if form.qualification.isdigit() else None)
        required = required_document_kinds(qualification) if qualification else []
        documents = list(StoredDocument.select().where((StoredDocument.owner == user)
                                                       & StoredDocument.kind.in_([k.value for k in WIZARD_KINDS]))
                         .order_by(StoredDocument.kind, StoredDocument.uploaded_at))
        by_kind = {kind: list(group) for kind, group in itertools.groupby(documents, key=lambda d: d.kind)}
        venues = forms.venues_for(qualification.id if qualification else None)
        self.page(req, resp, "applicant/application_form.html", status=status,
                  title="Заявление на профессиональный экзамен", application=application, form=_form_values(form),
                  selected=set(form.documents), errors=errors or {}, notice=notice, profile=profile,
                  person=profiles.snapshot(profile), missing=profiles.missing_profile_fields(profile),
                  qualifications=[(q.id, f"{q.code} {q.title}") for q in forms.offered_qualifications()],
                  venue_groups=[(cok, list(group)) for cok, group in itertools.groupby(venues, key=lambda v: v.parent)],
                  employers=[(e.id, f"{e.short_name} (ИНН {e.inn})" if e.inn else e.short_name)
                             for e in forms.employers()],
                  payers=PAYER_TITLES, practical_forms=PRACTICAL_FORM_TITLES,
                  kinds=[(k, k in required, by_kind.get(k.value, [])) for k in WIZARD_KINDS],
                  warnings={d.id: quality_messages(d.quality_flags) for d in documents if d.quality_flags},
                  consent_accuracy_text=profiles.CONSENT_ACCURACY_TEXT, consent_pd_text=profiles.CONSENT_PD_TEXT,
                  consent_version=profiles.CONSENT_TEXT_VERSION)

    def handle(self, req, resp, user, application=None):
        """Save the draft, and send it when asked; refusals come back next to their blocks."""
        def store(name, stream, filename, upload):
            if name != "portfolio_file":
                raise ValidationError("Эта форма принимает только файл портфолио.", field="portfolio_file")
            return store_upload(self.services.blobs, stream, filename, max_bytes=self.max_bytes)

        upload = read_upload(req, self.max_bytes, store)
        form = ApplicationForm.from_fields(upload.fields)
        if "portfolio_file" in upload.files:
            form.portfolio_digest = upload.files["portfolio_file"].digest
        errors = {(k if k in WIZARD_FIELDS else "portfolio_file"): v for k, v in upload.errors.items()}
        action = upload.one("action", "save")
        if errors or action == "refresh":
            self.show(req, resp, user, form, application, errors=errors,
                      status=falcon.HTTP_422 if errors else falcon.HTTP_200)
            return
        try:
            application = forms.save_draft(user, form, application)
        except FormErrors as ex:
            self.show(req, resp, user, form, application, errors=ex.errors, status=falcon.HTTP_422)
            return
        if action != "send":
            raise falcon.HTTPSeeOther(f"{BASE}/applications/{application.id}/edit?notice=saved")
        try:
            forms.send_application(user, application, self.services.plugins, consent_accuracy=form.consent_accuracy,
                                   consent_pd=form.consent_pd, ack_quality=form.ack_quality)
        except FormErrors as ex:
            self.show(req, resp, user, form, application, errors=ex.errors, status=falcon.HTTP_422,
                      notice="Черновик сохранён, но не отправлен: исправьте замечания ниже.")
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{application.id}?notice=sent")


class ApplicationNewResource(_WizardBase):
    def on_get(self, req, resp):
        user = self.guard(req)
        preselected = StoredDocument.select(StoredDocument.id).where(
            (StoredDocument.owner == user) & StoredDocument.kind.in_([k.value for k in WIZARD_KINDS[:-1]]))
        form = ApplicationForm(qualification=req.get_param("qualification") or "",
                               documents=[str(d.id) for d in preselected])
        self.show(req, resp, user, form)

    def on_post(self, req, resp):
        self.handle(req, resp, self.guard(req))


class ApplicationEditResource(_WizardBase):
    """The wizard for a saved draft; a sent application opens its own page instead."""

    def _draft(self, req, user, app_id):
        application = get_application(user, app_id)
        if Status(application.status) is not Status.DRAFT:
            raise falcon.HTTPSeeOther(f"{BASE}/applications/{application.id}")
        return application

    def on_get(self, req, resp, app_id):
        user = self.guard(req)
        application = self._draft(req, user, app_id)
        form = ApplicationForm.from_application(application, forms.draft_document_ids(user, application))
        notice = "Черновик сохранён." if req.get_param("notice") == "saved" else None
        self.show(req, resp, user, form, application, notice=notice)

    def on_post(self, req, resp, app_id):
        user = self.guard(req)
        self.handle(req, resp, user, self._draft(req, user, app_id))
