"""Routes of the employer's cabinet (`/cabinet/employer/…`) and its public registration page."""
from __future__ import annotations

import falcon

from appliance.web.employer import applicant_pages as applicants
from appliance.web.employer import files
from appliance.web.employer import group_pages as groups
from appliance.web.employer.common import BASE
from appliance.web.employer.profile import ProfileResource
from appliance.web.employer.registration import EmployerRegistrationResource
from core.context import Services

GROUP = "/applications/{group_id:int}"
MEMBER_APPLICATION = "/applicants/applications/{application_id:int}"
# Path under the cabinet → resource; the registration page is public and lives outside it.
CABINET_ROUTES = (
    ("/profile", ProfileResource),
    ("/applications", groups.GroupListResource),
    ("/applications/new", groups.GroupNewResource),
    (GROUP, groups.GroupResource),
    (f"{GROUP}/status", groups.GroupStatusResource),
    (f"{GROUP}/rows", groups.GroupRowsResource),
    (f"{GROUP}/rows/{{row_id:int}}/delete", groups.GroupRowDeleteResource),
    (f"{GROUP}/documents", groups.GroupDocumentsResource),
    (f"{GROUP}/invoices/{{invoice_id:int}}/{{index:int}}", groups.GroupInvoiceFileResource),
    ("/documents/{document_id:int}", files.OrganisationDocumentResource),
    ("/documents/{document_id:int}/delete", files.OrganisationDocumentDeleteResource),
    ("/applicants", applicants.ApplicantListResource),
    ("/applicants/new", applicants.ApplicantNewResource),
    ("/applicants/{applicant_id:int}", applicants.ApplicantResource),
    (f"{MEMBER_APPLICATION}/link", applicants.ApplicationLinkResource),
    (f"{MEMBER_APPLICATION}/date", applicants.ExamDateResource),
)


def add_routes(app: falcon.App, services: Services) -> None:
    app.add_route("/register/employer", EmployerRegistrationResource(services))
    for path, resource in CABINET_ROUTES:
        app.add_route(f"{BASE}{path}", resource(services))
