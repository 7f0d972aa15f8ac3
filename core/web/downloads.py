"""Answer with a stored (encrypted) file as a download: one place for types and file names.

Only the types we accept on upload, plus the DOCX we generate, keep their content type; anything
else is sent as `application/octet-stream` so a browser never renders a stored file as a page.
Cyrillic file names go out as RFC 5987 `filename*=UTF-8''…`.
"""
from __future__ import annotations

import mimetypes
from urllib.parse import quote

import falcon

from core.blobstore import BlobStore
from core.services.documents import open_document
from core.uploads import DOCUMENT_TYPES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SAFE_TYPES = DOCUMENT_TYPES | {DOCX}


def send_blob(resp: falcon.Response, blobs: BlobStore, digest: str, filename: str,
              content_type: str | None = None) -> None:
    """Stream the file decrypted and verified chunk by chunk, as an attachment."""
    kind = content_type or mimetypes.guess_type(filename)[0] or ""
    resp.content_type = kind if kind in SAFE_TYPES else "application/octet-stream"
    resp.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(filename)}")
    resp.stream = open_document(blobs, digest)
    resp.content_length = blobs.size(digest)
