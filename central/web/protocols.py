"""«Протоколы» of the СПК cabinet (seed 002, «Сценарий для СПК»): the list and one Протокол СПК.

The protocol page has the block «Протокол СПК» («Скачать шаблон» PDF/DOCX, «Подписать факсимиле»,
«Прикрепить файл» — multipart with the CSRF token in the action URL — and «Удалить»), «Состав
группы», and «Отправить в НАРК», enabled once the signed file is attached. After sending it shows
each record's НАРК state and the XLSX/XML files; with no НАРК endpoint configured the СПК enters
the registration number НАРК gave it by hand («Внести»).
"""
from __future__ import annotations

from urllib.parse import quote

import falcon

from central.models import Certificate, CertificateKind, NarkExportFile, NarkRecord, NarkRecordStatus
from central.web.spk_pages import (BASE, SpkResource, cok_choices, filter_params, page_links, page_number,
                                   parse_date, parse_id, qualification_choices)
from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Verdict
from core.uploads import MIB
from core.web.downloads import DOCX, send_blob
from core.web.forms import read_form

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTICES = {
    "formed": "Протокол СПК сформирован. Скачайте шаблон, подпишите его и прикрепите файл.",
    "attached": "Файл протокола прикреплён.",
    "removed": "Файл протокола удалён.",
    "sent": "Протокол и результаты переданы в НАРК.",
    "registered": "Регистрационный номер внесён, документ выдан.",
}
FILTER_FIELDS = ("query", "date_from", "qualification", "cok")
FORM_OVERHEAD = 64 * 1024  # room for the multipart headers around the file


def protocol_name(protocol) -> str:
    return f"Протокол СПК № {protocol.number} от {protocol.protocol_date:%d.%m.%Y}"


def attachment(resp: falcon.Response, data: bytes, filename: str, content_type: str) -> None:
    resp.content_type = content_type
    resp.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(filename)}")
    resp.data = data


class ProtocolsListResource(SpkResource):
    """GET /cabinet/spk/protocols: «Поиск по номеру протокола», «С даты», «Квалификация», «ЦОК»."""

    section = "protocols"

    def on_get(self, req, resp):
        from central.services import protocols

        _user, spk = self.guard(req)
        params = filter_params(req, FILTER_FIELDS, 100)
        page, errors = None, {}
        try:
            date_from = parse_date(params["date_from"], "date_from", "дату")
            qualification = parse_id(params["qualification"], "qualification", "Выберите квалификацию из списка.")
            cok = parse_id(params["cok"], "cok", "Выберите ЦОК из списка.")
            page = protocols.list_protocols(spk, params["query"], date_from, qualification, cok, page_number(req))
        except ValidationError as ex:
            errors[ex.field or "query"] = ex.message
        self.page(req, resp, "protocols/list.html", title="Протоколы СПК",
                  status=falcon.HTTP_422 if errors else falcon.HTTP_200, filters=params, errors=errors,
                  page_data=page, rows=page.rows if page else [], links=page_links(page, params) if page else [],
                  qualifications=qualification_choices(spk), coks=cok_choices(spk))


class ProtocolResource(SpkResource):
    """GET one Протокол СПК; the subclasses run its buttons and come back to it."""

    section = "protocols"

    def load(self, req, protocol_id: int):
        from central.services import protocols

        user, spk = self.guard(req)
        return user, protocols.get_protocol(spk, protocol_id)

    def show(self, req, resp, user, protocol, *, status=falcon.HTTP_200, errors=None, notice=None, form=None):
        from central.services import protocols

        results = protocols.protocol_results(protocol)
        certificates = {}
        for cert in (Certificate.select().where(Certificate.result.in_([r.id for r in results] or [0])
                                                & ~Certificate.is_duplicate)):
            certificates[cert.result_id] = cert
        records = {}
        for record in NarkRecord.select().where(NarkRecord.protocol == protocol).order_by(NarkRecord.id):
            records[record.certificate_id] = record
        rows = [{"result": r, "certificate": certificates.get(r.id),
                 "record": records.get(certificates[r.id].id) if r.id in certificates else None} for r in results]
        files = list(NarkExportFile.select().where(NarkExportFile.protocol == protocol).order_by(NarkExportFile.id))
        self.page(req, resp, "protocols/detail.html", title=protocol_name(protocol), status=status, protocol=protocol,
                  rows=rows, files=files, sent=protocol.sent_to_nark_at is not None,
                  manual=not self.services.config.nark_url, nark_state=nark_state,
                  verdict_titles=Verdict.TITLES, kind_titles=CertificateKind.TITLES,
                  csrf_query=quote(req.context.get("csrf_token", ""), safe=""),
                  errors=errors or {}, notice=notice, form=form or {})

    def on_get(self, req, resp, protocol_id):
        user, protocol = self.load(req, protocol_id)
        audit.record("view", "spk_protocol", protocol.id)
        self.show(req, resp, user, protocol, notice=NOTICES.get(req.get_param("notice") or ""))

    def back(self, protocol, notice: str, anchor: str = "") -> falcon.HTTPSeeOther:
        return self.see_other(f"/protocols/{protocol.id}?notice={notice}{anchor}")

    def press(self, req, resp, protocol_id, action, error_field: str, notice: str) -> None:
        """A button of the page: `action(protocol, user)` in one transaction, then back with `notice`;
        a refusal shows the page again with the message under `error_field`."""
        user, protocol = self.load(req, protocol_id)
        read_form(req)  # a plain form post only (400 otherwise)
        try:
            with write_transaction(self.services.db):
                action(protocol, user)
        except ValidationError as ex:
            self.show(req, resp, user, protocol, status=falcon.HTTP_422, errors={error_field: ex.message})
            return
        raise self.back(protocol, notice)


def nark_state(record) -> tuple[str, str]:
    """What the composition table says of a НАРК record, and its CSS class."""
    if record is None:
        return "—", ""
    if record.status == NarkRecordStatus.REGISTERED:
        return f"Внесено в реестр: {record.registration_number}", "state-ok"
    if record.status == NarkRecordStatus.ERROR:
        return f"Ошибка: {record.error or 'НАРК отклонил запись'}", "state-error"
    if record.error:
        return f"Передано в НАРК; повторная отправка: {record.error}", "state-wait"
    return "Передано в НАРК", "state-wait"


class TemplateResource(ProtocolResource):
    """GET …/template.pdf, …/template.docx, …/facsimile.pdf («Скачать шаблон», «Подписать факсимиле»)."""

    def __init__(self, services, variant: str):
        super().__init__(services)
        self.variant = variant

    def on_get(self, req, resp, protocol_id):
        from central.services import protocols

        user, protocol = self.load(req, protocol_id)
        name = protocol_name(protocol)
        try:
            if self.variant == "docx":
                data, filename, kind = protocols.protocol_docx(self.services, protocol), f"{name}.docx", DOCX
            else:
                facsimile = self.variant == "facsimile"
                data = protocols.protocol_pdf(self.services, protocol, facsimile=facsimile)
                filename, kind = (f"{name} (факсимиле).pdf" if facsimile else f"{name}.pdf"), PDF
        except ValidationError as ex:  # no facsimile drawn in the profile yet
            self.show(req, resp, user, protocol, status=falcon.HTTP_422, errors={"form": ex.message})
            return
        audit.record("download", "spk_protocol", protocol.id, {"variant": self.variant})
        attachment(resp, data, filename, kind)


class SignedFileResource(ProtocolResource):
    """GET …/signed: the attached file; POST (multipart, field «file»): «Прикрепить файл»."""

    def on_get(self, req, resp, protocol_id):
        user, protocol = self.load(req, protocol_id)
        if not protocol.signed_file_digest:
            raise NotFoundError("Файл протокола не прикреплён.")
        audit.record("download", "spk_protocol_signed", protocol.id)
        send_blob(resp, self.services.blobs, protocol.signed_file_digest, protocol.signed_file_name or "protocol",
                  protocol.signed_file_type)

    def on_post(self, req, resp, protocol_id):
        from central.services import protocols

        user, protocol = self.load(req, protocol_id)
        limit = self.services.config.max_upload_mb * MIB
        try:
            if (req.content_length or 0) > limit + FORM_OVERHEAD:
                raise ValidationError(f"Файл больше {self.services.config.max_upload_mb} МБ.", "file")
            if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
                raise ValidationError("Выберите файл подписанного протокола.", "file")
            received = None
            for part in req.get_media():
                if part.name == "file" and part.filename:
                    data = part.stream.read(limit + 1)
                    if len(data) > limit:
                        raise ValidationError(f"Файл больше {self.services.config.max_upload_mb} МБ.", "file")
                    received = (part.filename, data)
            if received is None or not received[1]:
                raise ValidationError("Выберите файл подписанного протокола.", "file")
            with write_transaction(self.services.db):
                protocols.attach_signed(self.services, protocol, received[0], received[1], user)
        except ValidationError as ex:
            self.show(req, resp, user, protocol, status=falcon.HTTP_422, errors={"file": ex.message})
            return
        raise self.back(protocol, "attached")


class RemoveSignedResource(ProtocolResource):
    """POST …/signed/delete: «Удалить» the attached file (before sending)."""

    def on_post(self, req, resp, protocol_id):
        from central.services import protocols

        self.press(req, resp, protocol_id, protocols.remove_signed, "file", "removed")


class SendResource(ProtocolResource):
    """POST …/send: «Отправить в НАРК»."""

    def on_post(self, req, resp, protocol_id):
        from central.services import protocols

        self.press(req, resp, protocol_id, lambda protocol, user: protocols.send_to_nark(self.services, protocol, user),
                   "send", "sent")


class ExportFileResource(ProtocolResource):
    """GET …/files/{file_id}: the НАРК submission as XLSX or XML."""

    def on_get(self, req, resp, protocol_id, file_id):
        user, protocol = self.load(req, protocol_id)
        found = NarkExportFile.get_or_none((NarkExportFile.id == file_id) & (NarkExportFile.protocol == protocol))
        if found is None:
            raise NotFoundError("Файл для НАРК не найден.")
        audit.record("download", "nark_export_file", found.id)
        kind = XLSX if found.file_format == "xlsx" else "application/xml"
        resp.content_type = kind
        resp.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(found.filename)}")
        resp.data = self.services.blobs.read(found.blob_digest)


class RegisterResource(ProtocolResource):
    """POST …/records/{record_id}/register: «Регистрационный номер НАРК» → «Внести» (no НАРК endpoint)."""

    def on_post(self, req, resp, protocol_id, record_id):
        from central.services import nark

        user, protocol = self.load(req, protocol_id)
        record = NarkRecord.get_or_none((NarkRecord.id == record_id) & (NarkRecord.protocol == protocol))
        if record is None:
            raise NotFoundError("Запись для НАРК не найдена.")
        form = read_form(req)
        try:
            if self.services.config.nark_url:
                raise ValidationError("Номера приходят из НАРК автоматически: вносить их вручную не нужно.")
            number = form.get("registration_number", "")
            if not number:
                raise ValidationError("Укажите регистрационный номер НАРК.")
            with write_transaction(self.services.db):
                nark.record_registration(self.services, record, number, user)
        except ValidationError as ex:
            self.show(req, resp, user, protocol, status=falcon.HTTP_422, errors={f"record-{record.id}": ex.message},
                      form={f"record-{record.id}": form.get("registration_number", "")})
            return
        raise self.back(protocol, "registered", "#composition")


def add_routes(app, services) -> None:
    one = f"{BASE}/protocols/{{protocol_id:int}}"
    app.add_route(f"{BASE}/protocols", ProtocolsListResource(services))
    app.add_route(one, ProtocolResource(services))
    app.add_route(f"{one}/template.pdf", TemplateResource(services, "pdf"))
    app.add_route(f"{one}/template.docx", TemplateResource(services, "docx"))
    app.add_route(f"{one}/facsimile.pdf", TemplateResource(services, "facsimile"))
    app.add_route(f"{one}/signed", SignedFileResource(services))
    app.add_route(f"{one}/signed/delete", RemoveSignedResource(services))
    app.add_route(f"{one}/send", SendResource(services))
    app.add_route(f"{one}/files/{{file_id:int}}", ExportFileResource(services))
    app.add_route(f"{one}/records/{{record_id:int}}/register", RegisterResource(services))
