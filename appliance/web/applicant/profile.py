"""«Личные данные»: ФИО, дата рождения, СНИЛС, паспорт, контакты, фото, образование, трудовая деятельность.

One page with several forms (the personal data, the photo upload, a diploma row, a job row);
whichever form fails comes back with its errors under its fields and what was typed, the
others show what is stored. Every opening of the page is written to the audit log (152-ФЗ:
who viewed personal data).
"""
from __future__ import annotations

import falcon

from appliance.web.applicant.common import BASE, ApplicantResource, read_upload, send_file
from core.web.forms import read_form
from core import audit
from core.models import Education, WorkRecord
from core.services import applicant_profile as profiles
from core.services.applicant_profile import FormErrors
from core.services.documents import set_profile_photo

NOTICES = {
    "personal": "Личные данные сохранены.",
    "photo": "Фотография загружена.",
    "education": "Документ об образовании добавлен.",
    "work": "Место работы добавлено.",
    "removed": "Запись удалена.",
}


class _ProfileBase(ApplicantResource):
    section = "personal"

    def show(self, req, resp, profile, *, status=falcon.HTTP_200, personal=None, errors=None, education=None,
             work=None, notice=None):
        """Render the page; `errors` holds the failing form's errors under the form's key."""
        errors = errors or {}
        self.page(req, resp, "applicant/personal.html", status=status, title="Личные данные", profile=profile,
                  form=personal if personal is not None else profiles.profile_form(profile),
                  errors=errors.get("personal", {}), photo_errors=errors.get("photo", {}),
                  education_rows=list(profile.education.order_by(Education.graduation_year, Education.id)),
                  work_rows=list(profile.work_history.order_by(WorkRecord.started_on.desc(), WorkRecord.id)),
                  education_form=education or {}, education_errors=errors.get("education", {}),
                  work_form=work or {}, work_errors=errors.get("work", {}),
                  levels=[(level, level) for level in profiles.EDUCATION_LEVELS], notice=notice,
                  consent_accuracy_text=profiles.CONSENT_ACCURACY_TEXT, consent_pd_text=profiles.CONSENT_PD_TEXT,
                  consent_version=profiles.CONSENT_TEXT_VERSION)


class PhotoResource(_ProfileBase):
    """The applicant's photo: upload (JPEG/PNG, checked by content) and the thumbnail the page shows."""

    def on_get(self, req, resp):
        user = self.guard(req)
        profile = profiles.get_profile(user)
        if not profile.photo_digest:
            raise falcon.HTTPNotFound()
        send_file(resp, self.services, profile.photo_digest, "фото", inline=True)

    def on_post(self, req, resp):
        user = self.guard(req)
        profile = profiles.get_profile(user)

        def store(name, stream, filename, form):
            return set_profile_photo(profile, stream, filename, self.services.blobs, max_bytes=self.max_bytes)

        upload = read_upload(req, self.max_bytes, store)
        if upload.errors or "photo" not in upload.files:
            message = next(iter(upload.errors.values()), "Выберите файл с фотографией (JPEG или PNG).")
            self.show(req, resp, profiles.get_profile(user), status=falcon.HTTP_422,
                      errors={"photo": {"photo": message}})
            return
        raise falcon.HTTPSeeOther(f"{BASE}/personal?notice=photo")


class _FormResource(_ProfileBase):
    """A form of the page (`kind`: personal, education, work) saved by a profile service."""

    kind = ""

    def save(self, profile, form):
        raise NotImplementedError

    def on_post(self, req, resp):
        user = self.guard(req)
        profile = profiles.get_profile(user)
        form = read_form(req)
        try:
            self.save(profile, form)
        except FormErrors as ex:
            self.show(req, resp, profile, status=falcon.HTTP_422, errors={self.kind: ex.errors},
                      **{self.kind: form})
            return
        raise falcon.HTTPSeeOther(f"{BASE}/personal?notice={self.kind}#{self.kind}")


class PersonalResource(_FormResource):
    kind = "personal"

    def on_get(self, req, resp):
        user = self.guard(req)
        profile = profiles.get_profile(user)
        audit.record("view", "applicant_profile", profile.id)
        self.show(req, resp, profile, notice=NOTICES.get(req.get_param("notice") or ""))

    def save(self, profile, form):
        profiles.save_personal_data(profile, form)


class EducationResource(_FormResource):
    kind = "education"

    def save(self, profile, form):
        profiles.add_education(profile, form)


class WorkResource(_FormResource):
    kind = "work"

    def save(self, profile, form):
        profiles.add_work_record(profile, form)


class RowDeleteResource(_ProfileBase):
    """Remove a diploma or a job of one's own profile (another's id answers 404)."""

    MODELS = {"education": Education, "work": WorkRecord}

    def on_post(self, req, resp, kind, row_id):
        user = self.guard(req)
        model = self.MODELS.get(kind)
        if model is None:
            raise falcon.HTTPNotFound()
        profiles.remove_row(profiles.get_profile(user), model, row_id)  # NotFoundError answers 404
        raise falcon.HTTPSeeOther(f"{BASE}/personal?notice=removed#{kind}")
