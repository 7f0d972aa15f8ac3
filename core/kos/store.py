"""КОС versions in the database: import (all or nothing), export, the versions of a qualification.

An import lands whole or not at all: the file is parsed and validated before the transaction
opens, and inside it the new version becomes the only current one of the qualification, the
ЦОК's offer shows «Выгружен» with the version, and the audit log gets the file's digest. Old
versions stay: attempts pin the exact version they were built from.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

import peewee

from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.kos.reader import read_kos
from core.kos.schema import validate_kos
from core.models import Kos, OrgKind, Qualification, QualificationOffer, User
from core.models.organisations import _now
from core.services.catalog import centre_of


def _offered_to(actor: User, qualification_id: int) -> bool:
    cok = centre_of(actor.organisation) if actor.organisation_id else None
    return cok is not None and QualificationOffer.select().where(
        (QualificationOffer.cok == cok) & (QualificationOffer.qualification == qualification_id)).exists()


def visible_qualification(actor: User, qualification_id: int) -> Qualification:
    """A qualification whose КОС this ЦОК/venue staff member may see; anything else is «not found»."""
    if not (actor.is_staff and actor.is_active) or not _offered_to(actor, qualification_id):
        raise NotFoundError("Квалификация не найдена в перечне квалификаций ЦОК.")
    return Qualification.get_by_id(qualification_id)


def may_import(actor: User | None) -> bool:
    """КОС are loaded by the ЦОК (a venue sees them read-only, as it sees the ЦОК's qualifications)."""
    return actor is None or (actor.is_staff and actor.is_active and actor.organisation_id is not None
                             and actor.organisation.kind == OrgKind.COK.value)


def current_version(qualification: Qualification) -> Kos | None:
    return (Kos.select().where((Kos.qualification == qualification) & Kos.is_current)
            .order_by(Kos.loaded_at.desc(), Kos.id.desc()).first())


def kos_versions(qualification: Qualification) -> list[Kos]:
    """Every loaded version of the qualification's КОС, newest first, with who loaded it."""
    return list(Kos.select(Kos, User).join(User, peewee.JOIN.LEFT_OUTER, on=(Kos.loaded_by == User.id))
                .where(Kos.qualification == qualification).order_by(Kos.loaded_at.desc(), Kos.id.desc()))


def import_kos(actor: User | None, qualification: Qualification, data: bytes, filename: str,
               passport: bytes | None = None) -> Kos:
    """Validate an upload (JSON, IMS QTI 2.1 zip or Moodle XML) and store it as the current КОС version.

    `actor` is the ЦОК staff member (their ЦОК's offer gets «Выгружен»), or None for the system
    (`nok kos import`, `nok demo`: every offer of the qualification on this appliance). The
    returned `Kos` carries `notes`: Russian sentences on what was filled in from elsewhere.
    """
    if actor is not None and (not may_import(actor) or not _offered_to(actor, qualification.id)):
        raise PermissionDeniedError("КОС загружает сотрудник ЦОК, в перечне которого есть эта квалификация.")

    def mark_offers(kos: Kos) -> None:
        offers = QualificationOffer.select().where(QualificationOffer.qualification == qualification)
        if actor is not None:
            offers = offers.where(QualificationOffer.cok == centre_of(actor.organisation))
        for offer in offers:
            offer.kos_loaded_at, offer.kos_version = kos.loaded_at, kos.version
            offer.save()

    return store_upload(qualification, data, filename, passport=passport, loaded_by=actor, on_stored=mark_offers)


def store_upload(qualification: Qualification, data: bytes, filename: str, *, passport: bytes | None = None,
                 loaded_by: User | None = None, on_stored: Callable[[Kos], None] | None = None) -> Kos:
    """Read, check and store a КОС upload as the qualification's current version (who may do it is the
    caller's business: the ЦОК's `import_kos`, the СПК's registry). `on_stored` runs in the same
    transaction. The returned `Kos` carries `notes`."""
    current = current_version(qualification)
    taken = {k.version for k in Kos.select(Kos.version).where(Kos.qualification == qualification)}
    result = read_kos(data, passport=passport, current=current.data if current else None,
                      current_version=current.version if current else None,
                      default_title=f"КОС «{qualification.title}»", taken_versions=taken)
    document = result.document
    if document["qualification"] not in (None, qualification.code):
        raise ValidationError(f"КОС составлен для квалификации {document['qualification']}, а загружается для "
                              f"{qualification.code} ({qualification.title})", field="file")
    document["qualification"] = qualification.code
    content = json.dumps(document, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    with write_transaction():
        if Kos.select().where((Kos.qualification == qualification) & (Kos.version == document["version"])).exists():
            raise ValidationError(f"Версия КОС «{document['version']}» для квалификации {qualification.code} уже "
                                  "загружена: укажите в КОС новую версию (поле version)", field="file")
        for old in Kos.select().where((Kos.qualification == qualification) & Kos.is_current):
            old.is_current = False
            old.save()
        kos = Kos.create(qualification=qualification, version=document["version"], title=document["title"],
                         content=content, sha256=digest, source_format=result.source_format, is_current=True,
                         loaded_at=_now(), loaded_by=loaded_by)
        if on_stored is not None:
            on_stored(kos)
        audit.record("import", "kos", kos.id, {"qualification": qualification.code, "version": kos.version,
                                               "sha256": digest, "source_format": result.source_format,
                                               "filename": (filename or "")[:255]})
    kos.notes = result.notes
    return kos


def export_kos(kos: Kos) -> bytes:
    """The version as a pretty `nok-kos/1` JSON file (keys in the documented order), UTF-8."""
    return (json.dumps(validate_kos(kos.data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def find_version(qualification: Qualification, kos_id: int) -> Kos:
    kos = Kos.get_or_none((Kos.id == kos_id) & (Kos.qualification == qualification))
    if kos is None:
        raise NotFoundError("Такой версии КОС нет.")
    return kos


def record_export(kos: Kos) -> None:
    """Downloading a bank with its keys is worth a line in the audit log."""
    with write_transaction():
        audit.record("export", "kos", kos.id, {"qualification_id": kos.qualification_id, "version": kos.version})


def export_filename(kos: Kos, qualification: Qualification) -> str:
    """«КОС_40.05400.01_2026.1.json»: only safe characters reach the download header."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in kos.version)
    return f"КОС_{qualification.code}_{safe}.json"


def summary_numbers(document: dict[str, Any]) -> dict[str, Any]:
    """What the КОС page and `nok kos list` show about a version."""
    theory = document["theory"]
    questions = [q for s in theory["sections"] for q in s["questions"]]
    per_type: dict[str, int] = {}
    for question in questions:
        per_type[question["type"]] = per_type.get(question["type"], 0) + 1
    spec = theory["specification"]
    drawn = {r["section"]: r["count"] for r in spec["draw"]}
    rows = [{"id": s["id"], "title": s["title"], "questions": len(s["questions"]), "drawn": drawn.get(s["id"], 0)}
            for s in theory["sections"]]
    return {"section_rows": rows, "sections": len(theory["sections"]), "questions": len(questions), "per_type": per_type,
            "samples": len(theory["samples"]), "tasks": len((document.get("practice") or {}).get("tasks") or []),
            "portfolio": bool(document.get("portfolio")), "drawn": sum(r["count"] for r in spec["draw"]),
            "minutes": spec["time_limit_minutes"], "pass_points": spec["pass_points"]}
