"""«Квалификации» → «КОС»: the current version in numbers, its versions, upload and download.

Staff of a ЦОК or of its venue see the КОС of the qualifications their ЦОК offers (any other
qualification answers 404); only the ЦОК uploads, as it alone edits its list of qualifications.
An upload is a multipart form with the CSRF token in the action URL; the file and the optional
«паспорт» are small (a few MB at most), so they are read into memory with a hard limit and
handed to `core.kos.store.import_kos`, which stores everything or nothing. A refused file is
explained next to its field with the item named («Вопрос s1-q7: …»).
"""
from __future__ import annotations

from typing import Any

import falcon

from appliance.web.applicant.common import read_upload
from appliance.web.centre.common import CentreResource
from core.exceptions import NotFoundError, ValidationError
from core.kos import store
from core.kos.checks import plural
from core.kos.questions import TYPE_TITLES
from core.kos.reader import FORMAT_TITLES, MAX_KOS_BYTES, MAX_PASSPORT_BYTES, MIB
from core.models import Qualification, User

NO_FILE = "Выберите файл КОС: JSON (nok-kos/1), zip-пакет IMS QTI 2.1 или Moodle XML."


class _KosResource(CentreResource):
    section = "qualifications"

    def qualification(self, req: falcon.Request, cabinet: str, qualification_id: int) -> tuple[User, Qualification]:
        user = self.guard(req, cabinet)
        return user, store.visible_qualification(user, qualification_id)

    def show(self, req: falcon.Request, resp: falcon.Response, user: User, qualification: Qualification, *,
             errors: dict[str, str] | None = None, notice: str | None = None, notes: list[str] | None = None) -> None:
        current = store.current_version(qualification)
        numbers = store.summary_numbers(current.data) if current else None
        self.page(req, resp, "kos/kos.html", title=f"КОС: {qualification.title}",
                  status=self.status_of(errors or {}), qualification=qualification, current=current,
                  numbers=numbers, versions=store.kos_versions(qualification), can_import=store.may_import(user),
                  errors=errors or {}, notice=notice, notes=notes or [], type_titles=TYPE_TITLES,
                  format_titles=FORMAT_TITLES, plural=plural, max_mb=MAX_KOS_BYTES // MIB,
                  url=f"/cabinet/{req.context.cabinet.value}/qualifications/{qualification.id}/kos")


class KosPageResource(_KosResource):
    def on_get(self, req, resp, cabinet, qualification_id):
        user, qualification = self.qualification(req, cabinet, qualification_id)
        self.show(req, resp, user, qualification)


class KosImportResource(_KosResource):
    def on_post(self, req, resp, cabinet, qualification_id):
        user, qualification = self.qualification(req, cabinet, qualification_id)
        if not store.may_import(user):
            raise falcon.HTTPForbidden(description="КОС загружает ЦОК; площадка видит его без изменения.")

        def take(name: str, stream, filename: str, _form) -> tuple[str, bytes]:
            limit = MAX_PASSPORT_BYTES if name == "passport" else MAX_KOS_BYTES
            data = stream.read(limit + 1)
            if len(data) > limit:
                raise ValidationError(f"Файл «{filename}» больше {limit // MIB} МБ.", field=name)
            return filename, data

        upload = read_upload(req, MAX_KOS_BYTES + MAX_PASSPORT_BYTES, take)
        errors: dict[str, str] = dict(upload.errors)
        if "file" not in upload.files and "file" not in errors:
            errors["file"] = NO_FILE
        kos = None
        if not errors:
            filename, data = upload.files["file"]
            passport = upload.files.get("passport")
            try:
                kos = store.import_kos(user, qualification, data, filename, passport[1] if passport else None)
            except ValidationError as ex:
                errors[ex.field if ex.field in ("file", "passport") else "file"] = ex.message
        if kos is None:
            self.show(req, resp, user, qualification, errors=errors)
            return
        self.show(req, resp, user, qualification, notes=getattr(kos, "notes", []),
                  notice=f"КОС версии «{kos.version}» загружен и стал текущим: экзамены по квалификации будут "
                         "собираться из него.")


class KosExportResource(_KosResource):
    """«Скачать КОС (JSON)»: the current version, or `…/export/<id>` for an older one."""

    def on_get(self, req, resp, cabinet, qualification_id, kos_id=None):
        _user, qualification = self.qualification(req, cabinet, qualification_id)
        kos = store.find_version(qualification, kos_id) if kos_id else store.current_version(qualification)
        if kos is None:
            raise NotFoundError("КОС для этой квалификации ещё не загружен.")
        data = store.export_kos(kos)
        store.record_export(kos)
        resp.content_type = "application/json; charset=utf-8"
        resp.downloadable_as = store.export_filename(kos, qualification)
        resp.data = data


def routes() -> dict[str, Any]:
    base = "/cabinet/{cabinet}/qualifications/{qualification_id:int}/kos"
    return {base: KosPageResource, base + "/import": KosImportResource, base + "/export": KosExportResource,
            base + "/export/{kos_id:int}": KosExportResource}
