"""Свидетельство о квалификации (face and appendix) and Заключение, by the forms of Приказ Минтруда 725н.

A4, Times New Roman, black, ФИО in 22 pt, dates in words, no facsimile — the head signs by hand.
The certificate carries one image only: the QR code with the registry data and the link to
the record. Until НАРК assigns the registration number a certificate is not final: it prints
as «ПРОЕКТ — номер будет присвоен НАРК» with our own id instead of the number. A duplicate
says «ДУБЛИКАТ» at the top in 28 pt and has its own number and date.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import segno

from central.documents.render import CERTIFICATE_CSS, render_pdf
from central.documents.texts import DASH
from core.documents.pdf import png_data_uri

DRAFT_NOTE = "ПРОЕКТ — номер будет присвоен НАРК"
FAILED_TEXT = "По результатам профессионального экзамена квалификация не подтверждена"


@dataclass(frozen=True)
class Cok:
    """The ЦОК as the forms name it: «Руководитель» signs for it."""

    full_name: str
    registry_number: str
    legal_address: str
    head_name: str


@dataclass(frozen=True)
class LabourFunction:
    code: str
    name: str


class _Numbered:
    """What both forms say of their number: not final (a draft) until НАРК assigns one."""

    registration_number: str | None  # None: not final yet (preview)
    document_id: str  # our id, shown on a preview instead of the number

    @property
    def is_draft(self) -> bool:
        return not self.registration_number

    @property
    def number_text(self) -> str:
        return self.registration_number or f"не присвоен (идентификатор в реестре СПК: {self.document_id})"

    @property
    def short_number(self) -> str:
        """The number in the document's title: the registry's, or our id on a draft."""
        return self.registration_number or self.document_id


@dataclass(frozen=True)
class CertificateForm(_Numbered):
    spk_name: str
    registration_number: str | None  # None: not final yet (preview)
    document_id: str  # our id, shown on a preview instead of the number
    full_name: str
    qualification_code: str
    qualification_name: str
    qualification_title: str  # «Специалист по охране труда (6 уровень квалификации)»
    level: str
    prof_standard: str  # «40.054 «Специалист в области охраны труда», утверждён приказом …»
    issued_on: dt.date | None
    valid_until: dt.date | None
    cok: Cok
    qr_payload: str
    labour_functions: list[LabourFunction] = field(default_factory=list)
    extra_info: str = DASH
    is_duplicate: bool = False

    @property
    def title(self) -> str:
        kind = "Дубликат свидетельства" if self.is_duplicate else "Свидетельство"
        return f"{kind} о квалификации № {self.short_number}"


@dataclass(frozen=True)
class ConclusionForm(_Numbered):
    spk_name: str
    registration_number: str | None
    document_id: str
    issued_on: dt.date | None
    full_name: str
    qualification_title: str
    exam_from: dt.date
    exam_to: dt.date
    recommendation: str
    cok: Cok
    is_duplicate: bool = False

    @property
    def title(self) -> str:
        return f"Заключение о прохождении профессионального экзамена № {self.short_number}"


def initials_surname(full_name: str) -> str:
    """«Соколов Андрей Викторович» → «А. В. Соколов», as the head's signature line prints it."""
    parts = (full_name or "").split()
    if len(parts) < 2:
        return " ".join(parts)
    return " ".join([*(f"{p[0]}." for p in parts[1:3]), parts[0]])


def qr_png(payload: str) -> bytes:
    """The QR code as PNG (error correction M, UTF-8, no micro codes): what a phone camera reads."""
    code = segno.make(payload, error="m", boost_error=False, micro=False, encoding="utf-8")
    out = io.BytesIO()
    code.save(out, kind="png", scale=6, border=4)  # the quiet zone the standard asks for
    return out.getvalue()


def render_certificate_pdf(form: CertificateForm) -> bytes:
    """Face and appendix of the certificate, two A4 pages."""
    return render_pdf("certificate.html", (CERTIFICATE_CSS,), title=form.title, author=form.spk_name, form=form,
                      draft_note=DRAFT_NOTE, head=initials_surname(form.cok.head_name),
                      qr_uri=png_data_uri(qr_png(form.qr_payload)))


def render_conclusion_pdf(form: ConclusionForm) -> bytes:
    """Заключение о прохождении профессионального экзамена, one A4 page."""
    return render_pdf("conclusion.html", (CERTIFICATE_CSS,), title=form.title, author=form.spk_name, form=form,
                      draft_note=DRAFT_NOTE, head=initials_surname(form.cok.head_name), failed_text=FAILED_TEXT)
