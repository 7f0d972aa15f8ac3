"""Result files of the practical part: checked by content, streamed into the encrypted blob store.

A practical task's result is often not a scan: a calculation in a spreadsheet, a report in
Word, a set of drawings in an archive. PDF and images go through `core.uploads` (the same
checks as the applicants' documents); DOCX, XLSX and ZIP are ZIP containers, so they must
start like one and open as one, with the parts that make a Word or Excel file. Archive
listings are bounded (entries, unpacked size) so a zip bomb is refused without unpacking it.
"""
from __future__ import annotations

import io
import zipfile
from typing import BinaryIO

from core.blobstore import BlobStore
from core.exceptions import ValidationError
from core.uploads import (DOCUMENT_TYPES, MIB, StoredUpload, megabytes, read_head, safe_filename, store_checked,
                          store_upload)

MAX_FILE_BYTES = 50 * MIB
MAX_FILES = 20
MAX_ZIP_ENTRIES = 5000
MAX_UNPACKED_BYTES = 1024 * MIB

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
_DOCUMENT_EXTENSIONS = {"pdf", "jpg", "jpeg", "jpe", "png"}
_CONTAINERS = {"docx": (DOCX, "документ Word (DOCX)", "word/document.xml"),
               "xlsx": (XLSX, "таблица Excel (XLSX)", "xl/workbook.xml"),
               "zip": (ZIP, "архив ZIP", None)}
ALLOWED_TEXT = "PDF, JPEG, PNG, DOCX, XLSX и ZIP"
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.zip"
RESULT_TYPES = DOCUMENT_TYPES | {DOCX, XLSX, ZIP}


def _error(message: str) -> ValidationError:
    return ValidationError(message, field="file")


def store_result(blobs: BlobStore, stream: BinaryIO, filename: str) -> StoredUpload:
    """Check and store one result file, or raise `ValidationError(…, field="file")` in Russian."""
    name = safe_filename(filename)
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if ext in _DOCUMENT_EXTENSIONS:
        return store_upload(blobs, stream, name, max_bytes=MAX_FILE_BYTES)
    if ext not in _CONTAINERS:
        raise _error(f"Допустимы только {ALLOWED_TEXT}: файл «{name}» не подходит. Сохраните результат в одном "
                     "из этих форматов (несколько файлов можно упаковать в ZIP) и загрузите снова.")
    content_type, noun, required = _CONTAINERS[ext]
    head = read_head(stream, 4)
    if not head:
        raise _error(f"Файл «{name}» пустой — выберите файл с содержимым.")
    if head != b"PK\x03\x04":
        raise _error(f"Файл «{name}» не является {_instrumental(ext)}, хотя называется .{ext}. Сохраните его "
                     "заново в этом формате и загрузите снова.")
    too_large = (f"Файл больше {megabytes(MAX_FILE_BYTES)} МБ: «{name}». Уменьшите его или разделите "
                 "на несколько файлов.")
    ref = store_checked(blobs, head, stream, max_bytes=MAX_FILE_BYTES, too_large=too_large,
                        check=lambda data: _check_container(data, name, noun, required))
    return StoredUpload(ref.digest, ref.size, content_type, name)


def _instrumental(ext: str) -> str:
    return {"docx": "документом Word (DOCX)", "xlsx": "таблицей Excel (XLSX)", "zip": "архивом ZIP"}[ext]


def _check_container(data: bytes, name: str, noun: str, required: str | None) -> None:
    broken = _error(f"Файл «{name}» повреждён: {noun} не открывается. Сохраните его заново и загрузите снова.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise broken from None
    if not entries:
        raise _error(f"Архив «{name}» пустой.")
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise _error(f"Файл «{name}» слишком большой в распакованном виде: разделите его на несколько файлов.")
    if any(e.flag_bits & 0x1 for e in entries):
        raise _error(f"Файл «{name}» защищён паролем: снимите защиту и загрузите снова.")
    if required and required not in {e.filename for e in entries}:
        raise broken
