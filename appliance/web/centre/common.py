"""What every ЦОК and venue page shares: the guard, form errors, pagination links.

The guard lets in staff (Администратор or Оператор) of a ЦОК or a venue in their own cabinet;
each object is then checked against the user's organisation by its service, which raises
`NotFoundError` (a 404 page) for another organisation's object.
"""
from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import falcon

from core.web.cabinets import SectionResource
from core.web.guards import require_cabinet
from core.web.render import render
from core.context import Services
from core.exceptions import ValidationError
from core.models import Cabinet, User
from core.models.billing import TERMS_TITLES

CENTRE_CABINETS = frozenset({Cabinet.COK.value, Cabinet.VENUE.value})


def form_errors(ex: ValidationError) -> dict[str, str]:
    """Every field error a service raised (`FormErrors.errors`), or its one message."""
    return dict(getattr(ex, "errors", None) or {ex.field or "form": ex.message})


def invoice_terms_title(invoice) -> str:
    """«Предоплата» / «Постоплата» of an invoice, for the invoices card."""
    return TERMS_TITLES.get(invoice.payment_terms, invoice.payment_terms)


def page_links(page: int, total: int, page_size: int, params: dict[str, Any]) -> list[tuple[str, str | None]]:
    """A pager that stays short at thousands of pages: first, neighbours, last; filters kept."""
    pages = max(1, math.ceil(total / page_size))
    if pages == 1:
        return []
    keep = {k: v for k, v in params.items() if v not in (None, "") and k != "page"}
    shown = sorted({1, pages, *range(max(1, page - 3), min(pages, page + 3) + 1)})
    links: list[tuple[str, str | None]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append(("…", None))
        links.append((str(number), None if number == page else "?" + urlencode({**keep, "page": number})))
        previous = number
    return links


class CentreResource:
    """Base of the ЦОК/venue resources; `section` marks the menu entry as current."""

    section = ""

    def __init__(self, services: Services):
        self.services = services

    def guard(self, req: falcon.Request, cabinet: str) -> User:
        user, cab = require_cabinet(req, cabinet, self.services.plugins)
        if cab.value not in CENTRE_CABINETS:
            raise falcon.HTTPNotFound()
        if not user.is_staff or not user.organisation_id:
            raise falcon.HTTPForbidden()
        req.context.current_section = self.section
        return user

    def other_cabinet(self, req: falcon.Request, resp: falcon.Response, cabinet: str) -> bool:
        """Our routes catch `/cabinet/<any>/<section>`: other cabinets keep their «раздел появится» page."""
        if cabinet in CENTRE_CABINETS:
            return False
        SectionResource(self.services).on_get(req, resp, cabinet, self.section)
        return True

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, *, title: str,
             status: str | int = falcon.HTTP_200, **context: Any) -> None:
        context.setdefault("errors", {})
        context.setdefault("terms_title_of", invoice_terms_title)
        context.setdefault("form", {})
        base = f"/cabinet/{req.context.cabinet.value}"
        render(self.services.templates, req, resp, template, status=status, title=title, base=base, **context)

    @staticmethod
    def status_of(errors: dict[str, str]) -> str:
        return falcon.HTTP_422 if errors else falcon.HTTP_200

    @staticmethod
    def see_other(req: falcon.Request, path: str) -> falcon.HTTPSeeOther:
        return falcon.HTTPSeeOther(f"/cabinet/{req.context.cabinet.value}{path}")
