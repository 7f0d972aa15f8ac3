"""URLs of «Результаты экзаменов» in the ЦОК and venue cabinets.

Registered per cabinet rather than as `/cabinet/{cabinet}/results`: falcon prefers the literal
segment, so the expert cabinet's pages of the same name (another area) stay untouched.
"""
from __future__ import annotations

import falcon

from appliance.web.results.case import CaseResource, RegistryDocumentResource, ReturnResource, SendResource
from appliance.web.results.common import RESULT_CABINETS
from appliance.web.results.listing import ResultsListResource
from appliance.web.results.theory_report import TheoryReportResource
from core.context import Services


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this area's resources on `app`."""
    for cabinet in RESULT_CABINETS:
        base = f"/cabinet/{cabinet}/results"
        one = f"{base}/{{application_id:int}}"
        app.add_route(base, ResultsListResource(services, cabinet))
        app.add_route(one, CaseResource(services, cabinet))
        app.add_route(f"{one}/return", ReturnResource(services, cabinet))
        app.add_route(f"{one}/send", SendResource(services, cabinet))
        app.add_route(f"{one}/theory-report", TheoryReportResource(services, cabinet))
        app.add_route(f"{one}/registry-documents/{{public_id}}", RegistryDocumentResource(services, cabinet))
