"""«Личные дела» of the СПК cabinet: persons with results at the СПК, one person's file, its documents.

The pages show personal data, so every view (and every document download) is written to the audit
log, as the appliance does for its личное дело.
"""
from __future__ import annotations

import falcon

from central.models import CertificateKind, CertificateStatus, ResultStatus
from central.reports import persons
from central.reports.charts import number_ru
from central.web.spk_pages import SpkResource, page_links, page_number
from core import audit
from core.models import Verdict
from core.web.downloads import send_blob

SECTION = "persons"
BASE = "/cabinet/spk/persons"


class PersonsResource(SpkResource):
    """GET the list, searched by ФИО and paginated in the database."""

    section = SECTION

    def on_get(self, req, resp):
        spk, form, query, errors = self.filtered(req, ("name",), lambda params: persons.read_query(params["name"]))
        page = None
        if not errors:
            page = persons.list_persons(spk, query, page_number(req))
            audit.record("view", "personal_files", spk.id, {"page": page.page, **({"name": query} if query else {})})
        self.services.render(req, resp, "persons/list.html", status=falcon.HTTP_422 if errors else falcon.HTTP_200,
                             title="Личные дела", page=page, form=form, errors=errors, base=BASE,
                             links=page_links(page, form) if page else [])


class PersonFileResource(SpkResource):
    """GET one личное дело (audited: «просмотр личного дела»)."""

    section = SECTION

    def on_get(self, req, resp, person_key):
        _user, spk = self.guard(req)
        file = persons.person_file(spk, person_key)
        audit.record("view", "personal_file", person_key, {"results": [r.id for r in file.results]})
        self.services.render(req, resp, "persons/file.html", title=f"Личное дело: {file.full_name}", file=file,
                             base=BASE, result_titles=ResultStatus.TITLES, verdict_titles=Verdict.TITLES,
                             kind_titles=CertificateKind.TITLES, certificate_titles=CertificateStatus.TITLES,
                             issued=CertificateStatus.ISSUED, kb=lambda size: number_ru(size / 1024))


class PersonDocumentResource(SpkResource):
    """GET a document that came with one of the person's results (audited download)."""

    section = SECTION

    def on_get(self, req, resp, person_key, document_id):
        _user, spk = self.guard(req)
        document = persons.person_document(spk, person_key, document_id)
        audit.record("download", "result_document", document.id, {"result": document.result_id})
        send_blob(resp, self.services.blobs, document.blob_digest, _filename(document), document.content_type)


def _filename(document) -> str:
    """The document's title with the extension of the file it came as («Паспорт.pdf»)."""
    extension = document.part_name.rsplit(".", 1)[-1] if "." in document.part_name else ""
    title = "".join(ch for ch in document.title if ch not in '\\/:*?"<>|').strip() or "Документ"
    return f"{title}.{extension}" if extension else title


def add_routes(app, services) -> None:
    app.add_route(BASE, PersonsResource(services))
    app.add_route(BASE + "/{person_key}", PersonFileResource(services))
    app.add_route(BASE + "/{person_key}/documents/{document_id:int}", PersonDocumentResource(services))
