"""What became of the results the appliance sent: application statuses and the registry's documents.

The СПК's own states (`received`, `in_protocol`, `sent`, `registered`, `issued`) move the core
application along «Передано в СПК» → «Утверждено СПК» → «Передано в НАРК» → «Свидетельство
выдано» / «Заключение выдано», one transition at a time through `core.workflow` (so the
applicant gets the status line, the history and a letter for each step) and never backwards.
Each Свидетельство / Заключение is kept as a `RegistryDocument`, its PDF in the blob store.
"""
from __future__ import annotations

from typing import Any, Mapping

from core.documents.texts import date_words
from core.models import Application, Organisation
from core.models.organisations import _now
from core.services.applications import change_status
from core.workflow import ActorKind, Status
from federation.models import RegistryDocument

# How far along the path each registry state takes the application (index into `_path`).
STEP_OF_STATE = {"received": 0, "in_protocol": 1, "sent": 2, "registered": 2, "issued": 3}
KIND_TITLES = {"certificate": "Свидетельство о квалификации", "conclusion": "Заключение о прохождении "
                                                                           "профессионального экзамена"}
STATUS_TITLES = {"awaiting": "Ожидает регистрационного номера НАРК", "issued": "Выдан",
                 "replaced": "Заменён дубликатом", "revoked": "Аннулирован"}


def _path(final: Status) -> list[Status]:
    return [Status.SENT_TO_SPK, Status.APPROVED_BY_SPK, Status.SENT_TO_NARK, final]


def _issued_kind(row: dict[str, Any]) -> str:
    """Which document the result ended in: the issued original, else what the decision implies."""
    issued = [d for d in row["documents"] if d["status"] == "issued"]
    issued.sort(key=lambda d: d["is_duplicate"])
    if issued:
        return issued[0]["kind"]
    return "conclusion" if row["decision"] == "failed" else "certificate"


def _comment(target: Status, row: dict[str, Any]) -> str | None:
    """What the applicant's history says about the step."""
    protocol = row["protocol"]
    if target is Status.APPROVED_BY_SPK and protocol:
        return f"Протокол СПК № {protocol['number']} от {date_words(protocol['date'])}"
    if target in (Status.CERTIFICATE_ISSUED, Status.CONCLUSION_ISSUED):
        numbers = [d["registration_number"] for d in row["documents"]
                   if d["status"] == "issued" and d["registration_number"]]
        return f"Регистрационный номер: {numbers[0]}" if numbers else None
    return None


def move_application(application: Application, row: dict[str, Any], plugins) -> bool:
    """Step the application forward to where the registry says it is; True when it moved."""
    final = Status.CONCLUSION_ISSUED if _issued_kind(row) == "conclusion" else Status.CERTIFICATE_ISSUED
    path = _path(final)
    current = Status(application.status)
    if current not in path:
        return False
    position, target = path.index(current), STEP_OF_STATE[row["status"]]
    moved = False
    while position < target:
        position += 1
        change_status(application, path[position], ActorKind.SPK, None, plugins, comment=_comment(path[position], row))
        moved = True
    return moved


def store_documents(services, application: Application, rows: list[dict[str, Any]], parts: Mapping[str, bytes],
                    warnings: list[str]) -> int:
    """Create or update the application's documents as the registry has them; returns how many changed."""
    changed = 0
    for row in rows:
        document = RegistryDocument.get_or_none(RegistryDocument.public_id == row["public_id"])
        if document is not None and document.application_id != application.id:
            warnings.append(f"Документ {row['public_id']}: относится к другому заявлению, пропущен.")
            continue
        document = document or RegistryDocument(application=application.id, public_id=row["public_id"])
        values = {name: row[name] for name in ("kind", "status", "registration_number", "issued_on", "valid_until",
                                              "is_duplicate", "verify_url")}
        if row["part"] is not None:
            values["pdf_digest"] = services.blobs.put(parts[row["part"]]).digest
        dirty = document.id is None or any(getattr(document, k) != v for k, v in values.items())
        if dirty:
            for name, value in values.items():
                setattr(document, name, value)
            document.updated_at = _now()
            document.save()
            changed += 1
    return changed


def apply_results(services, rows: list[dict[str, Any]], parts: Mapping[str, bytes], cok: Organisation | None,
                  report) -> None:
    """Statuses and documents of every result in the snapshot (only this appliance's ЦОК's applications)."""
    for row in rows:
        application = Application.get_or_none(Application.id == row["application_id"])
        if application is None or (cok is not None and application.cok_id != cok.id):
            report.warnings.append(f"Результат по заявлению № {row['application_id']}: заявления нет на устройстве.")
            continue
        if Status(application.status) in (Status.WITHDRAWN,) or _before_spk(application):
            report.warnings.append(f"Результат по заявлению {application.number or application.id}: заявление в "
                                   f"статусе «{Status(application.status).title}», статус не изменён.")
        elif move_application(application, row, services.plugins):
            report.statuses += 1
        report.documents += store_documents(services, application, row["documents"], parts, report.warnings)


def _before_spk(application: Application) -> bool:
    """The application has not reached «Передано в СПК» here (a result sent from a restored backup)."""
    later = {Status.SENT_TO_SPK, Status.APPROVED_BY_SPK, Status.SENT_TO_NARK, Status.CERTIFICATE_ISSUED,
             Status.CONCLUSION_ISSUED}
    return Status(application.status) not in later


def document_title(document: RegistryDocument) -> str:
    """«Свидетельство о квалификации № 40.05400.01.00000001.26» or «… — ожидает номера НАРК»."""
    title = KIND_TITLES.get(document.kind, document.kind)
    if document.is_duplicate:
        title += " (дубликат)"
    if document.registration_number:
        return f"{title} № {document.registration_number}"
    return f"{title} — ожидает номера НАРК"


def document_status_title(document: RegistryDocument) -> str:
    return STATUS_TITLES.get(document.status, document.status)

