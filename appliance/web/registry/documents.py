"""Свидетельства и заключения from the registry as the ЦОК's and the applicant's pages show them.

Callers decide who may see which application (`core.services.access`, `results.get_examined`);
these helpers only load the documents of those applications (one query for a whole page) and
send the PDF the registry delivered, with an audit record of the download.
"""
from __future__ import annotations

from typing import Iterable

import falcon

from core import audit
from core.web.downloads import send_blob
from federation.models import RegistryDocument
from federation.reference_results import document_status_title, document_title


def documents_by_application(application_ids: Iterable[int]) -> dict[int, list[RegistryDocument]]:
    """The registry's documents of these applications, originals before duplicates (one query)."""
    ids = list(application_ids)
    found: dict[int, list[RegistryDocument]] = {i: [] for i in ids}
    if ids:
        for document in (RegistryDocument.select().where(RegistryDocument.application.in_(ids))
                         .order_by(RegistryDocument.is_duplicate, RegistryDocument.id)):
            found[document.application_id].append(document)
    return found


def find_document(application_id: int, public_id: str) -> RegistryDocument:
    """The document of that application with that id, else 404 (another application's id reveals nothing)."""
    document = RegistryDocument.get_or_none((RegistryDocument.public_id == public_id)
                                            & (RegistryDocument.application == application_id))
    if document is None or not document.pdf_digest:
        raise falcon.HTTPNotFound(description="Документ не найден или его файл ещё не получен из реестра СПК.")
    return document


def pdf_filename(document: RegistryDocument) -> str:
    """«Свидетельство_40.05400.01.00000001.26.pdf»: only safe characters reach the header."""
    word = "Свидетельство" if document.kind == "certificate" else "Заключение"
    ident = document.registration_number or document.public_id
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in ident)
    return f"{word}_{safe}.pdf"


def send_document(resp: falcon.Response, services, document: RegistryDocument) -> None:
    audit.record("download", "registry_document", document.id, {"application_id": document.application_id})
    send_blob(resp, services.blobs, document.pdf_digest, pdf_filename(document), "application/pdf")


TEMPLATE_HELPERS = {"document_title": document_title, "document_status_title": document_status_title}
