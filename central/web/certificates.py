"""«Свидетельства» of the СПК cabinet: certificates and conclusions (Приказ Минтруда 725н).

Two tabs by kind, search by ФИО or registration number and a status filter; one document's page
has its data, the PDF (the stored one once issued), the QR link to the public check, and the forms
«Выдать дубликат» (date of the holder's request: 15 days to issue) and «Аннулировать» (reason).
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import falcon

from central.models import Certificate, CertificateKind, CertificateStatus, NarkRecord, NarkRecordStatus
from central.web.spk_pages import BASE, SpkResource, page_links, page_number, parse_date
from core import audit
from core.db import write_transaction
from core.exceptions import ValidationError
from core.models import Organisation
from core.web.forms import read_form

NOTICES = {
    "duplicate": "Дубликат оформлен и передан в НАРК. Он будет выдан, когда НАРК присвоит регистрационный номер.",
    "revoked": "Документ аннулирован.",
}
MAX_REASON = 1000


def document_name(certificate) -> str:
    title = "Заключение" if certificate.kind == CertificateKind.CONCLUSION else "Свидетельство о квалификации"
    number = certificate.registration_number or certificate.public_id[:8]
    prefix = "Дубликат. " if certificate.is_duplicate else ""
    return f"{prefix}{title} № {number}"


class CertificatesListResource(SpkResource):
    """GET /cabinet/spk/certificates?kind=certificate|conclusion&query=&status=&page="""

    section = "certificates"

    def on_get(self, req, resp):
        from central.services import certificates

        _user, spk = self.guard(req)
        kind = req.get_param("kind") or CertificateKind.CERTIFICATE
        if kind not in CertificateKind.TITLES:
            kind = CertificateKind.CERTIFICATE
        params = {"kind": kind, "query": (req.get_param("query") or "").strip()[:100],
                  "status": (req.get_param("status") or "").strip()}
        page, errors = None, {}
        try:
            if params["status"] and params["status"] not in CertificateStatus.TITLES:
                raise ValidationError("Выберите статус из списка.", "status")
            page = certificates.list_certificates(spk, kind, params["query"], params["status"] or None,
                                                  page_number(req))
        except ValidationError as ex:
            errors[ex.field or "query"] = ex.message
        else:
            audit.record("view", "certificates", spk.id,
                         {"page": page.page, **{k: v for k, v in params.items() if v}})
        rows = page.rows if page else []
        cok_ids = {c.result.cok_id for c in rows}
        coks = {o.id: o for o in Organisation.select().where(Organisation.id.in_(cok_ids))} if cok_ids else {}
        self.page(req, resp, "certificates/list.html",
                  title="Заключения" if kind == CertificateKind.CONCLUSION else "Свидетельства",
                  status=falcon.HTTP_422 if errors else falcon.HTTP_200, filters=params, kind=kind, errors=errors,
                  page_data=page, rows=rows, coks=coks, links=page_links(page, params) if page else [],
                  statuses=list(CertificateStatus.TITLES.items()), status_titles=CertificateStatus.TITLES,
                  CONCLUSION=CertificateKind.CONCLUSION)


class CertificateResource(SpkResource):
    """GET one certificate or conclusion; the subclasses run its forms."""

    section = "certificates"

    def load(self, req, certificate_id: int):
        from central.services.certificates import get_certificate

        user, spk = self.guard(req)
        return user, get_certificate(spk, certificate_id)

    def show(self, req, resp, user, certificate, *, status=falcon.HTTP_200, errors=None, form=None, notice=None):
        from central.services.certificate_data import verify_url

        result = certificate.result
        duplicates = list(Certificate.select().where(Certificate.duplicate_of == certificate).order_by(Certificate.id))
        records = list(NarkRecord.select().where(NarkRecord.certificate == certificate).order_by(NarkRecord.id))
        self.page(req, resp, "certificates/detail.html", title=document_name(certificate), status=status,
                  certificate=certificate, result=result, protocol=result.protocol, duplicates=duplicates,
                  records=records, verify_url=verify_url(self.services, certificate),
                  kind_titles=CertificateKind.TITLES, status_titles=CertificateStatus.TITLES,
                  record_titles=NarkRecordStatus.TITLES,
                  is_certificate=certificate.kind == CertificateKind.CERTIFICATE,
                  can_duplicate=certificate.status == CertificateStatus.ISSUED,
                  can_revoke=certificate.status in (CertificateStatus.ISSUED, CertificateStatus.AWAITING_NUMBER),
                  today=dt.date.today(), errors=errors or {}, form=form or {}, notice=notice)

    def on_get(self, req, resp, certificate_id):
        user, certificate = self.load(req, certificate_id)
        audit.record("view", "certificate", certificate.id)
        self.show(req, resp, user, certificate, notice=NOTICES.get(req.get_param("notice") or ""))


class CertificatePdfResource(CertificateResource):
    """GET …/pdf: the document as printed (725н face and appendix)."""

    def on_get(self, req, resp, certificate_id):
        from central.services import certificates

        user, certificate = self.load(req, certificate_id)
        data = certificates.certificate_pdf(self.services, certificate)
        audit.record("download", "certificate", certificate.id)
        resp.content_type = "application/pdf"
        resp.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(document_name(certificate))}.pdf")
        resp.data = data


class DuplicateResource(CertificateResource):
    """POST …/duplicate: «Выдать дубликат» on the holder's request of the given date."""

    def on_post(self, req, resp, certificate_id):
        from central.services import certificates

        user, certificate = self.load(req, certificate_id)
        form = read_form(req)
        try:
            requested = parse_date(form.get("requested_on", ""), "requested_on", "дату заявления", required=True)
            if requested > dt.date.today():
                raise ValidationError("Дата заявления не может быть позже сегодняшней.", "requested_on")
            with write_transaction(self.services.db):
                duplicate = certificates.issue_duplicate(self.services, certificate, user, requested)
        except ValidationError as ex:
            self.show(req, resp, user, certificate, status=falcon.HTTP_422,
                      errors={ex.field if ex.field == "requested_on" else "duplicate": ex.message}, form=form)
            return
        raise self.see_other(f"/certificates/{duplicate.id}?notice=duplicate")


class RevokeResource(CertificateResource):
    """POST …/revoke: «Аннулировать» with the reason."""

    def on_post(self, req, resp, certificate_id):
        from central.services import certificates

        user, certificate = self.load(req, certificate_id)
        form = read_form(req)
        reason = form.get("reason", "")
        try:
            if not reason:
                raise ValidationError("Укажите причину аннулирования.", "reason")
            if len(reason) > MAX_REASON:
                raise ValidationError(f"Причина — не длиннее {MAX_REASON} знаков.", "reason")
            with write_transaction(self.services.db):
                certificates.revoke(certificate, reason, user)
        except ValidationError as ex:
            self.show(req, resp, user, certificate, status=falcon.HTTP_422, errors={"reason": ex.message}, form=form)
            return
        raise self.see_other(f"/certificates/{certificate.id}?notice=revoked")


def add_routes(app, services) -> None:
    one = f"{BASE}/certificates/{{certificate_id:int}}"
    app.add_route(f"{BASE}/certificates", CertificatesListResource(services))
    app.add_route(one, CertificateResource(services))
    app.add_route(f"{one}/pdf", CertificatePdfResource(services))
    app.add_route(f"{one}/duplicate", DuplicateResource(services))
    app.add_route(f"{one}/revoke", RevokeResource(services))
