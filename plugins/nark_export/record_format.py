"""Запись реестра НАРК: checks one certificate or conclusion record and builds its wire form.

НАРК publishes no exchange format, so this module *is* our format (docs/nark-export.md):
the JSON sent to the endpoint, the XLSX rows and the XML elements are all built from the
``NarkRecord`` this module returns, so the three can never disagree. Bad data is refused
here, before anything leaves the registry, with a Russian message naming the field.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from core.exceptions import ValidationError
from core.validators import validate_inn

CERTIFICATE = "certificate"
CONCLUSION = "conclusion"
KIND_TITLES = {CERTIFICATE: "свидетельство о квалификации",
               CONCLUSION: "заключение о прохождении профессионального экзамена"}

#: Регистрационный номер НАРК: qualification code, 8-digit sequence, 2-digit year (725н).
REGISTRATION_NUMBER = re.compile(r"\d{2}\.\d{5}\.\d{2}\.\d{8}\.\d{2}")
QUALIFICATION_CODE = re.compile(r"\d{2}\.\d{5}\.\d{2}")
#: Our document id travels as the Idempotency-Key header: keep it header-safe.
DOCUMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEXT = 1000

#: Russian names of the payload fields, used in every message.
LABELS = {
    "kind": "вид документа", "document_id": "идентификатор документа", "is_duplicate": "признак дубликата",
    "duplicate_of": "номер заменяемого документа", "issued_on": "дата выдачи", "valid_until": "срок действия",
    "full_name": "ФИО", "qualification": "квалификация", "qualification.code": "код квалификации",
    "qualification.name": "наименование квалификации", "qualification.level": "уровень квалификации",
    "cok": "ЦОК", "cok.full_name": "наименование ЦОК", "cok.inn": "ИНН ЦОК",
    "cok.registry_number": "регистрационный номер ЦОК", "spk": "СПК", "spk.full_name": "наименование СПК",
    "spk.inn": "ИНН СПК", "protocol": "протокол СПК", "protocol.number": "номер протокола СПК",
    "protocol.date": "дата протокола СПК", "exam_date": "дата профессионального экзамена",
}


@dataclass(frozen=True)
class NarkRecord:
    """One checked record of the НАРК submission (an свидетельство or a заключение)."""

    kind: str
    document_id: str
    is_duplicate: bool
    duplicate_of: str | None
    issued_on: dt.date | None
    valid_until: dt.date | None
    full_name: str
    qualification_code: str
    qualification_name: str
    qualification_level: int
    cok_full_name: str
    cok_inn: str
    cok_registry_number: str
    spk_full_name: str
    spk_inn: str
    protocol_number: str
    protocol_date: dt.date
    exam_date: dt.date

    def to_wire(self) -> dict[str, Any]:
        """The JSON body sent to НАРК: every key always present, dates as ISO strings."""
        return {
            "kind": self.kind, "document_id": self.document_id, "is_duplicate": self.is_duplicate,
            "duplicate_of": self.duplicate_of, "issued_on": _iso(self.issued_on),
            "valid_until": _iso(self.valid_until), "full_name": self.full_name,
            "qualification": {"code": self.qualification_code, "name": self.qualification_name,
                              "level": self.qualification_level},
            "cok": {"full_name": self.cok_full_name, "inn": self.cok_inn,
                    "registry_number": self.cok_registry_number},
            "spk": {"full_name": self.spk_full_name, "inn": self.spk_inn},
            "protocol": {"number": self.protocol_number, "date": self.protocol_date.isoformat()},
            "exam_date": self.exam_date.isoformat(),
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _error(path: str, problem: str) -> ValidationError:
    return ValidationError(f"Запись для НАРК: {problem} — поле «{LABELS.get(path, path)}» ({path}).", field=path)


def _section(payload: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = payload.get(key)
    if value is None:
        raise _error(key, "не заполнено")
    if not isinstance(value, Mapping):
        raise _error(key, "должно быть объектом")
    return value


def _text(section: Mapping[str, Any], key: str, path: str, max_length: int = MAX_TEXT) -> str:
    value = section.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _error(path, "не заполнено")
    if not isinstance(value, str):
        raise _error(path, "должно быть строкой")
    value = value.strip()
    if _CONTROL.search(value):
        raise _error(path, "содержит управляющие символы")
    if len(value) > max_length:
        raise _error(path, f"длиннее {max_length} знаков")
    return value


def _date(section: Mapping[str, Any], key: str, path: str, *, required: bool) -> dt.date | None:
    value = section.get(key)
    if value is None or value == "":
        if required:
            raise _error(path, "не заполнено")
        return None
    if isinstance(value, dt.datetime):
        raise _error(path, "должно быть датой без времени")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _error(path, f"дата «{value}» не в формате ГГГГ-ММ-ДД")


def _inn(section: Mapping[str, Any], path: str) -> str:
    value = _text(section, "inn", path, 12)
    try:
        return validate_inn(value, field=path)
    except ValidationError as ex:
        raise _error(path, ex.message[:1].lower() + ex.message[1:]) from None


def is_registration_number(value: object) -> bool:
    """Whether ``value`` looks like a НАРК registration number ``NN.NNNNN.NN.NNNNNNNN.NN``."""
    return isinstance(value, str) and REGISTRATION_NUMBER.fullmatch(value) is not None


def check_kind(kind: object) -> str:
    """Return ``kind`` when НАРК takes it (свидетельство, заключение), else raise."""
    if kind is None or kind == "":
        raise ValidationError("Запись для НАРК: не указан вид документа (kind).", field="kind")
    if not isinstance(kind, str) or kind not in KIND_TITLES:
        raise ValidationError(f"НАРК принимает только свидетельства о квалификации и заключения; "
                              f"документ вида «{kind}» в реестр не выгружается.", field="kind")
    return str(kind)


def check_record(kind: str, document_id: str, payload: Mapping[str, Any]) -> NarkRecord:
    """Check one payload (format in docs/nark-export.md) and return the record to send or file.

    ``kind`` and ``document_id`` are the export arguments; when the payload repeats them they
    must agree. Unknown extra keys are ignored: only the documented fields leave the registry.
    """
    kind = check_kind(kind)
    if not isinstance(document_id, str) or not DOCUMENT_ID.fullmatch(document_id):
        raise _error("document_id", "должно состоять из 1–64 латинских букв, цифр, точек, дефисов "
                                    "и подчёркиваний")
    if not isinstance(payload, Mapping):
        raise ValidationError("Запись для НАРК должна быть объектом JSON.")
    for key, expected in (("kind", kind), ("document_id", document_id)):
        if payload.get(key) not in (None, expected):
            raise _error(key, f"«{payload.get(key)}» не совпадает с выгружаемым документом «{expected}»")

    is_duplicate = payload.get("is_duplicate", False)
    if not isinstance(is_duplicate, bool):
        raise _error("is_duplicate", "должно быть true или false")
    duplicate_of = payload.get("duplicate_of") or None
    if is_duplicate and duplicate_of is None:
        raise _error("duplicate_of", "у дубликата должен быть указан регистрационный номер заменяемого документа")
    if duplicate_of is not None and not is_duplicate:
        raise _error("duplicate_of", "номер заменяемого документа указывается только для дубликата")
    if duplicate_of is not None and not is_registration_number(duplicate_of):
        raise _error("duplicate_of", f"«{duplicate_of}» не похож на регистрационный номер НАРК "
                                     "(NN.NNNNN.NN.NNNNNNNN.NN)")

    qualification, cok, spk, protocol = (_section(payload, key) for key in ("qualification", "cok", "spk", "protocol"))
    code = _text(qualification, "code", "qualification.code", 11)
    if not QUALIFICATION_CODE.fullmatch(code):
        raise _error("qualification.code", f"код «{code}» не в формате NN.NNNNN.NN")
    level = qualification.get("level")
    if level is None:
        raise _error("qualification.level", "не заполнено")
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 9:
        raise _error("qualification.level", f"уровень «{level}» должен быть целым числом от 1 до 9")

    issued_on = _date(payload, "issued_on", "issued_on", required=False)
    valid_until = _date(payload, "valid_until", "valid_until", required=False)
    if kind == CONCLUSION and valid_until is not None:
        raise _error("valid_until", "у заключения нет срока действия")
    if valid_until is not None and (issued_on is None or valid_until <= issued_on):
        raise _error("valid_until", "срок действия должен быть позже даты выдачи")
    exam_date = _date(payload, "exam_date", "exam_date", required=True)
    protocol_date = _date(protocol, "date", "protocol.date", required=True)
    if protocol_date < exam_date:
        raise _error("protocol.date", "протокол СПК не может быть раньше профессионального экзамена")

    return NarkRecord(
        kind=kind, document_id=document_id, is_duplicate=is_duplicate, duplicate_of=duplicate_of,
        issued_on=issued_on, valid_until=valid_until, full_name=_text(payload, "full_name", "full_name", 300),
        qualification_code=code, qualification_name=_text(qualification, "name", "qualification.name"),
        qualification_level=level, cok_full_name=_text(cok, "full_name", "cok.full_name"),
        cok_inn=_inn(cok, "cok.inn"), cok_registry_number=_text(cok, "registry_number", "cok.registry_number", 32),
        spk_full_name=_text(spk, "full_name", "spk.full_name"), spk_inn=_inn(spk, "spk.inn"),
        protocol_number=_text(protocol, "number", "protocol.number", 64), protocol_date=protocol_date,
        exam_date=exam_date)


def check_records(records: list[Mapping[str, Any]]) -> list[NarkRecord]:
    """Check a whole submission: records carry their own ``kind`` and ``document_id``."""
    if not records:
        raise ValidationError("Нет записей для выгрузки в НАРК.")
    checked, seen = [], set()
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise ValidationError(f"Запись № {number} для НАРК должна быть объектом JSON.")
        try:
            item = check_record(record.get("kind"), record.get("document_id"), record)
        except ValidationError as ex:
            raise ValidationError(_numbered(ex.message, number), field=ex.field) from None
        if item.document_id in seen:
            raise ValidationError(f"Запись № {number} для НАРК: документ «{item.document_id}» уже есть в выгрузке.",
                                  field="document_id")
        seen.add(item.document_id)
        checked.append(item)
    return checked


def _numbered(message: str, number: int) -> str:
    prefix = "Запись для НАРК: "
    if message.startswith(prefix):
        return f"Запись № {number} для НАРК: {message[len(prefix):]}"
    return f"Запись № {number}: {message}"
