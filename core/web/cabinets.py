"""Cabinet home pages and the sections whose flows arrive in later releases."""
from __future__ import annotations

import falcon

from core.web.guards import require_cabinet
from core.web.menus import find_section
from core.web.render import render
from core.context import Services
from core.models import Role


class CabinetHomeResource:
    """«Личный кабинет …»: who you are, your organisation and the sections you can open."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp, cabinet):
        user, cab = require_cabinet(req, cabinet, self.services.plugins)
        organisation = user.organisation if user.organisation_id else None
        render(self.services.templates, req, resp, "cabinet.html", title=cab.title, organisation=organisation)


class SectionResource:
    """A menu section not built yet: says what it will hold instead of a dead link."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp, cabinet, section):
        user, cab = require_cabinet(req, cabinet, self.services.plugins)
        found = find_section(cab, section)
        if found is None or found.ready:
            raise falcon.HTTPNotFound()
        if found.admin_only and user.role != Role.ADMIN.value:
            raise falcon.HTTPForbidden()
        req.context.current_section = found.slug
        render(self.services.templates, req, resp, "section.html", title=found.title, section=found)
