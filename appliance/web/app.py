"""`create_app(services)`: the appliance's falcon application, for tests and for gunicorn alike."""
from __future__ import annotations

from pathlib import Path

import falcon

from core.context import Services
from core.web.shell import build_app

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
# Each area of the web app adds its routes with `add_routes(app, services)`.
AREA_MODULES: list[str] = [
    "appliance.web.employer.routes",
    "appliance.web.exam_groups.routes",
    "appliance.web.exam_groups.sheet",
    "appliance.web.exam_groups.videos",
    "appliance.web.applicant.routes",
    "appliance.web.centre.routes",
    "appliance.web.kos.routes",
    "appliance.web.kiosk.routes",
    "appliance.web.expert.routes",
    "appliance.web.results.routes",
    "appliance.web.registry.routes",
]


def create_app(services: Services) -> falcon.App:
    return build_app(services, template_dirs=[TEMPLATE_DIR], area_modules=AREA_MODULES)
