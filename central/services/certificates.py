"""Свидетельства о квалификации и заключения: final with НАРК's number, duplicates, revocation, checks.

A document is created with its protocol («Ожидает регистрационного номера НАРК») and becomes
final when НАРК's registration number arrives (`finalise`): then the PDF is rendered once and
kept, so the certificate a person holds never changes afterwards. A duplicate is a new
document with its own number and date; the original is withdrawn when the duplicate is final.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from central import revisions
from central.documents.certificate import render_certificate_pdf, render_conclusion_pdf
from central.documents.texts import add_years
from central.models import Certificate, CertificateKind, CertificateStatus, CentralResult, ResultStatus
from central.services.certificate_data import (certificate_form, certificate_payload, qr_payload,  # noqa: F401
                                               verify_url)
from central.services.clock import utc_now
from central.services.paging import Page, paginate
from central.services.scope import spk_condition, spk_of
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Organisation, User
from core.services.review import MATCH_CONTAINS, name_condition

MAX_NUMBER = 64
MAX_REASON = 2000
PUBLIC_ID = re.compile(r"[0-9a-f]{32}")
DEFAULT_VALIDITY_YEARS = 3


def new_public_id() -> str:
    return secrets.token_hex(16)


def render(services, certificate: Certificate) -> bytes:
    """The document as it stands now (a preview until final)."""
    form = certificate_form(services, certificate)
    if certificate.kind == CertificateKind.CONCLUSION:
        return render_conclusion_pdf(form)
    return render_certificate_pdf(form)


def certificate_pdf(services, certificate: Certificate) -> bytes:
    """725н face and appendix (or the conclusion): the stored PDF once final, else a marked preview."""
    if certificate.pdf_digest:
        return services.blobs.read(certificate.pdf_digest)
    return render(services, certificate)


def finalise(services, certificate: Certificate, registration_number: str, issued_on: dt.date | None = None) -> None:
    """НАРК's number arrived: the document is issued, its PDF rendered and kept; the result is «Документ выдан»."""
    number = (registration_number or "").strip()
    if not number or len(number) > MAX_NUMBER:
        raise ValidationError("Укажите регистрационный номер НАРК.", field="registration_number")
    with write_transaction():
        current = Certificate.get_by_id(certificate.id)
        if current.status == CertificateStatus.ISSUED and current.registration_number == number:
            return
        if current.status != CertificateStatus.AWAITING_NUMBER:
            raise ValidationError(f"Документ уже {CertificateStatus.TITLES[current.status].lower()}: "
                                  "регистрационный номер не присваивается.")
        taken = Certificate.get_or_none((Certificate.registration_number == number) & (Certificate.id != current.id))
        if taken is not None:
            raise ValidationError(f"Регистрационный номер {number} уже присвоен другому документу.",
                                  field="registration_number")
        current.registration_number = number
        current.status = CertificateStatus.ISSUED
        current.issued_on = issued_on or dt.date.today()
        current.valid_until = _valid_until(current)
        current.pdf_digest = services.blobs.put(render(services, current)).digest
        current.save()
        result = CentralResult.get_by_id(current.result_id)
        if result.status != ResultStatus.ISSUED:
            result.status = ResultStatus.ISSUED
            result.save()
        if current.duplicate_of_id:
            original = Certificate.get_by_id(current.duplicate_of_id)
            if original.status == CertificateStatus.ISSUED:
                original.status = CertificateStatus.REPLACED
                original.save()
        revisions.bump(f"certificate {current.public_id}: issued {number}")
    _copy(current, certificate)


def _valid_until(certificate: Certificate) -> dt.date | None:
    """Certificates only: the qualification's validity from the issue date; a duplicate keeps the original's."""
    if certificate.kind != CertificateKind.CERTIFICATE:
        return None
    if certificate.duplicate_of_id:
        original = Certificate.get_by_id(certificate.duplicate_of_id)
        if original.valid_until:
            return original.valid_until
    result = certificate.result
    years = result.qualification.validity_years if result.qualification_id else DEFAULT_VALIDITY_YEARS
    return add_years(certificate.issued_on, years)


def _copy(source: Certificate, target: Certificate) -> None:
    """Let the caller's instance see what was saved."""
    if target is not source:
        target.__data__.update(source.__data__)
        target._dirty.clear()


def issue_duplicate(services, certificate: Certificate, user: User, requested_on: dt.date) -> Certificate:
    """Дубликат: a new document awaiting its own НАРК number; its НАРК record is queued at once."""
    from central.services import nark

    if requested_on is None or requested_on > dt.date.today():
        raise ValidationError("Укажите дату заявления о выдаче дубликата (не позже сегодняшнего дня).",
                              field="requested_on")
    with write_transaction():
        original = Certificate.get_by_id(certificate.id)
        if original.status != CertificateStatus.ISSUED:
            raise ValidationError("Дубликат выдаётся только взамен выданного документа.")
        pending = Certificate.get_or_none(Certificate.duplicate_of == original.id,
                                          Certificate.status == CertificateStatus.AWAITING_NUMBER)
        if pending is not None:
            raise ValidationError("Дубликат этого документа уже ожидает регистрационного номера НАРК.")
        duplicate = Certificate(kind=original.kind, result=original.result_id, public_id=new_public_id(),
                                is_duplicate=True, duplicate_of=original, duplicate_requested_at=requested_on,
                                recommendation=original.recommendation)
        duplicate.save()
        nark.queue_record(services, duplicate, protocol=None)
        revisions.bump(f"certificate {original.public_id}: duplicate requested")
    return duplicate


def revoke(certificate: Certificate, reason: str, user: User) -> None:
    """Аннулировать: the document stops being valid; the verification page says so."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Укажите причину аннулирования.", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Причина — не более {MAX_REASON} символов.", field="reason")
    with write_transaction():
        current = Certificate.get_by_id(certificate.id)
        if current.status == CertificateStatus.REVOKED:
            raise ValidationError("Документ уже аннулирован.")
        current.status = CertificateStatus.REVOKED
        current.revoked_at = utc_now()
        current.revoked_reason = reason
        current.save()
        revisions.bump(f"certificate {current.public_id}: revoked")
    _copy(current, certificate)


# --- lists and lookups --------------------------------------------------------------------------

def list_certificates(spk: Organisation, kind: str | None = None, query: str = "", status: str | None = None,
                      page: int = 1) -> Page:
    """The СПК's certificates and conclusions, newest first; search by ФИО or registration number."""
    conditions = [spk_condition(spk)]
    if kind:
        if kind not in CertificateKind.TITLES:
            raise ValidationError("Выберите вид документа из списка.", field="kind")
        conditions.append(Certificate.kind == kind)
    if status:
        if status not in CertificateStatus.TITLES:
            raise ValidationError("Выберите статус из списка.", field="status")
        conditions.append(Certificate.status == status)
    text = " ".join((query or "").split())
    if len(text) > 100:
        raise ValidationError("Строка поиска — не более 100 символов.", field="query")
    if text:
        conditions.append(name_condition(CentralResult.full_name, text, MATCH_CONTAINS)
                          | Certificate.registration_number.startswith(text) | (Certificate.public_id == text))
    rows = (Certificate.select(Certificate, CentralResult).join(CentralResult).where(*conditions)
            .order_by(Certificate.created_at.desc(), Certificate.id.desc()))
    return paginate(rows, page)


def get_certificate(spk: Organisation, certificate_id: int) -> Certificate:
    """The document if it belongs to this СПК, else «not found»."""
    found = (Certificate.select(Certificate, CentralResult).join(CentralResult)
             .where((Certificate.id == certificate_id) & spk_condition(spk)).first())
    if found is None:
        raise NotFoundError("Документ не найден.")
    return found


@dataclass
class Verification:
    state: str  # valid | expired | revoked | replaced | awaiting
    state_title: str
    kind_title: str
    registration_number: str | None
    full_name: str
    qualification_title: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    cok_name: str
    spk_name: str
    is_duplicate: bool


def _state(certificate: Certificate, today: dt.date) -> tuple[str, str]:
    if certificate.status == CertificateStatus.REVOKED:
        return "revoked", "Аннулирован"
    if certificate.status == CertificateStatus.REPLACED:
        return "replaced", "Заменён дубликатом"
    if certificate.status == CertificateStatus.AWAITING_NUMBER:
        return "awaiting", "Ожидает внесения в реестр НАРК"
    if certificate.valid_until and certificate.valid_until < today:
        return "expired", "Срок действия истёк"
    if certificate.kind == CertificateKind.CONCLUSION:
        return "valid", "Выдано"
    return "valid", "Действует"


def verification(public_id: str, today: dt.date | None = None) -> Verification | None:
    """What the QR link shows about a document; None when there is no such document."""
    key = (public_id or "").strip().lower()
    if not PUBLIC_ID.fullmatch(key):
        return None
    certificate = Certificate.get_or_none(Certificate.public_id == key)
    if certificate is None:
        return None
    result = certificate.result
    spk = spk_of(result)
    state, title = _state(certificate, today or dt.date.today())
    qualification = result.qualification if result.qualification_id else None
    return Verification(state=state, state_title=title, kind_title=CertificateKind.TITLES[certificate.kind],
                        registration_number=certificate.registration_number, full_name=result.full_name,
                        qualification_title=qualification.title if qualification else result.qualification_title,
                        issued_on=certificate.issued_on, valid_until=certificate.valid_until,
                        cok_name=result.cok.full_name, spk_name=spk.full_name if spk else "",
                        is_duplicate=bool(certificate.is_duplicate))
