"""«Квалификации»: the СПК's qualifications, their КОС versions and «Выгрузить» to appliances.

A КОС file is read and validated by the same reader as on an appliance (core/kos/reader.py) and
lands whole or not at all; it reaches appliances only when the СПК publishes a version
(`PublishedKos`, one per qualification: publishing another replaces it). The publish is a
reference revision whose `what` starts with `kos:<id> `, so the page can tell which appliances
already took a snapshot with it (`Appliance.snapshot_version` ≥ that revision).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import peewee

from central import revisions
from central.admin import scope
from central.admin.forms import Checker, clean_text, flag, int_in_range
from central.models import Appliance, CentralResult, PublishedKos
from central.services.paging import Page, paginate
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.kos import store
from core.models import ExpertCertificate, Kos, Organisation, ProfStandard, Qualification, User
from core.models.organisations import _now
from core.validators import validate_qualification_level

PAGE_SIZE = 25
CODE = re.compile(r"\d{2}\.\d{5}\.\d{2}")
STANDARD_CODE = re.compile(r"\d{2}\.\d{3}")
MAX_VALIDITY_YEARS = 10
PUBLISHED = "Выгружен"
NOT_PUBLISHED = "Не выгружен"


@dataclass
class Publication:
    """The published КОС of a qualification and how many of the СПК's appliances already took it."""

    published: PublishedKos
    kos: Kos
    revision: int | None
    took: int
    total: int


@dataclass
class QualificationRow:
    qualification: Qualification
    publication: Publication | None
    current: Kos | None = None  # the newest loaded version (without its content), «Выгрузить» publishes it

    @property
    def kos_status(self) -> str:
        return PUBLISHED if self.publication else NOT_PUBLISHED


@dataclass
class ApplianceState:
    appliance: Appliance
    took: bool


def _of(spk: Organisation) -> peewee.ModelSelect:
    return (Qualification.select(Qualification, ProfStandard).join(ProfStandard)
            .where(Qualification.spk == spk))


def get_qualification(spk: Organisation, qualification_id: int) -> Qualification:
    found = _of(spk).where(Qualification.id == qualification_id).first()
    if found is None:
        raise NotFoundError("Квалификация не найдена.")
    return found


def publish_revisions(kos_ids: list[int]) -> dict[int, int]:
    """The reference revision of each КОС's publish (one query)."""
    if not kos_ids:
        return {}
    rows = PublishedKos.select(PublishedKos.kos, PublishedKos.revision).where(PublishedKos.kos.in_(kos_ids)
                                                                              & PublishedKos.revision.is_null(False))
    return {row.kos_id: row.revision for row in rows}


def _publications(spk: Organisation, qualification_ids: list[int]) -> dict[int, Publication]:
    """Published КОС of the qualifications and the take-up among the СПК's active appliances (3 queries)."""
    if not qualification_ids:
        return {}
    published = list(PublishedKos.select(PublishedKos, Kos.id, Kos.qualification, Kos.version, Kos.loaded_at)
                     .join(Kos).where(Kos.qualification.in_(qualification_ids)))
    revs = publish_revisions([p.kos_id for p in published])
    versions = [a.snapshot_version for a in scope.appliances_of(spk).where(Appliance.status == "active")
                .select(Appliance.snapshot_version)] if published else []
    out: dict[int, Publication] = {}
    for pub in published:
        rev = revs.get(pub.kos_id)
        took = sum(1 for v in versions if rev is not None and v >= rev)
        out[pub.kos.qualification_id] = Publication(pub, pub.kos, rev, took, len(versions))
    return out


def list_qualifications(spk: Organisation, query: str = "", page: int = 1) -> tuple[Page, list[QualificationRow]]:
    """One page of the СПК's qualifications (search by code or name) with «Статус КОС»."""
    quals = _of(spk)
    text = " ".join(query.split())
    if text:
        quals = quals.where(Qualification.code.startswith(text) | Qualification.name.contains(text))
    result = paginate(quals.order_by(Qualification.code), page, PAGE_SIZE)
    ids = [q.id for q in result.rows]
    pubs = _publications(spk, ids)
    currents = _current_versions(ids)
    return result, [QualificationRow(q, pubs.get(q.id), currents.get(q.id)) for q in result.rows]


def _current_versions(qualification_ids: list[int]) -> dict[int, Kos]:
    """The current КОС version of each qualification (one query, the banks themselves not loaded)."""
    if not qualification_ids:
        return {}
    found: dict[int, Kos] = {}
    for kos in (Kos.select(Kos.id, Kos.qualification, Kos.version, Kos.loaded_at)
                .where(Kos.qualification.in_(qualification_ids) & Kos.is_current)
                .order_by(Kos.loaded_at.desc(), Kos.id.desc())):
        found.setdefault(kos.qualification_id, kos)
    return found


def publication(spk: Organisation, qualification: Qualification) -> Publication | None:
    return _publications(spk, [qualification.id]).get(qualification.id)


def appliance_states(spk: Organisation, pub: Publication | None) -> list[ApplianceState]:
    """Per active appliance of the СПК's ЦОК and venues: did it take a snapshot with the publish yet?"""
    if pub is None:
        return []
    appliances = (scope.appliances_of(spk).select(Appliance, Organisation).join(Organisation)
                  .where(Appliance.status == "active").order_by(Organisation.short_name, Appliance.title))
    return [ApplianceState(a, pub.revision is not None and a.snapshot_version >= pub.revision) for a in appliances]


# --- qualification form ---------------------------------------------------------------------------

def qualification_form(qualification: Qualification) -> dict[str, str]:
    std = qualification.prof_standard
    return {"code": qualification.code, "name": qualification.name, "level": str(qualification.level),
            "validity_years": str(qualification.validity_years), "standard_code": std.code,
            "standard_name": std.name, "approval_order": std.approval_order or "",
            "is_active": "on" if qualification.is_active else ""}


def _code(value: str, field: str, pattern: re.Pattern, label: str, example: str) -> str:
    text = "".join((value or "").split())
    if not text:
        raise ValidationError(f"{label}: значение не указано.", field=field)
    if not pattern.fullmatch(text):
        raise ValidationError(f"{label} указан неверно: ожидается вид {example}.", field=field)
    return text


def clean_qualification(spk: Organisation, form: dict[str, str], qualification: Qualification | None = None) -> dict:
    check = Checker()
    cleaned = {
        "code": check(_code, form.get("code", ""), "code", CODE, "Код квалификации",
                      "NN.NNNNN.NN, например 40.05400.01"),
        "name": check(clean_text, form.get("name", ""), "name", "Наименование квалификации", 500, required=True),
        "level": check(validate_qualification_level, form.get("level", ""), field="level"),
        "validity_years": check(int_in_range, form.get("validity_years", ""), "validity_years",
                                "Срок действия свидетельства", 1, MAX_VALIDITY_YEARS, "лет"),
        "standard_code": check(_code, form.get("standard_code", ""), "standard_code", STANDARD_CODE,
                               "Код профессионального стандарта", "NN.NNN, например 40.054"),
        "standard_name": check(clean_text, form.get("standard_name", ""), "standard_name",
                               "Наименование профессионального стандарта", 500, required=True),
        "approval_order": check(clean_text, form.get("approval_order", ""), "approval_order",
                                "Приказ об утверждении профессионального стандарта", 300),
    }
    code = cleaned["code"]
    if code:
        same = Qualification.select().where(Qualification.code == code)
        if qualification is not None:
            same = same.where(Qualification.id != qualification.id)
        if same.exists():
            check.add("code", "Квалификация с таким кодом уже есть в реестре.")
        elif qualification is not None and code != qualification.code and _in_use(qualification):
            check.add("code", "Код нельзя изменить: по квалификации уже загружен КОС, есть свидетельства экспертов "
                              "или результаты экзаменов.")
    cleaned["is_active"] = flag(form.get("is_active")) if qualification is not None else True
    check.raise_if_any()
    return cleaned


def _in_use(qualification: Qualification) -> bool:
    return any(q.exists() for q in (Kos.select().where(Kos.qualification == qualification),
                                    ExpertCertificate.select().where(ExpertCertificate.qualification == qualification),
                                    CentralResult.select().where(CentralResult.qualification == qualification)))


def _standard(cleaned: dict) -> ProfStandard:
    """The professional standard by its code: updated when its name or order changed, else created."""
    std = ProfStandard.get_or_none(ProfStandard.code == cleaned["standard_code"])
    if std is None:
        return ProfStandard.create(code=cleaned["standard_code"], name=cleaned["standard_name"],
                                   approval_order=cleaned["approval_order"])
    if (std.name, std.approval_order) != (cleaned["standard_name"], cleaned["approval_order"]):
        std.name, std.approval_order = cleaned["standard_name"], cleaned["approval_order"]
        std.save()
    return std


def save_qualification(spk: Organisation, form: dict[str, str], qualification: Qualification | None = None
                       ) -> Qualification:
    """Add or edit a qualification of the СПК (and its professional standard)."""
    if qualification is not None:
        qualification = get_qualification(spk, qualification.id)
    cleaned = clean_qualification(spk, form, qualification)
    with write_transaction():
        std = _standard(cleaned)
        qualification = qualification or Qualification(spk=spk)
        qualification.prof_standard = std
        for name in ("code", "name", "level", "validity_years", "is_active"):
            setattr(qualification, name, cleaned[name])
        qualification.save()
        revisions.bump(f"Квалификация {qualification.code} сохранена")
    return qualification


# --- КОС ------------------------------------------------------------------------------------------

def import_spk_kos(spk: Organisation, user: User, qualification: Qualification, data: bytes, filename: str,
                   passport: bytes | None = None) -> Kos:
    """Validate an upload (JSON, IMS QTI 2.1 zip, Moodle XML) and store it as the qualification's newest version.

    The СПК's counterpart of `core.kos.store.import_kos` (whose actor rules are the ЦОК's): the same
    reader, checks and audit line; nothing reaches appliances until «Выгрузить».
    """
    return store.store_upload(get_qualification(spk, qualification.id), data, filename, passport=passport,
                              loaded_by=user)


def publish_kos(spk: Organisation, user: User, qualification: Qualification, kos_id: int) -> int:
    """«Выгрузить»: make this version the one appliances receive (replacing another); returns the revision."""
    qualification = get_qualification(spk, qualification.id)
    kos = store.find_version(qualification, kos_id)
    with write_transaction():
        for old in PublishedKos.select().join(Kos).where((Kos.qualification == qualification) & (Kos.id != kos.id)):
            old.delete_instance()
        pub = PublishedKos.get_or_none(PublishedKos.kos == kos) or PublishedKos(kos=kos)
        pub.published_at, pub.published_by = _now(), user
        pub.revision = revisions.bump(f"КОС {qualification.code} версии {kos.version} выгружен")
        pub.save()
        return pub.revision
