"""НАРК outbox: the records of approved documents, sent through the export target or entered by hand.

The export target (plugin `nark_export`, code «nark_registry») is reached only through
`services.plugins`. With `config.nark_url` set, the worker calls `send_due` every few seconds:
each record is sent alone; an unreachable НАРК (`TransientError`) is retried on a capped
schedule (30 s · 2^attempts, at most 15 minutes), a rejection (`PermanentError`) stops the
record with НАРК's reason. Without an endpoint the СПК uploads the XLSX/XML files by hand and
types the registration numbers in (`record_registration`). Either way the number finalises
the certificate or conclusion.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from central import revisions
from central.models import (Certificate, CertificateStatus, CentralResult, NarkExportFile, NarkRecord,
                            NarkRecordStatus, ResultStatus, SpkProtocol)
from central.services import certificates
from central.services.certificate_data import certificate_payload
from central.services.clock import utc_now
from central.services.paging import Page, paginate
from central.services.scope import spk_condition
from core.db import write_transaction
from core.exceptions import NotFoundError, PermanentError, TransientError, ValidationError
from core.models import Organisation, User
from core.providers import ExportTarget

log = logging.getLogger(__name__)

TARGET = "nark_registry"
BATCH = 20
RETRY_BASE = dt.timedelta(seconds=30)
RETRY_CAP = dt.timedelta(minutes=15)
NUMBER = re.compile(r"\d{2}\.\d{5}\.\d{2}\.\d{8}\.\d{2}")
MAX_ERROR = 2000


def export_target(services) -> ExportTarget | None:
    """The НАРК export target with the registry's settings; None when the plugin is off."""
    cls = services.plugins.export_targets().get(TARGET)
    if cls is None:
        return None
    return cls({"url": services.config.nark_url, "token": services.config.nark_token})


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failed ones: 30 s, 1 min, 2 min … 15 min."""
    return min(RETRY_CAP, RETRY_BASE * (2 ** min(attempts, 16)))


def queue_record(services, certificate: Certificate, protocol: SpkProtocol | None) -> NarkRecord:
    """One record for the document (call inside the caller's transaction); sent by the worker if configured."""
    record = NarkRecord(certificate=certificate, protocol=protocol, target=TARGET,
                        idempotency_key=certificate.public_id, status=NarkRecordStatus.PENDING,
                        next_attempt_at=utc_now() if services.config.nark_url else None)
    record.save()
    return record


def export_payload(certificate: Certificate) -> dict[str, Any]:
    """What `export`/`export_files` get for one document (kind and document_id included)."""
    return certificate_payload(certificate)


def export_files(services, records: list[NarkRecord]) -> list[tuple[str, str, bytes]]:
    """The records as files for a manual upload to НАРК (the export target's XLSX and XML)."""
    target = _require_target(services)
    return target.export_files([export_payload(record.certificate) for record in records])


def _require_target(services) -> ExportTarget:
    target = export_target(services)
    if target is None:
        raise ValidationError("Выгрузка в НАРК не подключена: включите модуль «nark_export» в настройках реестра.")
    return target


def send_protocol(services, protocol: SpkProtocol, user: User) -> int:
    """«Отправить в НАРК»: a record per document of the signed protocol, the files; results «Передано в НАРК»."""
    if not protocol.signed_file_digest:
        raise ValidationError("Прикрепите подписанный протокол СПК («Прикрепить файл»), затем отправьте в НАРК.")
    if protocol.sent_to_nark_at:
        raise ValidationError("Протокол СПК уже отправлен в НАРК.")
    target = _require_target(services)
    documents = list(Certificate.select(Certificate, CentralResult).join(CentralResult)
                     .where((CentralResult.protocol == protocol.id) & ~Certificate.is_duplicate
                            & (Certificate.status == CertificateStatus.AWAITING_NUMBER))
                     .order_by(CentralResult.full_name, Certificate.id))
    if not documents:
        raise ValidationError("В протоколе СПК нет документов, ожидающих передачи в НАРК.")
    files = target.export_files([export_payload(document) for document in documents])
    manual = not services.config.nark_url
    now = utc_now()
    with write_transaction():
        current = SpkProtocol.get_by_id(protocol.id)
        if current.sent_to_nark_at:
            raise ValidationError("Протокол СПК уже отправлен в НАРК.")
        for document in documents:
            record = queue_record(services, document, current)
            if manual:  # the files are the submission: «Передано в НАРК» once the СПК has them
                record.status, record.sent_at = NarkRecordStatus.SENT, now
                record.save()
            result = CentralResult.get_by_id(document.result_id)
            if result.status == ResultStatus.IN_PROTOCOL:
                result.status = ResultStatus.SENT_TO_NARK
                result.save()
        for filename, _content_type, data in files:
            NarkExportFile.create(protocol=current, file_format=filename.rsplit(".", 1)[-1].lower()[:8],
                                  filename=filename[:255], blob_digest=services.blobs.put(data).digest)
        current.sent_to_nark_at, current.sent_to_nark_by = now, user
        current.save()
        revisions.bump(f"spk protocol {current.id}: sent to НАРК")
    protocol.sent_to_nark_at, protocol.sent_to_nark_by = current.sent_to_nark_at, current.sent_to_nark_by
    return len(documents)


def send_due(services, now: dt.datetime | None = None) -> int:
    """Send the records whose time has come; returns how many were tried (0 without an endpoint)."""
    if not services.config.nark_url:
        return 0
    target = export_target(services)
    if target is None:
        return 0
    now = now or utc_now()
    due = list(NarkRecord.select()
               .where((NarkRecord.status == NarkRecordStatus.PENDING) & (NarkRecord.target == TARGET)
                      & (NarkRecord.next_attempt_at.is_null() | (NarkRecord.next_attempt_at <= now)))
               .order_by(NarkRecord.next_attempt_at, NarkRecord.id).limit(BATCH))
    for record in due:
        _send_one(services, target, record, now)
    return len(due)


def _send_one(services, target: ExportTarget, record: NarkRecord, now: dt.datetime) -> None:
    certificate = record.certificate
    if certificate.status == CertificateStatus.ISSUED and certificate.registration_number:
        _settle(record, NarkRecordStatus.REGISTERED, now, number=certificate.registration_number, tried=False)
        return
    if certificate.status != CertificateStatus.AWAITING_NUMBER:
        _settle(record, NarkRecordStatus.ERROR, now, tried=False,
                error=f"Документ {CertificateStatus.TITLES[certificate.status].lower()}: в НАРК не передаётся.")
        return
    payload = export_payload(certificate)
    try:
        receipt = target.export(certificate.kind, certificate.public_id, payload)
    except TransientError as ex:
        _retry(record, now, str(ex) or "НАРК недоступен")
        return
    except PermanentError as ex:
        _settle(record, NarkRecordStatus.ERROR, now, error=str(ex) or "НАРК отклонил запись")
        return
    except Exception as ex:  # a fault in the plugin must not stop the outbox: log it and retry later
        log.exception("НАРК: export of %s failed", certificate.public_id)
        _retry(record, now, f"Ошибка модуля выгрузки: {type(ex).__name__}")
        return
    try:
        with write_transaction():
            _settle(record, NarkRecordStatus.REGISTERED, now, number=receipt.external_id,
                    answered=receipt.accepted_at)
            certificates.finalise(services, certificate, receipt.external_id)
    except ValidationError as ex:
        _settle(record, NarkRecordStatus.ERROR, now, error=f"Номер НАРК {receipt.external_id} не принят: {ex}")
    except Exception as ex:  # e.g. the PDF did not render: keep the record and try again later
        log.exception("НАРК: finalising %s failed", certificate.public_id)
        _retry(record, now, f"Документ не сформирован: {type(ex).__name__}")


def _retry(record: NarkRecord, now: dt.datetime, error: str) -> None:
    with write_transaction():
        current = NarkRecord.get_by_id(record.id)
        current.next_attempt_at = now + retry_delay(current.attempts)
        current.attempts += 1
        current.sent_at = now
        current.error = error[:MAX_ERROR]
        current.save()


def _settle(record: NarkRecord, status: str, now: dt.datetime, *, number: str | None = None,
            error: str | None = None, answered: dt.datetime | None = None, tried: bool = True) -> None:
    """The record's final state: registered with НАРК's number, or stopped with the reason."""
    with write_transaction():
        current = NarkRecord.get_by_id(record.id)
        current.status = status
        current.attempts += 1 if tried else 0
        current.sent_at = current.sent_at or now
        current.answered_at = _naive(answered) or now
        current.next_attempt_at = None
        current.error = error[:MAX_ERROR] if error else None
        if number:
            current.registration_number = number
        current.save()
        revisions.bump(f"НАРК record {current.id}: {status}")


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """Receipts may carry an aware time; the database keeps naive UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def record_registration(services, record: NarkRecord, number: str, user: User) -> None:
    """Manual entry of НАРК's number (no endpoint configured): the record is registered, the document final."""
    number = (number or "").strip()
    if not NUMBER.fullmatch(number):
        raise ValidationError("Регистрационный номер НАРК имеет вид NN.NNNNN.NN.NNNNNNNN.NN, например "
                              "40.05400.01.00000003.26.", field="registration_number")
    code = record.certificate.result.qualification_code
    if not number.startswith(code + "."):
        raise ValidationError(f"Регистрационный номер должен начинаться с кода квалификации {code}.",
                              field="registration_number")
    if record.status == NarkRecordStatus.REGISTERED:
        raise ValidationError("Номер НАРК для этой записи уже внесён.")
    with write_transaction():
        _settle(record, NarkRecordStatus.REGISTERED, utc_now(), number=number, tried=False)
        certificates.finalise(services, record.certificate, number)


def list_records(spk: Organisation, status: str | None = None, page: int = 1) -> Page:
    """The СПК's НАРК records, newest first (certificate and result joined for the list)."""
    conditions = [spk_condition(spk)]
    if status:
        if status not in NarkRecordStatus.TITLES:
            raise ValidationError("Выберите статус из списка.", field="status")
        conditions.append(NarkRecord.status == status)
    query = (NarkRecord.select(NarkRecord, Certificate, CentralResult)
             .join(Certificate).join(CentralResult).where(*conditions)
             .order_by(NarkRecord.created_at.desc(), NarkRecord.id.desc()))
    return paginate(query, page)


def get_record(spk: Organisation, record_id: int) -> NarkRecord:
    found = (NarkRecord.select(NarkRecord, Certificate, CentralResult).join(Certificate).join(CentralResult)
             .where((NarkRecord.id == record_id) & spk_condition(spk)).first())
    if found is None:
        raise NotFoundError("Запись НАРК не найдена.")
    return found

