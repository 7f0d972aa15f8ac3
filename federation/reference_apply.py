"""`apply_snapshot`: the registry's reference snapshot («nok-reference/1») applied to the appliance.

What the СПК keeps centrally reaches the appliance here: its requisites and deadlines, the
professional standards and qualifications, the КОС versions, the experts with their
certificates, the ЦОК's prices, and what became of the results the appliance sent (statuses,
Свидетельство / Заключение). Like devpi's replica the whole snapshot lands in one transaction
or not at all, and a version not newer than the applied one is ignored, so a repeated or
reordered delivery can never undo a newer state. Changes are made through model instances only
when a value differs, so the audit log shows exactly what the registry changed.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

from core import audit
from core.db import write_transaction
from core.exceptions import ValidationError
from core.kos.store import current_version, import_kos
from core.models import (ExpertCertificate, Kos, Organisation, OrgKind, Price, ProfStandard, Qualification,
                         QualificationOffer, Role, User)
from core.models.organisations import _now
from core.services.auth import issue_password_link, password_link_url
from core.services.notify import queue_mail
from core.services.users import create_user
from core.validators import validate_phone
from federation.models import RegistryLink
from federation.reference_format import read_snapshot
from federation.reference_results import apply_results

REGISTRY_ACTOR = audit.Actor(None, "реестр СПК")
log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    """What one snapshot changed (counts of rows created or changed) and what was skipped, and why."""

    version: int
    applied: bool = True
    applied_version: int = 0  # the version in force before (when the snapshot was ignored: still in force)
    prof_standards: int = 0
    qualifications: int = 0
    kos_loaded: int = 0
    experts: int = 0
    experts_invited: int = 0
    prices: int = 0
    statuses: int = 0
    documents: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One Russian line for the log, the CLI and the «Связь с СПК» page."""
        if not self.applied:
            return (f"Справочник СПК версии {self.version} не применён: на устройстве уже версия "
                    f"{self.applied_version}.")
        text = (f"Справочник СПК версии {self.version} применён. Квалификаций обновлено: {self.qualifications}, "
                f"экспертов: {self.experts}, КОС загружено: {self.kos_loaded}, статусов заявлений: {self.statuses}, "
                f"документов: {self.documents}, цен: {self.prices}.")
        if self.warnings:
            text += f" Пропущено: {len(self.warnings)} (подробности — в журнале)."
        return text


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set only the values that differ and save; True when anything changed (or the row is new)."""
    changed = row.id is None
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.save()
    return changed


def registry_link() -> RegistryLink | None:
    """The one link to the registry (None before `nok federation enroll`)."""
    return RegistryLink.select().order_by(RegistryLink.id).first()


def apply_snapshot(services, snapshot: dict, parts: Mapping[str, bytes]) -> ApplyReport:
    """Check `snapshot` whole, then apply it in one write transaction; older versions are ignored.

    Raises `ValidationError` (Russian, nothing changed) for a snapshot this appliance cannot
    take. Letters (status changes, invitations to experts) are queued with the change and go
    out with the mail queue.
    """
    data = read_snapshot(snapshot, parts)
    report = ApplyReport(version=data["version"])
    with audit.acting_as(REGISTRY_ACTOR), write_transaction(services.db):
        link = registry_link()
        if link is None:
            raise ValidationError("Устройство не подключено к реестру СПК: справочник не применён.")
        report.applied_version = link.snapshot_version
        if data["version"] <= link.snapshot_version:
            report.applied = False
            return report
        _Applier(services, data, parts, report).run()
        link.snapshot_version = data["version"]
        link.snapshot_applied_at = _now()
        link.settings = json.dumps(data["settings"], sort_keys=True)
        link.save()
        audit.record("apply", "reference_snapshot", data["version"], {"summary": report.summary(),
                                                                      "warnings": report.warnings[:50]})
    log.info("%s", report.summary())
    for warning in report.warnings:
        log.warning("reference snapshot %s: %s", report.version, warning)
    return report


class _Applier:
    """One application of a checked snapshot, inside the caller's transaction."""

    def __init__(self, services, data: dict[str, Any], parts: Mapping[str, bytes], report: ApplyReport):
        self.services, self.data, self.parts, self.report = services, data, parts, report
        self.qualifications: dict[str, Qualification] = {}

    def run(self) -> None:
        own = self.own_organisation(self.data["organisation"])
        self.cok = own if own.kind == OrgKind.COK.value else (own.parent if own.parent_id else None)
        self.spk = self.spk_organisation(self.data["spk"])
        standards = self.prof_standards()
        self.apply_qualifications(standards)
        self.apply_kos()
        self.apply_experts()
        self.apply_prices()
        apply_results(self.services, self.data["results"], self.parts, self.cok, self.report)

    def qualification(self, code: str) -> Qualification | None:
        if code not in self.qualifications:
            self.qualifications[code] = Qualification.get_or_none(Qualification.code == code)
        return self.qualifications[code]

    # --- organisations -------------------------------------------------------------------------

    @staticmethod
    def own_organisation(row: dict[str, Any]) -> Organisation:
        """The ЦОК or venue the appliance is enrolled for, found by ИНН (or the only one without an ИНН)."""
        kind = OrgKind.COK.value if row["kind"] == "cok" else OrgKind.VENUE.value
        found = Organisation.get_or_none((Organisation.kind == kind) & (Organisation.inn == row["inn"]))
        if found is None:
            same_kind = list(Organisation.select().where(Organisation.kind == kind).limit(2))
            if len(same_kind) == 1 and not same_kind[0].inn:
                found = same_kind[0]
                _assign(found, {"inn": row["inn"]})
        if found is None:
            raise ValidationError(f"Справочник реестра СПК не принят: на устройстве нет организации с ИНН {row['inn']} "
                                  f"({row['full_name']}), для которой оно подключено. Проверьте ИНН в разделе "
                                  "«Ваш профиль».")
        return found

    def spk_organisation(self, row: dict[str, Any]) -> Organisation:
        """The СПК by ИНН, else the ЦОК's own СПК, else a new one; requisites and members from the registry."""
        spk = Organisation.get_or_none((Organisation.kind == OrgKind.SPK.value) & (Organisation.inn == row["inn"]))
        if spk is None and self.cok is not None and self.cok.parent_id:
            parent = Organisation.get_by_id(self.cok.parent_id)
            spk = parent if parent.kind == OrgKind.SPK.value and parent.inn in (None, "", row["inn"]) else None
        spk = spk or Organisation(kind=OrgKind.SPK.value)
        _assign(spk, {"full_name": row["full_name"], "short_name": row["short_name"] or row["full_name"][:200],
                      "inn": row["inn"], "ogrn": row["ogrn"], "chair_name": row["chair_name"],
                      "secretary_name": row["secretary_name"], "voting_members": row["voting_members"]})
        if self.cok is not None and self.cok.parent_id is None:
            _assign(self.cok, {"parent_id": spk.id})
        return spk

    # --- catalogue -----------------------------------------------------------------------------

    def prof_standards(self) -> dict[str, ProfStandard]:
        found = {}
        for row in self.data["prof_standards"]:
            standard = ProfStandard.get_or_none(ProfStandard.code == row["code"]) or ProfStandard(code=row["code"])
            if _assign(standard, {"name": row["name"], "approval_order": row["approval_order"]}):
                self.report.prof_standards += 1
            found[row["code"]] = standard
        return found

    def apply_qualifications(self, standards: dict[str, ProfStandard]) -> None:
        """Create or update by code; one missing from the snapshot is kept as it is."""
        for number, row in enumerate(self.data["qualifications"], 1):
            standard = standards.get(row["prof_standard"]) or ProfStandard.get_or_none(
                ProfStandard.code == row["prof_standard"])
            if standard is None:
                raise ValidationError(f"Справочник реестра СПК не принят: квалификация № {number} ({row['code']}) — "
                                      f"профстандарт «{row['prof_standard']}» не передан.")
            qualification = self.qualification(row["code"]) or Qualification(code=row["code"])
            if _assign(qualification, {"spk_id": self.spk.id, "prof_standard_id": standard.id, "name": row["name"],
                                       "level": row["level"], "validity_years": row["validity_years"],
                                       "is_active": row["is_active"]}):
                self.report.qualifications += 1
            self.qualifications[row["code"]] = qualification

    def apply_kos(self) -> None:
        """Import each КОС whose digest differs from the current version of its qualification."""
        for row in self.data["kos"]:
            qualification = self.qualification(row["qualification_code"])
            if qualification is None:
                self.report.warnings.append(f"КОС {row['qualification_code']}: квалификации нет на устройстве.")
                continue
            current = current_version(qualification)
            if current is not None and current.sha256 == row["sha256"]:
                continue
            same = Kos.get_or_none((Kos.qualification == qualification) & (Kos.version == row["version"]))
            if same is not None:
                self.reuse_kos(qualification, same, row)
                continue
            try:
                import_kos(None, qualification, self.parts[row["part"]], row["part"])
            except ValidationError as ex:
                raise ValidationError(f"Справочник реестра СПК не принят: КОС квалификации {qualification.code} "
                                      f"(версия {row['version']}): {ex.message}") from None
            self.report.kos_loaded += 1

    def reuse_kos(self, qualification: Qualification, kos: Kos, row: dict[str, Any]) -> None:
        """A version already stored: make it current again if it is the same file, else leave it."""
        if kos.sha256 != row["sha256"]:
            self.report.warnings.append(f"КОС {qualification.code} версии {row['version']} уже загружен с другим "
                                        "содержимым; реестр должен выпустить новую версию.")
            return
        if kos.is_current:
            return
        for old in Kos.select().where((Kos.qualification == qualification) & Kos.is_current):
            _assign(old, {"is_current": False})
        _assign(kos, {"is_current": True})
        for offer in QualificationOffer.select().where(QualificationOffer.qualification == qualification):
            _assign(offer, {"kos_loaded_at": _now(), "kos_version": kos.version})
        self.report.kos_loaded += 1

    def apply_prices(self) -> None:
        if self.cok is None:
            return
        for row in self.data["prices"]:
            qualification = self.qualification(row["qualification_code"])
            if qualification is None:
                self.report.warnings.append(f"Стоимость {row['qualification_code']}: квалификации нет на устройстве.")
                continue
            price = Price.get_or_none((Price.cok == self.cok.id) & (Price.qualification == qualification)) \
                or Price(cok=self.cok.id, qualification=qualification.id)
            if _assign(price, {"amount": row["amount"], "vat_included": row["vat_included"]}):
                self.report.prices += 1

    # --- experts -------------------------------------------------------------------------------

    def apply_experts(self) -> None:
        """Upsert each expert of the СПК by e-mail and make their certificates exactly the registry's."""
        for row in self.data["experts"]:
            expert, created, updated = self.expert_account(row)
            if expert is None:
                continue
            certified = self.expert_certificates(expert, row["certificates"])
            if created:
                self.invite(expert)
            if created or updated or certified:
                self.report.experts += 1

    def expert_account(self, row: dict[str, Any]) -> tuple[User | None, bool, bool]:
        """The expert's account (None when the address belongs to someone else), created?, updated?"""
        phone = _phone(row["phone"])
        user = User.get_or_none(User.email == row["email"])
        if user is None:
            try:
                user = create_user(email=row["email"], full_name=row["full_name"], role=Role.EXPERT,
                                   organisation=self.spk, phone=phone or "")
            except ValidationError as ex:
                self.report.warnings.append(f"Эксперт {row['email']}: {ex.message}")
                return None, False, False
            return user, True, False
        if user.role != Role.EXPERT.value or user.organisation_id not in (None, self.spk.id):
            self.report.warnings.append(f"Эксперт {row['email']}: адрес занят другой учётной записью устройства.")
            return None, False, False
        updated = _assign(user, {"full_name": row["full_name"], "phone": phone or user.phone,
                                 "organisation_id": self.spk.id})
        return user, False, updated

    def expert_certificates(self, expert: User, rows: list[dict[str, Any]]) -> bool:
        wanted = {}
        for row in rows:
            qualification = self.qualification(row["qualification_code"])
            if qualification is None:
                self.report.warnings.append(f"Свидетельство эксперта {expert.email}: квалификации "
                                            f"{row['qualification_code']} нет на устройстве.")
                continue
            key = (qualification.id, row["valid_from"], row["valid_to"], row["protocol_number"], row["protocol_date"])
            wanted[key] = row
        changed = False
        for cert in ExpertCertificate.select().where(ExpertCertificate.expert == expert):
            key = (cert.qualification_id, cert.valid_from, cert.valid_to, cert.protocol_number, cert.protocol_date)
            if wanted.pop(key, None) is None:
                cert.delete_instance()
                changed = True
        for (qualification_id, valid_from, valid_to, number, date) in wanted:
            ExpertCertificate.create(expert=expert, qualification=qualification_id, valid_from=valid_from,
                                     valid_to=valid_to, protocol_number=number, protocol_date=date)
            changed = True
        return changed

    def invite(self, expert: User) -> None:
        """A one-time link to set the password, queued with the change (sent after the commit)."""
        config = self.services.config
        url = password_link_url(config, issue_password_link(config, expert))
        queue_mail(expert.email, "Доступ к НОК-Платформе: задайте пароль", (
            f"Здравствуйте, {expert.full_name}!\n\n"
            f"{self.spk.short_name} включил вас в базу экспертов. На устройстве ЦОК для вас создана учётная запись "
            f"в НОК-Платформе: роль «Эксперт», логин — {expert.email}.\n\n"
            f"Чтобы задать пароль и войти, откройте ссылку (она действует {config.password_link_hours} ч "
            f"и только один раз):\n{url}\n\nЕсли вы не ожидали это письмо, просто удалите его."))
        self.report.experts_invited += 1


def _phone(value: str | None) -> str | None:
    """The registry's phone in our form, or None when it does not read as a Russian number."""
    if not value:
        return None
    try:
        return validate_phone(value)
    except ValidationError:
        return None
