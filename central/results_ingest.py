"""`exam_result` bundles: one result of «Отправить в СПК» becomes a `CentralResult` with its files.

The registry keeps one result per (appliance, application id): a later submission of the same
application (after «Вернуть на доработку») replaces it only while the СПК has not approved it.
`result.json` and every file travel into the encrypted blob store; the table keeps what the lists need.
Organisations and qualifications are matched only within the appliance's own СПК, so an appliance
cannot file a result under another ЦОК or another СПК.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from central import revisions
from central.enrolment import appliance_cok, organisation_spk
from central.models import Appliance, CentralResult, ResultDocument, ResultStatus
from core.bundle import OpenedBundle
from core.context import Services
from core.exceptions import ValidationError
from core.models import Organisation, OrgKind, Qualification, Verdict
from core.models.organisations import _now
from federation.protocol import PART_RESULT

RESULT_FORMAT = "nok-result-bundle/1"
SPK_RESULT_FORMAT = "nok-spk-result/1"
MAX_INT = 2**31 - 1
_POINTS_LIMIT = Decimal("1000000")


# --- reading untrusted JSON (shared by the kind handlers) ------------------------------------------

def load_json_part(bundle: OpenedBundle, name: str, what: str) -> dict[str, Any]:
    """Parse a JSON part of an authentic bundle; a buggy sender gets a clear reason."""
    raw = bundle.parts.get(name)
    if raw is None:
        raise ValidationError(f"В пакете нет части «{name}» ({what}).")
    try:
        value = json.loads(bytes(raw).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError(f"Часть «{name}» ({what}) — не корректный JSON в UTF-8.") from None
    if not isinstance(value, dict):
        raise ValidationError(f"Часть «{name}» ({what}) должна быть JSON-объектом.")
    return value


def obj(value: Any, what: str, *, required: bool = True) -> dict[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"Поле «{what}» должно быть JSON-объектом.")
    return value


def items(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"Поле «{what}» должно быть списком.")
    return value


def text(value: Any, what: str, limit: int, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(f"Не заполнено поле «{what}».")
        return None
    if not isinstance(value, str):
        raise ValidationError(f"Поле «{what}» должно быть строкой.")
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(f"Поле «{what}» длиннее {limit} символов.")
    return value


def integer(value: Any, what: str, *, low: int = 0, high: int = MAX_INT) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"Поле «{what}» должно быть целым числом от {low} до {high}.")
    return value


def iso_date(value: Any, what: str) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ValidationError(f"Поле «{what}» должно быть датой ГГГГ-ММ-ДД.")


def iso_datetime(value: Any, what: str, *, required: bool = True) -> dt.datetime | None:
    if value is None and not required:
        return None
    when = None
    if isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    if when is None:
        raise ValidationError(f"Поле «{what}» должно быть датой и временем в формате ISO 8601.")
    if when.tzinfo is not None:  # stored as naive UTC, like every timestamp of ours
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def points(value: Any, what: str) -> Decimal | None:
    if value is None:
        return None
    number = None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            pass
    if number is None:
        raise ValidationError(f"Поле «{what}» должно быть числом.")
    if not number.is_finite() or abs(number) >= _POINTS_LIMIT:
        raise ValidationError(f"Поле «{what}» вне допустимых значений.")
    return number.quantize(Decimal("0.01"))


# --- matching against the registry's reference data ----------------------------------------------

def person_key(snils: str | None, full_name: str, birth_date: str | None) -> str:
    """«Личное дело» key: the СНИЛС when known, else ФИО + date of birth (never stored in clear)."""
    if snils:
        basis = "snils:" + "".join(ch for ch in snils if ch.isdigit())
    else:
        basis = f"name:{full_name.lower()}|{birth_date}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def match_qualification(appliance: Appliance, code: str | None) -> Qualification | None:
    """The qualification with this code, if it belongs to the appliance's СПК."""
    spk = organisation_spk(appliance.organisation)
    found = Qualification.get_or_none(Qualification.code == code) if code else None
    return found if found is not None and spk is not None and found.spk_id == spk.id else None


def _same_spk(appliance: Appliance, kind: OrgKind, inn: str | None) -> Organisation | None:
    """The ЦОК or venue with this ИНН under the appliance's СПК, found in one query (no walking up)."""
    spk = organisation_spk(appliance.organisation) if inn else None
    if spk is None:
        return None
    query = Organisation.select().where(Organisation.kind == kind.value, Organisation.inn == inn)
    if kind is OrgKind.COK:
        query = query.where(Organisation.parent == spk.id)
    else:  # a venue belongs to a ЦОК of the СПК
        centres = Organisation.select(Organisation.id).where(Organisation.kind == OrgKind.COK.value,
                                                             Organisation.parent == spk.id)
        query = query.where(Organisation.parent.in_(centres))
    return query.order_by(Organisation.id).first()


def match_cok(appliance: Appliance, inn: str | None) -> Organisation:
    """The ЦОК by INN within the appliance's СПК, else the appliance's own ЦОК."""
    return _same_spk(appliance, OrgKind.COK, inn) or appliance_cok(appliance.organisation)


def match_venue(appliance: Appliance, inn: str | None) -> Organisation | None:
    """The venue by INN within the appliance's СПК, else the appliance's organisation when it is a venue."""
    found = _same_spk(appliance, OrgKind.VENUE, inn)
    if found is None and appliance.organisation.kind == OrgKind.VENUE.value:
        return appliance.organisation
    return found


# --- the handler ---------------------------------------------------------------------------------

def _exam_date(result: dict[str, Any], stages: list[Any]) -> dt.date:
    dates = [iso_date(d, "exam_dates") for d in items(result.get("exam_dates"), "exam_dates")]
    dates += [iso_date(s.get("exam_at"), "stages.exam_at") for s in stages if s.get("exam_at")]
    if not dates:
        raise ValidationError("В результате нет даты экзамена.")
    return max(dates)


def _documents(bundle: OpenedBundle, doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(part, title, content type) of every file part; titles from `documents[]`."""
    described: dict[str, tuple[str, str]] = {}
    for entry in items(doc.get("documents"), "documents"):
        entry = obj(entry, "documents[]")
        part = text(entry.get("part"), "documents[].part", 128)
        if part not in bundle.parts:
            raise ValidationError(f"Документ «{part}» указан в описи результата, но его нет в пакете.")
        title = text(entry.get("title"), "documents[].title", 300, required=False) or part
        ctype = text(entry.get("content_type"), "documents[].content_type", 100, required=False)
        described[part] = (title, ctype or "")
    files = []
    for part in sorted(bundle.parts):
        if part == PART_RESULT:
            continue
        title, ctype = described.get(part, (part, ""))
        files.append((part, title, ctype or mimetypes.guess_type(part)[0] or "application/octet-stream"))
    return files


def store_result(services: Services, appliance: Appliance, bundle: OpenedBundle,
                 after_commit: list[Callable[[], None]]) -> dict[str, Any]:
    """Create or replace the appliance's result for one application (inside the bundle's transaction)."""
    doc = load_json_part(bundle, PART_RESULT, "результат экзамена")
    if doc.get("format") != RESULT_FORMAT:
        raise ValidationError(f"Неизвестный формат результата: {str(doc.get('format'))[:60]!r}.")
    result = obj(doc.get("result"), "result")
    if result.get("format") != SPK_RESULT_FORMAT:
        raise ValidationError(f"Неизвестный формат сведений о результате: {str(result.get('format'))[:60]!r}.")
    application = obj(result.get("application"), "result.application")
    app_id = integer(application.get("id"), "идентификатор заявления", low=1)
    number = text(application.get("number"), "номер заявления", 64, required=False) or str(app_id)
    applicant = obj(result.get("applicant"), "result.applicant")
    full_name = text(applicant.get("full_name"), "ФИО соискателя", 300)
    snils = text(applicant.get("snils"), "СНИЛС", 20, required=False)
    birth_date = text(applicant.get("birth_date"), "дата рождения", 10, required=False)
    qualification = obj(result.get("qualification"), "result.qualification")
    code = text(qualification.get("code"), "код квалификации", 16)
    title = (text(qualification.get("title"), "наименование квалификации", 600, required=False)
             or text(qualification.get("name"), "наименование квалификации", 600))
    commission = obj(result.get("commission"), "result.commission", required=False)
    verdict = commission.get("verdict")
    if verdict not in (Verdict.PASSED, Verdict.FAILED):
        raise ValidationError("В результате нет решения экспертной комиссии («Сдал» или «Не сдал»).")
    stages = [obj(s, "result.stages[]") for s in items(result.get("stages"), "result.stages")]
    theory = next((s for s in stages if s.get("stage") == "theory"), {})
    files = _documents(bundle, doc)
    cok_inn = text(obj(result.get("cok"), "result.cok", required=False).get("inn"), "ИНН ЦОК", 12, required=False)
    venue_inn = text(obj(result.get("venue"), "result.venue", required=False).get("inn"), "ИНН площадки", 12,
                     required=False)
    matched = match_qualification(appliance, code)
    values = dict(
        cok=match_cok(appliance, cok_inn), venue=match_venue(appliance, venue_inn), qualification=matched,
        qualification_code=code, qualification_title=title, application_number=number, full_name=full_name,
        person_key=person_key(snils, full_name, birth_date), exam_date=_exam_date(result, stages),
        applied_at=iso_datetime(doc.get("applied_at"), "applied_at", required=False),
        theory_points=points(theory.get("points"), "баллы за теорию"),
        theory_max_points=points(theory.get("max_points"), "максимум баллов за теорию"),
        commission_verdict=verdict, decision=verdict, decision_changed_by=None, decision_changed_at=None,
        status=ResultStatus.RECEIVED, payload_digest=services.blobs.put(bytes(bundle.parts[PART_RESULT])).digest,
        received_at=_now(), updated_from_bundle=bundle.header.bundle_id)
    existing = (CentralResult.select()
                .where(CentralResult.appliance == appliance, CentralResult.source_application_id == app_id).first())
    if existing is not None and existing.status != ResultStatus.RECEIVED:
        state = ResultStatus.TITLES.get(existing.status, existing.status)
        raise ValidationError(f"Результат по заявлению № {existing.application_number} уже обработан СПК "
                              f"(«{state}»); повторная отправка не принимается.")
    if existing is None:
        row = CentralResult.create(appliance=appliance, source_application_id=app_id, **values)
    else:
        row = existing
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        ResultDocument.delete().where(ResultDocument.result == row).execute()
    for part, doc_title, ctype in files:
        data = bytes(bundle.parts[part])
        ResultDocument.create(result=row, part_name=part, title=doc_title, content_type=ctype,
                              blob_digest=services.blobs.put(data).digest, size=len(data))
    revisions.bump(f"Результат по заявлению № {number} от комплекса {appliance.appliance_id}")
    return {}
