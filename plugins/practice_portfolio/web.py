"""What the plugin's pages share: reading forms, sending stored files, showing points and text.

Plugins do not import `appliance`, so these few helpers mirror the web app's own: an
urlencoded form as str → str, a multipart upload read part by part (the file streams into
the blob store, never into memory), a stored file streamed back as an attachment.
"""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Callable
from urllib.parse import quote

import falcon

from core.blobstore import BlobStore
from core.services.documents import open_document
from core.services.kiosk import utc_to_local
from core.services.practice_groups import points_text

MAX_FIELD = 2000
FORM_OVERHEAD = 64 * 1024
_SIGNATURES = ((b"%PDF", "application/pdf", ".pdf"), (b"\x89PNG", "image/png", ".png"),
               (b"\xff\xd8\xff", "image/jpeg", ".jpg"), (b"PK\x03\x04", "application/zip", ".zip"))


def read_form(req: falcon.Request) -> dict[str, str]:
    """The urlencoded form (last value of a repeated field), trimmed and bounded."""
    if not (req.content_type or "").startswith(falcon.MEDIA_URLENCODED):
        raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы.")
    media = req.get_media() or {}
    return {key: str(value[-1] if isinstance(value, list) and value else value or "").strip()[:MAX_FIELD]
            for key, value in media.items()}


def read_file_part(req: falcon.Request, name: str, handle: Callable[[Any, str], Any]) -> Any:
    """Pass the multipart part `name` (stream, filename) to `handle`; None when no file was chosen."""
    if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
        raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы с файлом.")
    for part in req.get_media():
        if part.name == name and part.filename:
            return handle(part.stream, part.filename)
    return None


def send_stored(resp: falcon.Response, blobs: BlobStore, digest: str, filename: str | None,
                content_type: str | None = None, *, stem: str = "файл") -> None:
    """Stream a stored file decrypted, as an attachment; the type comes from the record or the content."""
    chunks = iter(open_document(blobs, digest))
    first = next(chunks, b"")
    sniffed, extension = next(((t, e) for magic, t, e in _SIGNATURES if first.startswith(magic)),
                              ("application/octet-stream", ""))
    resp.content_type = content_type or sniffed
    name = filename or f"{stem}{extension}"
    resp.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}")
    resp.stream = itertools.chain([first], chunks)
    resp.content_length = blobs.size(digest)


def size_text(size: int) -> str:
    """«340 КБ», «2,4 МБ»."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} КБ"
    return f"{size / (1024 * 1024):.1f} МБ".replace(".", ",")


def paragraphs(text: str | None) -> list[str]:
    """Text of the КОС split into paragraphs (the page shows them without inline styles)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def clock(seconds: int) -> str:
    """«1:05:09», «45:00»: the time left as the station's countdown shows it."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def local_time(moment: dt.datetime | None) -> str:
    """A stored UTC time as the venue's wall clock: «05.12.2026 10:42»."""
    return f"{utc_to_local(moment):%d.%m.%Y %H:%M}" if moment else "—"


HELPERS = {"points": points_text, "size_text": size_text, "paragraphs": paragraphs, "clock": clock,
           "local_time": local_time}
