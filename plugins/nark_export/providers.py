"""The НАРК export target: sends records to the endpoint or builds the XLSX and XML files.

How НАРК's answers map onto the provider contract (docs/nark-export.md):

- 200/201, or 409 carrying the number of a record already accepted under our key → receipt;
- 400/422 → ``ValidationError`` with НАРК's own reason (the data must be corrected);
- 401/403/404 and redirects → ``ConfigError`` (the token or the address is wrong; retrying
  with the same settings cannot help, so the record stops with a reason instead of looping);
- 408/429 and 5xx, timeouts and connection failures → ``TransientError`` (retried later).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Mapping

from core.plugin_api import (ConfigError, ExportReceipt, ExportTarget, PermanentError, TransientError,
                             ValidationError)
from plugins.nark_export import xlsx, xml
from plugins.nark_export.http_client import Answer, endpoint_from_settings, post_json
from plugins.nark_export.record_format import check_record, check_records, is_registration_number

log = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XML_TYPE = "application/xml"
_MAX_REASON = 500
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]+")


class NarkRegistry(ExportTarget):
    """Реестр НАРК: the national register of independent qualification assessment results.

    Settings: ``url`` (the endpoint's base address; empty — the СПК uploads the files by
    hand and enters the numbers), ``token`` (sent as ``Authorization: Bearer``), ``timeout``
    (seconds, default 20).
    """

    code = "nark_registry"
    title = "Реестр НАРК"

    def export(self, kind: str, document_id: str, payload: Mapping[str, Any]) -> ExportReceipt:
        record = check_record(kind, document_id, payload)
        endpoint = endpoint_from_settings(self.settings)
        answer = post_json(endpoint, "/records", record.to_wire(), {"Idempotency-Key": record.document_id})
        receipt = _receipt(answer, record.document_id)
        log.info("НАРК принял запись %s: регистрационный номер %s", record.document_id, receipt.external_id)
        return receipt

    def export_files(self, records: list[Mapping[str, Any]], *,
                     today: dt.date | None = None) -> list[tuple[str, str, bytes]]:
        checked = check_records(records)
        today = today or dt.date.today()
        stem = f"nark-{today.isoformat()}-{len(checked)}"
        return [(f"{stem}.xlsx", XLSX_TYPE, xlsx.build_workbook(checked)),
                (f"{stem}.xml", XML_TYPE, xml.build_document(checked))]


def _reason(body: dict[str, Any] | None) -> str:
    """НАРК's own explanation from ``{"error": ...}``, made safe to show and store."""
    text = body.get("error") if body else None
    if not isinstance(text, str) or not text.strip():
        return "причина не указана"
    text = " ".join(_UNPRINTABLE.sub(" ", text).split())
    return text if len(text) <= _MAX_REASON else text[:_MAX_REASON - 1] + "…"


def _receipt(answer: Answer, document_id: str) -> ExportReceipt:
    status, body = answer.status, answer.body
    if status in (200, 201):
        return _accepted(body, status)
    if status == 409:
        if body and body.get("document_id") in (None, document_id) and is_registration_number(
                body.get("registration_number")):
            return _accepted(body, status)
        raise PermanentError(f"НАРК сообщил о конфликте записи (HTTP 409): {_reason(body)}.")
    if status in (400, 422):
        raise ValidationError(f"НАРК отклонил запись (HTTP {status}): {_reason(body)}.")
    if status in (401, 403):
        raise ConfigError(f"НАРК отказал в доступе (HTTP {status}): проверьте токен НАРК в настройках "
                          "центрального реестра.")
    if status == 404 or 300 <= status < 400:
        raise ConfigError(f"По адресу НАРК нет приёма записей (HTTP {status}): проверьте адрес НАРК в "
                          "настройках центрального реестра.")
    if status in (408, 429) or status >= 500:
        raise TransientError(f"НАРК недоступен (HTTP {status}). Отправка будет повторена автоматически.")
    raise PermanentError(f"НАРК ответил неожиданно (HTTP {status}): {_reason(body)}.")


def _accepted(body: dict[str, Any] | None, status: int) -> ExportReceipt:
    """Read ``{"registration_number", "accepted_at"}``; an unreadable answer is not a success."""
    number = body.get("registration_number") if body else None
    if not is_registration_number(number):
        raise PermanentError(f"НАРК вернул ответ без регистрационного номера в формате NN.NNNNN.NN.NNNNNNNN.NN "
                             f"(HTTP {status}); запись не отмечена как внесённая.")
    raw = body.get("accepted_at")
    try:
        accepted_at = dt.datetime.fromisoformat(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        accepted_at = None
    if accepted_at is None:
        raise PermanentError(f"НАРК вернул ответ без даты внесения записи (HTTP {status}); "
                             "запись не отмечена как внесённая.")
    if accepted_at.tzinfo is None:
        accepted_at = accepted_at.replace(tzinfo=dt.timezone.utc)
    return ExportReceipt(external_id=number, accepted_at=accepted_at)
