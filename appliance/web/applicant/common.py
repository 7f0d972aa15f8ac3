"""What every page of the Соискатель cabinet shares: the guard, uploads read as streams, downloads.

Uploads are multipart forms whose CSRF token travels in the action URL (the middleware must not
read the body); the file part is handed to a core service as a stream, never held in memory,
and the fields typed before it are already known (the form lists them first).
"""
from __future__ import annotations

import itertools
import mimetypes
import re
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Iterator

import falcon

from core.web.guards import require_cabinet
from core.web.render import render
from core.context import Services
from core.exceptions import BlobTooLargeError, ValidationError
from core.models import Cabinet, User
from core.services.documents import open_document

BASE = "/cabinet/applicant"
MIB = 1024 * 1024
FORM_OVERHEAD = MIB  # room for the text fields of an upload form besides the file itself
MAX_FIELD = 2000
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


class ApplicantResource:
    """Base of the cabinet's resources: services in, guard and rendering out."""

    section = ""

    def __init__(self, services: Services):
        self.services = services

    @property
    def max_bytes(self) -> int:
        return self.services.config.max_upload_mb * MIB

    def guard(self, req: falcon.Request) -> User:
        """Only a signed-in Соискатель; sets the menu and the current section."""
        user, _cabinet = require_cabinet(req, Cabinet.APPLICANT.value, self.services.plugins)
        req.context.current_section = self.section
        return user

    def page(self, req: falcon.Request, resp: falcon.Response, template: str, status: Any = falcon.HTTP_200,
             **context: Any) -> None:
        render(self.services.templates, req, resp, template, status=status, base=BASE, **context)


def page_number(req: falcon.Request) -> int:
    return req.get_param_as_int("page", default=1, min_value=1, max_value=100_000)


def pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


# --- uploads ------------------------------------------------------------------------------------

@dataclass
class UploadForm:
    """A multipart form read once: text fields (every value) and what each file part turned into."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def one(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1] if values else default

    def flat(self) -> dict[str, str]:
        return {name: values[-1] for name, values in self.fields.items() if values}


FileHandler = Callable[[str, BinaryIO, str, "UploadForm"], Any]


def read_upload(req: falcon.Request, max_bytes: int, on_file: FileHandler) -> UploadForm:
    """Read a multipart form, passing each chosen file to `on_file(name, stream, filename, form)`.

    A check failed by the file (type by content, size) lands in `form.errors` under the field the
    error names, so the page shows it next to that field; an empty file input is skipped.
    """
    if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
        raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы с файлом.")
    if req.content_length and req.content_length > max_bytes + FORM_OVERHEAD:
        raise falcon.HTTPContentTooLarge(
            title="Файл слишком большой",
            description=f"Файл больше допустимого размера: {max_bytes // MIB} МБ. Уменьшите его и загрузите снова.")
    form = UploadForm()
    for part in req.get_media():
        name = part.name or ""
        if part.filename is None:
            text = part.get_text() or ""
            form.fields.setdefault(name, []).append(text.strip()[:MAX_FIELD])
            continue
        if not part.filename:
            continue  # the file input was left empty
        try:
            form.files[name] = on_file(name, part.stream, part.filename, form)
        except BlobTooLargeError as ex:
            form.errors[name] = str(ex)
        except ValidationError as ex:
            form.errors[ex.field or name] = ex.message
    return form


# --- downloads ----------------------------------------------------------------------------------

_SIGNATURES = ((b"%PDF", "application/pdf", ".pdf"), (b"\x89PNG", "image/png", ".png"),
               (b"\xff\xd8\xff", "image/jpeg", ".jpg"), (b"PK\x03\x04", "application/zip", ".zip"))


def safe_filename(name: str | None, fallback: str = "документ") -> str:
    """Only the last path component, no control characters: never a path for the browser to follow."""
    base = _UNSAFE_NAME.sub("_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[:200] or fallback


def _sniffed(chunks: Iterator[bytes]) -> tuple[str, str, Iterator[bytes]]:
    first = next(chunks, b"")
    for magic, content_type, extension in _SIGNATURES:
        if first.startswith(magic):
            return content_type, extension, itertools.chain([first], chunks)
    return "application/octet-stream", "", itertools.chain([first], chunks)


def send_file(resp: falcon.Response, services: Services, digest: str, filename: str | None = None,
              content_type: str | None = None, *, inline: bool = False) -> None:
    """Stream a stored file (decrypted chunk by chunk); an unrecorded type comes from the name or content."""
    chunks = iter(open_document(services.blobs, digest))
    sniffed_type, extension, chunks = _sniffed(chunks)
    resp.content_type = content_type or mimetypes.guess_type(filename or "")[0] or sniffed_type
    name = safe_filename(filename, fallback="файл" + extension)
    if inline:
        resp.viewable_as = name
    else:
        resp.downloadable_as = name
    resp.stream = chunks
