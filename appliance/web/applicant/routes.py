"""Routes of the Соискатель cabinet (listed in `appliance.web.app.AREA_MODULES`)."""
from __future__ import annotations

import falcon

from appliance.web.applicant import application_page as page
from appliance.web.applicant import applications, documents, profile, registration, results
from appliance.web.applicant.common import BASE
from core.context import Services


def add_routes(app: falcon.App, services: Services) -> None:
    app.add_route("/register", registration.RegisterResource(services))
    app.add_route(f"{BASE}/personal", profile.PersonalResource(services))
    app.add_route(f"{BASE}/personal/photo", profile.PhotoResource(services))
    app.add_route(f"{BASE}/personal/education", profile.EducationResource(services))
    app.add_route(f"{BASE}/personal/work", profile.WorkResource(services))
    app.add_route(f"{BASE}/personal/{{kind}}/{{row_id:int}}/delete", profile.RowDeleteResource(services))
    app.add_route(f"{BASE}/documents", documents.DocumentsResource(services))
    app.add_route(f"{BASE}/documents/{{doc_id:int}}/file", documents.DocumentFileResource(services))
    app.add_route(f"{BASE}/documents/{{doc_id:int}}/delete", documents.DocumentDeleteResource(services))
    app.add_route(f"{BASE}/applications", applications.ApplicationListResource(services))
    app.add_route(f"{BASE}/applications/new", applications.ApplicationNewResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}", page.ApplicationPageResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}/edit", applications.ApplicationEditResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}/resend", page.ResendResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}/withdraw", page.WithdrawResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}/slot", page.SlotResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}/change-date", page.ChangeDateResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}/documents/{{doc_id:int}}/replace",
                  page.ReplaceDocumentResource(services))
    app.add_route(f"{BASE}/applications/{{app_id:int}}/files/{{digest}}", page.ApplicationFileResource(services))
    app.add_route(f"{BASE}/results", results.ResultsResource(services))
    app.add_route(f"{BASE}/results/{{public_id}}", results.ResultDocumentResource(services))
