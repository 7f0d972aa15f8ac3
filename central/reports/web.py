"""What the report pages share: the СПК guard and a pager that keeps the filter."""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlencode

import falcon

from core.models import Organisation
from core.web.guards import require_cabinet


def spk_of(req: falcon.Request, services: Any, section: str) -> tuple[Any, Organisation]:
    """The signed-in СПК staff member and their СПК; anyone else is stopped here."""
    user, _cabinet = require_cabinet(req, "spk", services.plugins)
    if not user.organisation_id:
        raise falcon.HTTPForbidden(description="Учётная запись не привязана к СПК.")
    req.context.current_section = section
    return user, user.organisation


def page_links(page: int, pages: int, params: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """First, neighbours and last pages, «…» between; the current one has no link."""
    if pages <= 1:
        return []
    keep = {k: v for k, v in params.items() if v not in (None, "") and k != "page"}
    links: list[tuple[str, str | None]] = []
    previous = 0
    for number in sorted({1, pages, *range(max(1, page - 3), min(pages, page + 3) + 1)}):
        if number - previous > 1:
            links.append(("…", None))
        links.append((str(number), None if number == page else "?" + urlencode({**keep, "page": number})))
        previous = number
    return links


def query_string(params: Mapping[str, Any]) -> str:
    """The filter as a query string (for the export links), empty fields left out."""
    keep = {k: v for k, v in params.items() if v not in (None, "") and k != "page"}
    return ("?" + urlencode(keep)) if keep else ""


def form_errors(ex: Exception) -> dict[str, str]:
    return dict(getattr(ex, "errors", None) or {getattr(ex, "field", None) or "form": str(ex)})


def page_number(req: falcon.Request) -> int:
    """`?page=` as a number; anything else is the first page."""
    text = req.get_param("page") or ""
    return min(int(text), 1_000_000) if text.isdigit() and int(text) > 0 else 1
