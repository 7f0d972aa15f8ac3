"""Accept an uploaded document only for what it really is: checked by content, size and name.

Why it looks like this:

* Applicants rename files («скан.docx» → «скан.pdf») and phones save photos under any
  name, so the type is read from the magic bytes, and the file must then really open as
  that type (pypdf for PDF, OpenCV for images): a file that merely starts like a PDF is
  refused too. The extension must agree with the content, so the ЦОК reviewer never gets
  a «PDF» that their viewer cannot open.
* Uploads stream into the encrypted blob store (`BlobStore.put_stream` with the size
  limit), so an oversized file is cut off after one chunk and never sits in memory or in
  a plaintext temporary file. Parsing needs the whole file, so an accepted-size file is
  read back from the store (documents are at most a few tens of MB).
* A refused file leaves nothing behind: most are refused from their first bytes before
  anything is written; one that fails parsing is deleted again unless the same bytes
  were already stored (the store deduplicates, and another record may use them).
* The file name is only shown to people (the blob is addressed by its SHA-256), but it
  ends up in pages, letters and download headers: path parts and control characters are
  refused, characters that break headers or Windows file names are replaced.
"""
from __future__ import annotations

import hashlib
import io
import logging
import struct
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO, Callable

import cv2
import numpy as np
from pypdf import PdfReader

from core.blobstore import BlobRef, BlobStore
from core.exceptions import BlobTooLargeError, ValidationError

log = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCUMENT_TYPES = frozenset({PDF, JPEG, PNG})
IMAGE_TYPES = frozenset({JPEG, PNG})

MAX_FILENAME_LENGTH = 255
# A 600-dpi colour scan of an A4 page has 35 Мп and phone cameras save up to ~50 Мп; a
# larger image is most likely a decompression bomb (a few MB of PNG that decode to GBs).
MAX_IMAGE_PIXELS = 50_000_000
MIB = 1024 * 1024

_MAGIC = ((PDF, b"%PDF-"), (JPEG, b"\xff\xd8\xff"), (PNG, b"\x89PNG\r\n\x1a\n"))
_HEAD_SIZE = max(len(magic) for _, magic in _MAGIC)
_EXTENSIONS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "jpe": JPEG, "png": PNG}
_TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
_TYPE_NOUNS = {PDF: "PDF-документом", JPEG: "изображением JPEG", PNG: "изображением PNG"}
_TYPE_NOMINATIVE = {PDF: "PDF-документ", JPEG: "изображение JPEG", PNG: "изображение PNG"}
_MAIN_EXTENSION = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
_UNSAFE_DISPLAY_CHARS = str.maketrans({c: "_" for c in '<>:"|?*'})
# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the size.
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


@dataclass(frozen=True)
class StoredUpload:
    """An accepted upload: blob address, plaintext size, type by content, display name."""

    digest: str
    size: int
    content_type: str
    filename: str


def store_upload(blobs: BlobStore, stream: BinaryIO, filename: str, *, max_bytes: int,
                 allowed: frozenset[str] = DOCUMENT_TYPES) -> StoredUpload:
    """Check and store one uploaded file, or raise `ValidationError(…, field="file")` in Russian.

    `allowed` narrows the accepted types (a photo: `IMAGE_TYPES`). `max_bytes` is the size
    limit; the message names it in МБ.
    """
    name = safe_filename(filename)
    expected = _type_by_extension(name, allowed)
    head = read_head(stream)
    if not head:
        raise _error(f"Файл «{_shown(name)}» пустой — выберите файл с содержимым.")
    actual = _type_by_magic(head)
    if actual != expected:
        raise _error(_mismatch_message(name, expected, actual, allowed))
    too_large = (f"Файл больше {megabytes(max_bytes)} МБ: «{_shown(name)}». Уменьшите его (например, "
                 "сканируйте с разрешением 200–300 dpi в оттенках серого) и загрузите снова.")
    ref = store_checked(blobs, head, stream, max_bytes=max_bytes, too_large=too_large,
                        check=lambda data: _check_parses(data, actual, name))
    return StoredUpload(ref.digest, ref.size, actual, name)


def store_checked(blobs: BlobStore, head: bytes, rest: BinaryIO, *, max_bytes: int, too_large: str,
                  check: Callable[[bytes], None] | None = None, field: str = "file") -> BlobRef:
    """Stream the sniffed `head` and the `rest` of an upload into the store, then `check` the stored bytes.

    Over `max_bytes` the upload is cut off and refused with the message `too_large` (on `field`).
    A file `check` refuses (`ValidationError`) is deleted again if this upload created its blob:
    the store deduplicates, and bytes that were already there may belong to another record.
    """
    reader = ReplayingReader(head, rest, blobs)
    try:
        ref = blobs.put_stream(reader, max_size=max_bytes)
    except BlobTooLargeError:
        raise ValidationError(too_large, field=field) from None
    if check is None:
        return ref
    try:
        check(blobs.read(ref.digest))
    except ValidationError:
        if reader.existed is False:  # we created this blob, and nobody else can reference it
            blobs.delete(ref.digest)
        raise
    return ref


def read_head(stream: BinaryIO, size: int = _HEAD_SIZE) -> bytes:
    """Read the first `size` bytes to sniff the type; a single `read` may legally return fewer."""
    head = b""
    while len(head) < size:
        more = stream.read(size - len(head))
        if not more:
            break
        head += more
    return head


def safe_filename(filename: str) -> str:
    """Return the name to show for an upload, or refuse a name with a path or control characters."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise _error("Не указано имя файла: выберите файл на компьютере и загрузите его снова.")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise _error(f"Имя файла «{_shown(name)}» содержит управляющие символы: переименуйте файл "
                     "(буквы, цифры, пробел, дефис) и загрузите снова.")
    if len(name) > MAX_FILENAME_LENGTH:
        raise _error(f"Имя файла длиннее {MAX_FILENAME_LENGTH} символов: переименуйте файл покороче "
                     "и загрузите снова.")
    if "/" in name or "\\" in name or ".." in name:
        raise _error(f"Имя файла «{_shown(name)}» содержит путь («/», «\\» или «..»): переименуйте "
                     "файл и загрузите снова.")
    if name.startswith("."):
        raise _error(f"Имя файла «{_shown(name)}» начинается с точки: переименуйте файл, например "
                     f"«документ{name}».")
    return name.translate(_UNSAFE_DISPLAY_CHARS)


class ReplayingReader:
    """Give the blob store the sniffed prefix again, then the rest of the upload.

    On reaching the end (before the store publishes the blob) it notes whether a blob
    with these bytes already existed, so a file refused after storing can be removed
    without touching a blob some other record shares. `existed` stays None if the end
    was never reached (the size limit cut the upload off).
    """

    def __init__(self, head: bytes, rest: BinaryIO, blobs: BlobStore):
        self._head = head
        self._rest = rest
        self._blobs = blobs
        self._hash = hashlib.sha256()
        self.existed: bool | None = None

    def read(self, size: int = -1) -> bytes:
        if self._head:
            cut = len(self._head) if size is None or size < 0 else size
            data, self._head = self._head[:cut], self._head[cut:]
        else:
            data = self._rest.read(size) or b""
        if data:
            self._hash.update(data)
        elif self.existed is None:
            self.existed = self._blobs.exists(self._hash.hexdigest())
        return data


def megabytes(size: int) -> str:
    """Render a byte limit as МБ the Russian way: «20», «0,5»."""
    if size % MIB == 0:
        return str(size // MIB)
    return f"{max(size / MIB, 0.01):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def image_size(data: bytes, content_type: str) -> tuple[int, int] | None:
    """Read (width, height) from a PNG or JPEG header without decoding the pixels; None if absent."""
    if content_type == PNG:
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        return struct.unpack(">II", data[16:24])
    if content_type == JPEG:
        return _jpeg_size(data)
    return None


def type_names(types: frozenset[str]) -> str:
    """«PDF, JPEG и PNG» for the messages."""
    names = [_TYPE_NAMES[t] for t in (PDF, JPEG, PNG) if t in types]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " и " + names[-1]


# --- internals ---------------------------------------------------------------------------------

def _error(message: str) -> ValidationError:
    return ValidationError(message, field="file")


def _shown(name: str, limit: int = 80) -> str:
    """The name as it may appear inside a message: no control characters, not too long."""
    clean = "".join("?" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in name)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _type_by_extension(name: str, allowed: frozenset[str]) -> str:
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    content_type = _EXTENSIONS.get(ext)
    if content_type not in allowed:
        raise _error(f"Допустимы только {type_names(allowed)}: файл «{_shown(name)}» не подходит. "
                     "Сохраните документ в одном из этих форматов и загрузите снова.")
    return content_type


def _type_by_magic(head: bytes) -> str | None:
    return next((content_type for content_type, magic in _MAGIC if head.startswith(magic)), None)


def _mismatch_message(name: str, expected: str, actual: str | None, allowed: frozenset[str]) -> str:
    ext = "." + name.rsplit(".", 1)[1]
    message = f"Файл «{_shown(name)}» не является {_TYPE_NOUNS[expected]}, хотя называется {ext}"
    if actual is not None and actual not in allowed:
        return f"{message}: по содержимому это {_TYPE_NOMINATIVE[actual]}. Допустимы только {type_names(allowed)}."
    if actual is not None:
        return (f"{message}: по содержимому это {_TYPE_NOMINATIVE[actual]}. "
                f"Переименуйте файл в {_MAIN_EXTENSION[actual]} и загрузите снова.")
    if expected == PDF:
        return (f"{message}. Откройте документ и сохраните его как PDF («Печать → Сохранить как PDF»), "
                "затем загрузите снова.")
    return f"{message}. Сохраните изображение в формате {_TYPE_NAMES[expected]} и загрузите снова."


def _check_parses(data: bytes, content_type: str, name: str) -> None:
    if content_type == PDF:
        _check_pdf(data, name)
    else:
        _check_image(data, content_type, name)


def _check_pdf(data: bytes, name: str) -> None:
    broken = _error(f"Файл «{_shown(name)}» повреждён: PDF-документ не открывается. Сохраните его "
                    "заново (или отсканируйте ещё раз) и загрузите снова.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _error(f"PDF-документ «{_shown(name)}» защищён паролем: снимите защиту и загрузите снова.")
        pages = len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # noqa: B018 — a broken page tree fails here
    except ValidationError:
        raise
    except Exception as ex:  # hostile input: pypdf raises many kinds of errors on malformed files
        log.info("PDF upload %r refused: %s: %s", name, type(ex).__name__, ex)
        raise broken from None
    if pages < 1:
        raise _error(f"В PDF-документе «{_shown(name)}» нет ни одной страницы.")


def _check_image(data: bytes, content_type: str, name: str) -> None:
    size = image_size(data, content_type)
    broken = _error(f"Файл «{_shown(name)}» повреждён: изображение не открывается. Сохраните его "
                    "заново и загрузите снова.")
    if size is None or min(size) < 1:
        raise broken
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise _error(f"Изображение «{_shown(name)}» слишком большое ({width}×{height} точек): уменьшите "
                     f"его до {MAX_IMAGE_PIXELS // 1_000_000} мегапикселей (например, сканируйте с "
                     "разрешением 300 dpi) и загрузите снова.")
    # JPEG decodes at 1/8 scale (libjpeg scales while decoding): every block is still read.
    flags = cv2.IMREAD_REDUCED_GRAYSCALE_8 if content_type == JPEG else cv2.IMREAD_GRAYSCALE
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if image is None or image.size == 0:
        raise broken


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG markers up to the start-of-frame segment, which holds height and width."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if marker in _JPEG_SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        if marker == 0xDA or length < 2:  # image data before any frame header: broken
            return None
        pos += 2 + length
    return None
