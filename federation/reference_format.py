"""`read_snapshot`: the registry's «nok-reference/1» snapshot checked whole before anything is applied.

The appliance trusts the snapshot's origin (the bundle was verified), not its shape: a registry
of another build may send what this appliance cannot read. Every field is checked and converted
here (dates, amounts, digests), every part it names must be present and match its digest, so the
apply step never stops half-way because of a bad value. Errors are Russian and say where.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from core.exceptions import ValidationError
from core.validators import validate_email

SNAPSHOT_FORMAT = "nok-reference/1"
DEFAULT_SETTINGS = {"days_documents": 10, "days_to_spk": 7, "days_spk_decision": 14, "days_issue": 30,
                    "days_duplicate": 15, "failed_retention_years": 1}
RESULT_STATUSES = ("received", "in_protocol", "sent", "registered", "issued")
DOCUMENT_KINDS = ("certificate", "conclusion")
DOCUMENT_STATUSES = ("awaiting", "issued", "replaced", "revoked")
DECISIONS = ("passed", "failed")
QUALIFICATION_CODE = re.compile(r"\d{2}\.\d{5}\.\d{2}")
INN = re.compile(r"\d{10}|\d{12}")
SHA256 = re.compile(r"[0-9a-f]{64}")
PUBLIC_ID = re.compile(r"[0-9A-Za-z_-]{8,32}")
MAX_DAYS = 3650


def _fail(where: str, problem: str) -> ValidationError:
    return ValidationError(f"Справочник реестра СПК не принят: {where} — {problem}.")


class _Item:
    """One JSON object of the snapshot with typed readers that name the object in errors."""

    def __init__(self, value: Any, where: str):
        if not isinstance(value, dict):
            raise _fail(where, "ожидается объект { … }")
        self.data, self.where = value, where

    def fail(self, key: str, problem: str) -> ValidationError:
        return _fail(f"{self.where}, поле «{key}»", problem)

    def text(self, key: str, limit: int = 500, *, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(key, "не заполнено")
            return None
        if not isinstance(value, str):
            raise self.fail(key, "ожидается строка")
        value = value.strip()
        if len(value) > limit:
            raise self.fail(key, f"длиннее {limit} символов")
        return value

    def matching(self, key: str, pattern: re.Pattern, sample: str, *, required: bool = True) -> str | None:
        value = self.text(key, 200, required=required)
        if value is not None and not pattern.fullmatch(value):
            raise self.fail(key, f"«{value[:40]}» не имеет вида {sample}")
        return value

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"ожидается целое число от {low} до {high}")
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "ожидается true или false")
        return value

    def date(self, key: str, *, required: bool = True) -> dt.date | None:
        value = self.text(key, 10, required=required)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(key, f"дата «{value}» не в виде ГГГГ-ММ-ДД") from None

    def choice(self, key: str, allowed: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if value not in allowed:
            raise self.fail(key, f"значение «{value}» не из списка: {', '.join(allowed)}")
        return value

    def items(self, key: str, title: str) -> list["_Item"]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "ожидается список [ … ]")
        return [_Item(entry, f"{title} № {number}") for number, entry in enumerate(value, 1)]


def _unique(rows: list[dict], key: str, what: str) -> None:
    seen: set = set()
    for row in rows:
        if row[key] in seen:
            raise _fail(what, f"«{row[key]}» указан дважды")
        seen.add(row[key])


def _part(item: _Item, key: str, parts: Mapping[str, bytes], *, required: bool = True) -> str | None:
    name = item.text(key, 200, required=required)
    if name is not None and name not in parts:
        raise item.fail(key, f"файл «{name}» отсутствует в пакете")
    return name


def _organisation(item: _Item) -> dict[str, Any]:
    return {"kind": item.choice("kind", ("cok", "venue")), "inn": item.matching("inn", INN, "10 или 12 цифр"),
            "full_name": item.text("full_name"), "short_name": item.text("short_name", 200, required=False)}


def _spk(item: _Item) -> dict[str, Any]:
    members = item.data.get("voting_members")
    if isinstance(members, list) and all(isinstance(m, str) for m in members):
        members = "\n".join(m.strip() for m in members if m.strip())
    elif members is not None and not isinstance(members, str):
        raise item.fail("voting_members", "ожидается строка или список строк")
    return {"full_name": item.text("full_name"), "short_name": item.text("short_name", 200, required=False),
            "inn": item.matching("inn", INN, "10 или 12 цифр"),
            "ogrn": item.matching("ogrn", re.compile(r"\d{13}|\d{15}"), "13 или 15 цифр", required=False),
            "chair_name": item.text("chair_name", 200, required=False),
            "secretary_name": item.text("secretary_name", 200, required=False),
            "voting_members": (members or "").strip()[:5000] or None}


def _settings(item: _Item) -> dict[str, int]:
    return {key: item.integer(key, 0 if key != "failed_retention_years" else 1,
                              MAX_DAYS if key != "failed_retention_years" else 75, default)
            for key, default in DEFAULT_SETTINGS.items()}


def _qualification(item: _Item) -> dict[str, Any]:
    return {"code": item.matching("code", QUALIFICATION_CODE, "NN.NNNNN.NN"), "name": item.text("name"),
            "level": item.integer("level", 1, 9), "validity_years": item.integer("validity_years", 1, 50, 3),
            "prof_standard": item.text("prof_standard", 16), "is_active": item.boolean("is_active", True)}


def _kos(item: _Item, parts: Mapping[str, bytes]) -> dict[str, Any]:
    row = {"qualification_code": item.matching("qualification_code", QUALIFICATION_CODE, "NN.NNNNN.NN"),
           "version": item.text("version", 32), "sha256": item.matching("sha256", SHA256, "64 шестнадцатеричных "
                                                                         "цифр (SHA-256)"),
           "part": _part(item, "part", parts)}
    if hashlib.sha256(parts[row["part"]]).hexdigest() != row["sha256"]:
        raise item.fail("sha256", f"содержимое файла «{row['part']}» не совпадает с контрольной суммой")
    return row


def _expert(item: _Item) -> dict[str, Any]:
    try:
        email = validate_email(item.text("email", 320))
    except ValidationError as ex:
        raise item.fail("email", ex.message.rstrip(".")) from None
    certificates = []
    for cert in item.items("certificates", f"{item.where}, свидетельство"):
        row = {"qualification_code": cert.matching("qualification_code", QUALIFICATION_CODE, "NN.NNNNN.NN"),
               "valid_from": cert.date("valid_from"), "valid_to": cert.date("valid_to"),
               "protocol_number": cert.text("protocol_number", 50), "protocol_date": cert.date("protocol_date")}
        if row["valid_to"] < row["valid_from"]:
            raise cert.fail("valid_to", "срок действия заканчивается раньше, чем начинается")
        certificates.append(row)
    return {"email": email, "full_name": item.text("full_name", 300), "phone": item.text("phone", 32, required=False),
            "certificates": certificates}


def _price(item: _Item) -> dict[str, Any]:
    raw = item.data.get("amount")
    try:
        amount = Decimal(str(raw)).quantize(Decimal("0.01")) if isinstance(raw, (str, int)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise item.fail("amount", f"сумма «{raw}» указана неверно (ожидается, например, \"5000.00\")")
    return {"qualification_code": item.matching("qualification_code", QUALIFICATION_CODE, "NN.NNNNN.NN"),
            "amount": amount, "vat_included": item.boolean("vat_included", False)}


def _document(item: _Item, parts: Mapping[str, bytes]) -> dict[str, Any]:
    url = item.text("verify_url", 400)
    if not url.startswith(("https://", "http://")):
        raise item.fail("verify_url", "ожидается адрес http:// или https://")
    row = {"public_id": item.matching("public_id", PUBLIC_ID, "8–32 латинских букв и цифр"),
           "kind": item.choice("kind", DOCUMENT_KINDS), "status": item.choice("status", DOCUMENT_STATUSES),
           "registration_number": item.text("registration_number", 64, required=False),
           "issued_on": item.date("issued_on", required=False), "valid_until": item.date("valid_until", required=False),
           "is_duplicate": item.boolean("is_duplicate", False), "verify_url": url,
           "part": _part(item, "part", parts, required=False)}
    if row["part"] is not None and not parts[row["part"]].startswith(b"%PDF-"):
        raise item.fail("part", f"файл «{row['part']}» — не PDF")
    return row


def _result(item: _Item, parts: Mapping[str, bytes]) -> dict[str, Any]:
    protocol = item.data.get("protocol")
    if protocol is not None:
        protocol_item = _Item(protocol, f"{item.where}, протокол")
        protocol = {"number": protocol_item.text("number", 50), "date": protocol_item.date("date")}
    documents = [_document(d, parts) for d in item.items("documents", f"{item.where}, документ")]
    return {"application_id": item.integer("application_id", 1, 2 ** 62),
            "status": item.choice("status", RESULT_STATUSES),
            "decision": item.choice("decision", DECISIONS, required=False), "protocol": protocol,
            "documents": documents}


def read_snapshot(snapshot: Any, parts: Mapping[str, bytes]) -> dict[str, Any]:
    """Return the snapshot with every value checked and converted, or raise `ValidationError` (Russian)."""
    top = _Item(snapshot, "snapshot.json")
    if top.data.get("format") != SNAPSHOT_FORMAT:
        raise _fail("snapshot.json", f"формат «{top.data.get('format')}» не поддерживается (ожидается "
                                     f"«{SNAPSHOT_FORMAT}»); обновите программу устройства")
    result = {
        "version": top.integer("version", 1, 2 ** 62),
        "created_at": top.text("created_at", 40, required=False),
        "organisation": _organisation(_Item(top.data.get("organisation"), "организация устройства")),
        "spk": _spk(_Item(top.data.get("spk"), "СПК")),
        "settings": _settings(_Item(top.data.get("settings", {}), "сроки СПК")),
        "prof_standards": [{"code": i.text("code", 16), "name": i.text("name"),
                            "approval_order": i.text("approval_order", 300, required=False)}
                           for i in top.items("prof_standards", "профстандарт")],
        "qualifications": [_qualification(i) for i in top.items("qualifications", "квалификация")],
        "kos": [_kos(i, parts) for i in top.items("kos", "КОС")],
        "experts": [_expert(i) for i in top.items("experts", "эксперт")],
        "prices": [_price(i) for i in top.items("prices", "стоимость")],
        "results": [_result(i, parts) for i in top.items("results", "результат")],
    }
    _unique(result["prof_standards"], "code", "профстандарты")
    _unique(result["qualifications"], "code", "квалификации")
    _unique(result["kos"], "qualification_code", "КОС")
    _unique(result["experts"], "email", "эксперты")
    _unique(result["results"], "application_id", "результаты")
    _unique([d for r in result["results"] for d in r["documents"]], "public_id", "документы")
    return result
