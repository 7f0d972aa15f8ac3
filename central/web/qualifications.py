"""«Квалификации»: the СПК's qualifications, КОС upload and «Выгрузить» to appliances with «Статус КОС».

A КОС upload is a multipart form with the CSRF token in the action URL; the file (and the optional
«паспорт» for QTI and Moodle) is read into memory with a hard limit and checked by the КОС reader,
whose Russian message is shown next to the file field.
"""
from __future__ import annotations

import falcon

from central.admin import qualifications as quals
from central.web.spk_pages import SpkResource, page_links, read_upload
from core.exceptions import ValidationError
from core.kos import store
from core.kos.reader import FORMAT_TITLES, MAX_KOS_BYTES, MAX_PASSPORT_BYTES, MIB
from core.web.forms import read_form

NO_FILE = "Выберите файл КОС: JSON (nok-kos/1), zip-пакет IMS QTI 2.1 или Moodle XML."
NOTICES = {
    "created": "Квалификация добавлена.",
    "saved": "Изменения сохранены.",
    "published": "КОС выгружен: комплексы ЦОК и площадок получат его со следующим обновлением справочников.",
}


class _QualificationsBase(SpkResource):
    section = "qualifications"

    def detail(self, req, resp, spk, qualification, *, form=None, errors=None, kos_errors=None, notice=None,
               notes=None, status=falcon.HTTP_200):
        pub = quals.publication(spk, qualification)
        self.page(req, resp, "qualifications/detail.html", title=qualification.title, status=status,
                  qualification=qualification,
                  form=form if form is not None else quals.qualification_form(qualification),
                  errors=errors or {}, kos_errors=kos_errors or {}, versions=store.kos_versions(qualification),
                  publication=pub, states=quals.appliance_states(spk, pub), format_titles=FORMAT_TITLES,
                  max_mb=MAX_KOS_BYTES // MIB, notes=notes or [],
                  notice=notice or self.notice(req, NOTICES),
                  kos_status=quals.PUBLISHED if pub else quals.NOT_PUBLISHED)


class QualificationsListResource(_QualificationsBase):
    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        query = (req.get_param("q") or "").strip()[:200]
        page, rows = quals.list_qualifications(spk, query, req.get_param_as_int("page", default=1, min_value=1))
        self.page(req, resp, "qualifications/list.html", title="Квалификации", page=page, rows=rows, q=query,
                  links=page_links(page, {"q": query}), notice=self.notice(req, NOTICES))


class QualificationNewResource(_QualificationsBase):
    def on_get(self, req, resp):
        self.guard(req)
        self.page(req, resp, "qualifications/new.html", title="Новая квалификация",
                  form={"validity_years": "3"})

    def on_post(self, req, resp):
        _user, spk = self.guard(req)
        self.save_form(req, resp, lambda form: quals.save_qualification(spk, form),
                       lambda form, errors: self.page(req, resp, "qualifications/new.html", title="Новая квалификация",
                                                      form=form, errors=errors),
                       lambda qualification: f"/qualifications/{qualification.id}?notice=created")


class QualificationResource(_QualificationsBase):
    def on_get(self, req, resp, qualification_id):
        _user, spk = self.guard(req)
        self.detail(req, resp, spk, quals.get_qualification(spk, qualification_id))

    def on_post(self, req, resp, qualification_id):
        _user, spk = self.guard(req)
        qualification = quals.get_qualification(spk, qualification_id)
        self.save_form(req, resp, lambda form: quals.save_qualification(spk, form, qualification),
                       lambda form, errors: self.detail(req, resp, spk, qualification, form=form, errors=errors),
                       lambda _saved: f"/qualifications/{qualification.id}?notice=saved")


class KosUploadResource(_QualificationsBase):
    def on_post(self, req, resp, qualification_id):
        user, spk = self.guard(req)
        qualification = quals.get_qualification(spk, qualification_id)
        upload = read_upload(req, {"file": MAX_KOS_BYTES, "passport": MAX_PASSPORT_BYTES})
        errors = dict(upload.errors)
        if "file" not in upload.files and "file" not in errors:
            errors["file"] = NO_FILE
        kos = None
        if not errors:
            filename, data = upload.files["file"]
            passport = upload.files.get("passport")
            try:
                kos = quals.import_spk_kos(spk, user, qualification, data, filename,
                                           passport[1] if passport else None)
            except ValidationError as ex:
                errors[ex.field if ex.field in ("file", "passport") else "file"] = ex.message
        if kos is None:
            self.detail(req, resp, spk, qualification, kos_errors=errors, status=falcon.HTTP_422)
            return
        self.detail(req, resp, spk, qualification, notes=getattr(kos, "notes", []),
                    notice=f"КОС версии «{kos.version}» загружен. Чтобы комплексы ЦОК получили его, нажмите "
                           "«Выгрузить».")


class KosPublishResource(_QualificationsBase):
    """«Выгрузить»: this version becomes the one appliances receive."""

    def on_post(self, req, resp, qualification_id, kos_id):
        user, spk = self.guard(req)
        qualification = quals.get_qualification(spk, qualification_id)
        quals.publish_kos(spk, user, qualification, kos_id)
        back = (read_form(req).get("back") or "")
        if back == "list":
            raise self.see_other("/qualifications?notice=published")
        raise self.see_other(f"/qualifications/{qualification.id}?notice=published")


class KosExportResource(_QualificationsBase):
    """«Скачать» a version as `nok-kos/1` JSON."""

    def on_get(self, req, resp, qualification_id, kos_id):
        _user, spk = self.guard(req)
        qualification = quals.get_qualification(spk, qualification_id)
        kos = store.find_version(qualification, kos_id)
        data = store.export_kos(kos)
        store.record_export(kos)
        resp.content_type = "application/json; charset=utf-8"
        resp.downloadable_as = store.export_filename(kos, qualification)
        resp.data = data


def add_routes(app, services) -> None:
    base = "/cabinet/spk/qualifications"
    app.add_route(base, QualificationsListResource(services))
    app.add_route(base + "/new", QualificationNewResource(services))
    app.add_route(base + "/{qualification_id:int}", QualificationResource(services))
    app.add_route(base + "/{qualification_id:int}/kos", KosUploadResource(services))
    app.add_route(base + "/{qualification_id:int}/kos/{kos_id:int}/publish", KosPublishResource(services))
    app.add_route(base + "/{qualification_id:int}/kos/{kos_id:int}/export", KosExportResource(services))
