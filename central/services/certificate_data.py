"""What a certificate or conclusion says, read from the registry: the НАРК record, the QR code, the form.

One place turns a `Certificate` row (with its result, qualification, ЦОК and СПК) into the
НАРК payload (docs: central_api «НАРК record payload»), the QR text and the 725н form data,
so the PDF, the НАРК export and the verification page can never disagree.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from central.documents.certificate import CertificateForm, Cok, ConclusionForm, LabourFunction
from central.documents.texts import DASH
from central.models import Certificate, CertificateKind, CentralResult
from central.services.scope import spk_of
from core.exceptions import BlobError
from core.models import Kos, Qualification

QR_TITLE = {CertificateKind.CERTIFICATE: "Свидетельство о квалификации",
            CertificateKind.CONCLUSION: "Заключение о прохождении профессионального экзамена"}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _digits(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else DASH


def verify_url(services, certificate: Certificate) -> str:
    """The public page of the record: base_url + /verify/ + public_id (in the QR code and in snapshots)."""
    return f"{services.config.base_url.rstrip('/')}/verify/{certificate.public_id}"


def certificate_payload(certificate: Certificate) -> dict[str, Any]:
    """The НАРК record of a certificate or conclusion (the format H4's export target sends)."""
    result: CentralResult = certificate.result
    qualification: Qualification | None = result.qualification
    cok, spk = result.cok, spk_of(result)
    protocol = result.protocol
    original = certificate.duplicate_of if certificate.duplicate_of_id else None
    return {
        "kind": certificate.kind,
        "document_id": certificate.public_id,
        "is_duplicate": bool(certificate.is_duplicate),
        "duplicate_of": original.registration_number if original else None,
        "issued_on": _iso(certificate.issued_on),
        "valid_until": _iso(certificate.valid_until),
        "full_name": result.full_name,
        "qualification": {"code": result.qualification_code,
                          "name": qualification.name if qualification else result.qualification_title,
                          "level": qualification.level if qualification else None},
        "cok": {"full_name": cok.full_name, "inn": cok.inn, "registry_number": cok.registry_number},
        "spk": {"full_name": spk.full_name if spk else None, "inn": spk.inn if spk else None},
        "protocol": {"number": protocol.number, "date": _iso(protocol.protocol_date)} if protocol else None,
        "exam_date": _iso(result.exam_date),
    }


def qr_payload(services, certificate: Certificate) -> str:
    """The QR code's text: the registry data of the document and the link to its record."""
    result = certificate.result
    lines = [QR_TITLE[certificate.kind] + (" (дубликат)" if certificate.is_duplicate else ""),
             f"Регистрационный номер: {certificate.registration_number or 'не присвоен'}",
             f"ФИО: {result.full_name}",
             f"Квалификация: {result.qualification_code}",
             f"Дата выдачи: {_digits(certificate.issued_on)}"]
    if certificate.kind == CertificateKind.CERTIFICATE:
        lines.append(f"Действительно до: {_digits(certificate.valid_until)}")
    lines.append(verify_url(services, certificate))
    return "\n".join(lines)


def result_document(services, result: CentralResult) -> dict[str, Any]:
    """The `result` part of the stored result.json (empty when unreadable: forms fall back to the row)."""
    try:
        payload = json.loads(services.blobs.read(result.payload_digest))
    except (ValueError, BlobError):
        return {}
    inner = payload.get("result") if isinstance(payload, dict) else None
    return inner if isinstance(inner, dict) else {}


def default_recommendation(services, result: CentralResult) -> str:
    """«соискателю РЕКОМЕНДУЕТСЯ: …» built from the stages the candidate did not pass."""
    stages = result_document(services, result).get("stages") or []
    failed = [str(s.get("title") or "").strip().lower() for s in stages
              if isinstance(s, dict) and s.get("passed") is False and s.get("title")]
    name = result.qualification.name if result.qualification_id else result.qualification_title
    if failed:
        return (f"пройти повторно {' и '.join(failed)} профессионального экзамена по квалификации «{name}» "
                "после дополнительной подготовки")
    return f"пройти профессиональный экзамен по квалификации «{name}» повторно после дополнительной подготовки"


def exam_period(services, result: CentralResult) -> tuple[dt.date, dt.date]:
    """First and last exam day («с … по …»): the stages' dates, else the result's exam date."""
    days = []
    for value in result_document(services, result).get("exam_dates") or []:
        try:
            days.append(dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            continue
    return (min(days), max(days)) if days else (result.exam_date, result.exam_date)


def labour_functions(qualification: Qualification | None) -> list[LabourFunction]:
    """Трудовые функции from the current КОС, if it lists them (`labour_functions: [{code, name}]`)."""
    if qualification is None:
        return []
    kos = (Kos.select().where((Kos.qualification == qualification.id) & Kos.is_current)
           .order_by(Kos.loaded_at.desc(), Kos.id.desc()).first())
    items = kos.data.get("labour_functions") if kos is not None else None
    if not isinstance(items, list):
        return []
    return [LabourFunction(str(item.get("code") or DASH), str(item.get("name") or DASH))
            for item in items if isinstance(item, dict)]


def _prof_standard(qualification: Qualification | None) -> str:
    if qualification is None:
        return DASH
    standard = qualification.prof_standard
    text = f"{standard.code} «{standard.name}»"
    return f"{text}, {standard.approval_order}" if standard.approval_order else text


def _cok(result: CentralResult) -> Cok:
    cok = result.cok
    return Cok(full_name=cok.full_name, registry_number=cok.registry_number or DASH,
               legal_address=cok.legal_address or DASH, head_name=cok.head_name or "")


def certificate_form(services, certificate: Certificate) -> CertificateForm | ConclusionForm:
    """The 725н form data of the document as it stands now."""
    result = certificate.result
    qualification = result.qualification if result.qualification_id else None
    spk = spk_of(result)
    common = dict(spk_name=spk.full_name if spk else DASH, registration_number=certificate.registration_number,
                  document_id=certificate.public_id, full_name=result.full_name, cok=_cok(result),
                  issued_on=certificate.issued_on, is_duplicate=bool(certificate.is_duplicate))
    title = qualification.title if qualification else result.qualification_title
    if certificate.kind == CertificateKind.CONCLUSION:
        start, end = exam_period(services, result)
        return ConclusionForm(**common, qualification_title=title, exam_from=start, exam_to=end,
                              recommendation=certificate.recommendation or default_recommendation(services, result))
    return CertificateForm(**common, qualification_code=result.qualification_code,
                           qualification_name=qualification.name if qualification else result.qualification_title,
                           qualification_title=title, level=str(qualification.level) if qualification else DASH,
                           prof_standard=_prof_standard(qualification), valid_until=certificate.valid_until,
                           qr_payload=qr_payload(services, certificate),
                           labour_functions=labour_functions(qualification))
