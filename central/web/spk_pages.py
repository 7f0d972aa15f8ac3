"""One base for every page of the СПК cabinet, and the helpers its lists, filters and forms share.

The guard, rendering, notices and redirects are those of `central.admin.web.SpkResource` (the
СПК's staff in their own cabinet; the СПК itself handed back, so every query is scoped to it).
This module adds what the results, protocols, certificates and report pages need, so each page
module of `central.web` imports its base and helpers from here only.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

import falcon

from central.admin import scope
from central.admin.forms import parse_date as read_date
from central.admin.web import BASE, form_errors, page_links, read_upload
from central.admin.web import SpkResource as _ReferencePage
from central.reports.plan import qualification_choices
from central.reports.web import page_number, query_string
from core.exceptions import ValidationError
from core.models import Organisation
from core.services.results import to_local
from core.web.forms import read_form

__all__ = ["BASE", "SpkResource", "cok_choices", "filter_params", "form_errors", "page_links", "page_number",
           "parse_date", "parse_id", "qualification_choices", "query_string", "read_upload"]


class SpkResource(_ReferencePage):
    """Base of the СПК cabinet's resources; `section` marks the menu entry as current."""

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, *, title: str,
             status: str | int = falcon.HTTP_200, **context: Any) -> None:
        context.setdefault("local", to_local)  # stored times are UTC; pages show the server's clock
        super().page(req, resp, template, title=title, status=status, **context)

    def save_form(self, req: falcon.Request, resp: falcon.Response, save: Callable[[dict[str, str]], Any],
                  refused: Callable[[dict[str, str], dict[str, str]], None], done: Callable[[Any], str]) -> None:
        """Read the posted form and `save` it, then 303 to `done(saved)` (a path under the cabinet).

        A refusal shows the page again through `refused(form, errors)`, with the typed values kept
        and status 422.
        """
        form = read_form(req)
        try:
            saved = save(form)
        except ValidationError as ex:
            refused(form, form_errors(ex))
            resp.status = falcon.HTTP_422
            return
        raise self.see_other(done(saved))

    def filtered(self, req: falcon.Request, fields: Iterable[str], parse: Callable[[dict[str, str]], Any]
                 ) -> tuple[Organisation, dict[str, str], Any, dict[str, str]]:
        """The guard, then the filter of a list or report page.

        Returns (the СПК, the fields as typed, `parse(fields)` or None, the Russian errors under their fields).
        """
        _user, spk = self.guard(req)
        params = filter_params(req, fields)
        try:
            return spk, params, parse(params), {}
        except ValidationError as ex:
            return spk, params, None, form_errors(ex)

    def export_filtered(self, req: falcon.Request, fields: Iterable[str], parse: Callable[[dict[str, str]], Any]
                        ) -> tuple[Organisation, Any]:
        """The guard and the filter of a download link; a bad filter is a 400 with the Russian message."""
        _user, spk = self.guard(req)
        try:
            return spk, parse(filter_params(req, fields))
        except ValidationError as ex:
            raise falcon.HTTPBadRequest(title="Неверный фильтр", description=ex.message) from None


# --- filters of the lists and reports ---------------------------------------------------------------

def filter_params(req: falcon.Request, fields: Iterable[str], limit: int | None = None) -> dict[str, str]:
    """The filter fields of a GET request, trimmed (and cut to `limit` characters when given)."""
    return {name: (req.get_param(name) or "").strip()[:limit] for name in fields}


def parse_id(value: str, field: str, message: str) -> int | None:
    """An optional id from a filter: empty → None, anything but a positive number → Russian error."""
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValidationError(message, field)
    return int(value)


def parse_date(value: str, field: str, label: str, *, required: bool = False) -> dt.date | None:
    """A date from a form: ISO (what <input type=date> sends) or ДД.ММ.ГГГГ; the message quotes what was typed."""
    if not value:
        if required:
            raise ValidationError(f"Укажите {label}.", field)
        return None
    try:
        return read_date(value, field, label)
    except ValidationError:
        raise ValidationError(f"Неверная дата: {value}. Укажите {label} в формате ДД.ММ.ГГГГ.", field) from None


def cok_choices(spk: Organisation) -> list[tuple[int, str]]:
    """The СПК's ЦОК for a «ЦОК» field or filter, by short name."""
    return [(o.id, o.short_name or o.full_name) for o in scope.coks_of(spk).order_by(Organisation.short_name)]
