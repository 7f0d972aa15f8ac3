"""`create_app(services)`: the appliance's falcon application, for tests and for gunicorn alike."""
from __future__ import annotations

import functools
import importlib
from pathlib import Path

import falcon

from appliance.web import auth_pages, cabinets, staff
from appliance.web.errors import install_error_handlers
from appliance.web.middleware import (CsrfMiddleware, DatabaseMiddleware, SecurityHeadersMiddleware,
                                      SessionMiddleware)
from appliance.web.guards import require_cabinet as _require_cabinet
from appliance.web.render import make_environment, render
from core.context import Services

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
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
]


class HealthResource:
    """`/healthz` for monitoring and for tests that wait for gunicorn to come up."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp):
        self.services.db.execute_sql("SELECT 1").fetchone()
        resp.media = {"status": "ok"}


def create_app(services: Services) -> falcon.App:
    services.templates = make_environment(services.plugins.template_dirs())
    services.render = functools.partial(render, services.templates)
    services.require_cabinet = functools.partial(_require_cabinet, plugins=services.plugins)
    app = falcon.App(middleware=[
        SecurityHeadersMiddleware(),
        DatabaseMiddleware(services),
        SessionMiddleware(services),
        CsrfMiddleware(),
    ])
    app.req_options.strip_url_path_trailing_slash = False
    # A filter form sends its empty fields («С даты» left blank): treat them as not given, or
    # every typed parameter (`get_param_as_date`, …) would answer 400 to a blank value.
    app.req_options.keep_blank_qs_values = False
    app.resp_options.secure_cookies_by_default = services.config.secure_cookies
    install_error_handlers(app, services)

    app.add_route("/", auth_pages.IndexResource(services))
    app.add_route("/login", auth_pages.LoginResource(services))
    app.add_route("/logout", auth_pages.LogoutResource(services))
    app.add_route("/password/set", auth_pages.SetPasswordResource(services))
    app.add_route("/password/forgot", auth_pages.ForgotPasswordResource(services))
    app.add_route("/healthz", HealthResource(services))
    app.add_route("/cabinet/{cabinet}/", cabinets.CabinetHomeResource(services))
    app.add_route("/cabinet/{cabinet}/staff", staff.StaffListResource(services))
    app.add_route("/cabinet/{cabinet}/staff/new", staff.StaffNewResource(services))
    app.add_route("/cabinet/{cabinet}/staff/{user_id:int}", staff.StaffMemberResource(services))
    app.add_route("/cabinet/{cabinet}/staff/{user_id:int}/delete", staff.StaffDeleteResource(services))
    app.add_route("/cabinet/{cabinet}/staff/{user_id:int}/invite", staff.StaffInviteResource(services))
    for module in AREA_MODULES:
        importlib.import_module(module).add_routes(app, services)
    app.add_route("/cabinet/{cabinet}/{section}", cabinets.SectionResource(services))
    app.add_static_route("/static", str(STATIC_DIR))
    for name, folder in services.plugins.static_dirs().items():
        app.add_static_route(f"/static/p/{name}", str(folder))
    services.plugins.register_routes(app, services)
    return app
