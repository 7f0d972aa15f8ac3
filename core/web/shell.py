"""`build_app`: the falcon application frame both web apps share (appliance and central registry).

The frame is the request pipeline (security headers, database, session, CSRF), Russian error pages,
sign-in and password pages, cabinet homes, staff management and the shared static files; each app
adds its own areas (modules with `add_routes(app, services)`) and its own templates.
"""
from __future__ import annotations

import functools
import importlib
from pathlib import Path
from typing import Iterable

import falcon

from core.context import Services
from core.web import auth_pages, cabinets, staff
from core.web.errors import install_error_handlers
from core.web.guards import require_cabinet as _require_cabinet
from core.web.middleware import CsrfMiddleware, DatabaseMiddleware, SecurityHeadersMiddleware, SessionMiddleware
from core.web.render import make_environment, render

STATIC_DIR = Path(__file__).resolve().parent / "static"


class HealthResource:
    """`/healthz` for monitoring and for tests that wait for gunicorn to come up."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp):
        self.services.db.execute_sql("SELECT 1").fetchone()
        resp.media = {"status": "ok"}


def build_app(services: Services, *, template_dirs: Iterable[Path], area_modules: Iterable[str]) -> falcon.App:
    """The shared frame plus the areas of one app; `template_dirs` come before the shared ones."""
    services.templates = make_environment([*template_dirs], services.plugins.template_dirs())
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
    for module in area_modules:
        importlib.import_module(module).add_routes(app, services)
    app.add_route("/cabinet/{cabinet}/{section}", cabinets.SectionResource(services))
    app.add_static_route("/static", str(STATIC_DIR))
    for name, folder in services.plugins.static_dirs().items():
        app.add_static_route(f"/static/p/{name}", str(folder))
    services.plugins.register_routes(app, services)
    return app
