"""What the СПК reference pages share (centres, experts, qualifications, profile): the guard, rendering,
pagination links, form errors and a bounded multipart reader.

The guard lets in the СПК's staff (Администратор or Оператор) in their own cabinet and hands back
the СПК itself; every object is then looked up within that СПК by `central.admin`, whose
`NotFoundError` becomes a 404 page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import falcon

from central.services.paging import Page
from core.context import Services
from core.exceptions import ValidationError
from core.models import Organisation, User
from core.web.guards import require_cabinet

BASE = "/cabinet/spk"
MIB = 1024 * 1024
FORM_OVERHEAD = MIB
MAX_FIELD = 2000


def form_errors(ex: ValidationError) -> dict[str, str]:
    """Every field error of a `FormErrors`, or the one message under its field."""
    return dict(getattr(ex, "errors", None) or {ex.field or "form": ex.message})


def page_links(page: Page, params: dict[str, Any]) -> list[tuple[str, str | None]]:
    """A short pager (first, neighbours, last) keeping the filter; None marks the current page or a gap."""
    if page.pages <= 1:
        return []
    keep = {k: v for k, v in params.items() if v not in (None, "") and k != "page"}
    shown = sorted({1, page.pages, *range(max(1, page.page - 3), min(page.pages, page.page + 3) + 1)})
    links: list[tuple[str, str | None]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append(("…", None))
        links.append((str(number), None if number == page.page else "?" + urlencode({**keep, "page": number})))
        previous = number
    return links


@dataclass
class Upload:
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_upload(req: falcon.Request, limits: dict[str, int]) -> Upload:
    """Read a multipart form into memory; each file field is capped by `limits` (others are refused)."""
    if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
        raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы с файлом.")
    if req.content_length and req.content_length > sum(limits.values()) + FORM_OVERHEAD:
        raise falcon.HTTPContentTooLarge(title="Файл слишком большой",
                                         description=f"Файл больше {sum(limits.values()) // MIB} МБ.")
    upload = Upload()
    for part in req.get_media():
        name = part.name or ""
        if part.filename is None:
            upload.fields[name] = (part.get_text() or "").strip()[:MAX_FIELD]
            continue
        if not part.filename or name not in limits:
            continue
        data = part.stream.read(limits[name] + 1)
        if len(data) > limits[name]:
            upload.errors[name] = f"Файл «{part.filename[:80]}» больше {limits[name] // MIB} МБ."
            continue
        upload.files[name] = (part.filename, data)
    return upload


class SpkResource:
    """Base of the СПК cabinet's reference pages; `section` marks the menu entry as current."""

    section = ""

    def __init__(self, services: Services):
        self.services = services

    def guard(self, req: falcon.Request) -> tuple[User, Organisation]:
        """The signed-in СПК staff member and their СПК (every column of it)."""
        user, _cabinet = require_cabinet(req, "spk", self.services.plugins)
        if not user.is_staff or not user.organisation_id:
            raise falcon.HTTPForbidden()
        req.context.current_section = self.section
        return user, Organisation.get_by_id(user.organisation_id)

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, *, title: str,
             status: str | int = falcon.HTTP_200, **context: Any) -> None:
        context.setdefault("errors", {})
        context.setdefault("form", {})
        context.setdefault("notice", None)
        self.services.render(req, resp, template, status=status, title=title, base=BASE, **context)

    @staticmethod
    def notice(req: falcon.Request, notices: dict[str, str]) -> str | None:
        return notices.get(req.get_param("notice") or "")

    @staticmethod
    def see_other(path: str) -> falcon.HTTPSeeOther:
        return falcon.HTTPSeeOther(BASE + path)
