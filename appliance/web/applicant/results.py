"""«Результаты» of the Соискатель: each examined application, its status line and, once the СПК has
issued it, the Свидетельство о квалификации or Заключение with its PDF and the verification link.

Only the applicant's own applications are listed (`core.services.access.visible_applications`),
and a document is sent only when it belongs to one of them: another applicant's id answers 404.
"""
from __future__ import annotations

import falcon

from appliance.web.applicant.common import ApplicantResource, page_number, pages
from appliance.web.applicant.status_line import status_line
from appliance.web.registry.documents import TEMPLATE_HELPERS, documents_by_application, find_document, send_document
from core.models import Application, Qualification
from core.services.access import visible_applications
from core.services.application_forms import history_of
from core.workflow import Status
from federation.models import RegistryDocument

PAGE_SIZE = 10
# From the first exam stage on: what «Результаты» shows.
EXAMINED = (Status.THEORY_PASSED, Status.THEORY_FAILED, Status.PRACTICE_PASSED, Status.PRACTICE_FAILED,
            Status.COMMISSION_DECIDED, Status.SENT_TO_SPK, Status.APPROVED_BY_SPK, Status.SENT_TO_NARK,
            Status.CERTIFICATE_ISSUED, Status.CONCLUSION_ISSUED)


class ResultsResource(ApplicantResource):
    section = "results"

    def on_get(self, req, resp):
        user = self.guard(req)
        page = page_number(req)
        query = visible_applications(user).where(Application.status.in_([s.value for s in EXAMINED]))
        total = query.count()
        rows = list(query.select(Application, Qualification).join(Qualification)
                    .order_by(Application.updated_at.desc(), Application.id.desc()).paginate(page, PAGE_SIZE))
        # The status line needs each application's history: a handful of rows on a page of at most ten.
        steps = {a.id: status_line(a, history_of(a)) for a in rows}
        self.page(req, resp, "applicant/results.html", title="Результаты", rows=rows, total=total, page=page,
                  pages=pages(total, PAGE_SIZE), steps=steps, documents=documents_by_application(steps),
                  status_title=lambda value: Status(value).title, **TEMPLATE_HELPERS)


class ResultDocumentResource(ApplicantResource):
    """GET the PDF of the applicant's own Свидетельство / Заключение."""

    section = "results"

    def on_get(self, req, resp, public_id):
        user = self.guard(req)
        document = RegistryDocument.get_or_none(RegistryDocument.public_id == public_id)
        if document is None or not visible_applications(user).where(
                Application.id == document.application_id).exists():
            raise falcon.HTTPNotFound(description="Документ не найден.")
        send_document(resp, self.services, find_document(document.application_id, public_id))
