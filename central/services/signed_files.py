"""The signed Протокол СПК as uploaded: PDF, JPEG or PNG (checked by `core.uploads`) or a Word file.

A DOCX is a ZIP container: it must start like one, open as one, hold `word/document.xml`, stay
small when unpacked and carry no password; `core.uploads` does not know DOCX, so that check is here.
"""
from __future__ import annotations

import io
import zipfile

from core.exceptions import ValidationError
from core.uploads import MIB, StoredUpload, megabytes, read_head, safe_filename, store_checked, store_upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_TEXT = "PDF, DOCX, JPEG и PNG"
ACCEPT = ".pdf,.docx,.jpg,.jpeg,.png"
_UPLOAD_EXTENSIONS = {"pdf", "jpg", "jpeg", "jpe", "png"}
MAX_ZIP_ENTRIES = 2000
MAX_UNPACKED = 512 * MIB


def _error(message: str) -> ValidationError:
    return ValidationError(message, field="file")


def store_signed(blobs, data: bytes, filename: str, max_mb: int) -> StoredUpload:
    """Check and store the signed protocol, or raise a Russian `ValidationError(field="file")`."""
    name = safe_filename(filename)
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    max_bytes = max_mb * MIB
    if ext in _UPLOAD_EXTENSIONS:
        return store_upload(blobs, io.BytesIO(data), name, max_bytes=max_bytes)
    if ext != "docx":
        raise _error(f"Допустимы только {ALLOWED_TEXT}: файл «{name}» не подходит. Сохраните подписанный протокол "
                     "в одном из этих форматов и загрузите снова.")
    stream = io.BytesIO(data)
    head = read_head(stream, 4)
    if not head:
        raise _error(f"Файл «{name}» пустой — выберите файл с содержимым.")
    if head != b"PK\x03\x04":
        raise _error(f"Файл «{name}» не является документом Word (DOCX), хотя называется .docx. Сохраните его "
                     "заново в формате DOCX и загрузите снова.")
    too_large = f"Файл больше {megabytes(max_bytes)} МБ: «{name}». Уменьшите его и загрузите снова."
    ref = store_checked(blobs, head, stream, max_bytes=max_bytes, too_large=too_large,
                        check=lambda stored: _check_docx(stored, name))
    return StoredUpload(ref.digest, ref.size, DOCX, name)


def _check_docx(data: bytes, name: str) -> None:
    broken = _error(f"Файл «{name}» повреждён: документ Word не открывается. Сохраните его заново и загрузите снова.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise broken from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise _error(f"Файл «{name}» слишком большой в распакованном виде.")
    if any(e.flag_bits & 0x1 for e in entries):
        raise _error(f"Файл «{name}» защищён паролем: снимите защиту и загрузите снова.")
    if "word/document.xml" not in {e.filename for e in entries}:
        raise broken
