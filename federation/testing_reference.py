"""Test builder of the registry's reference snapshot («nok-reference/1») as an appliance receives it.

`ReferenceWorld` is a `CommissionWorld` (СПК, ЦОК, venue, a qualification with its КОС, a
certified commission) enrolled with the registry (a `RegistryLink` row), with helpers that take
candidates through the exam to «Передано в СПК» the real way, and `snapshot()` that writes the
snapshot the registry would send: the СПК's requisites and terms, a changed and a new
qualification, a new КОС, experts, prices, and the results' statuses and documents with PDFs.
Used by the appliance's apply and page tests and by the federation pull tests alike.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import secrets
from typing import Any

from core.models import Application, CommissionResult, Role, User, Verdict
from core.services import commission
from core.services.scheduling import local_now
from core.testing_exam import CommissionWorld, kos_document, take_theory, theory_only_kos
from federation.models import RegistryLink

SPK_INN = "7707083893"
COK_INN = "7736207543"
NEW_QUALIFICATION = "40.06200.02"
NEW_EXPERT = "novikova@spk-ot.ru"


def pdf_bytes(text: str = "Свидетельство") -> bytes:
    """A real one-page PDF (pypdf) whose metadata carries `text`, to read back after a download."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def enrol(registry_url: str = "https://registry.spk-ot.ru") -> RegistryLink:
    """The row `nok federation enroll` leaves behind (keys are placeholders: no bundle is sent here)."""
    return RegistryLink.create(appliance_id="appliance-" + secrets.token_hex(4), registry_url=registry_url,
                               registry_endpoint="tcp://registry.spk-ot.ru:7701", registry_signing_key="a" * 64,
                               registry_hpke_key="b" * 64, registry_curve_key="c" * 40)


class ReferenceWorld(CommissionWorld):
    """A ЦОК appliance with examined candidates and the snapshot its registry would send."""

    def __init__(self, factory, *, plugins=None, enrolled: bool = True):
        super().__init__(factory, kos=theory_only_kos(), plugins=plugins)
        self.spk.inn, self.cok.inn = SPK_INN, COK_INN
        self.spk.save()
        self.cok.save()
        self.link = enrol() if enrolled else None
        self.results: dict[int, dict[str, Any]] = {}
        self.parts: dict[str, bytes] = {}

    def decided(self, full_name: str, *, passed: bool = True, days_ago: int = 1) -> Application:
        """A candidate who took the theory `days_ago` days ago and got the commission's decision."""
        _group, (member,) = self.started_group(full_name, starts_at=local_now() - dt.timedelta(days=days_ago))
        take_theory(member, self.plugins, passed=passed)
        application = Application.get_by_id(member.application_id)
        verdict = Verdict.PASSED if passed else Verdict.FAILED
        commission.decide_all(self.chair, application, {self.chair.id: verdict, self.expert.id: verdict},
                              self.plugins)
        return Application.get_by_id(application.id)

    def sent_to_spk(self, full_name: str, *, passed: bool = True, days_ago: int = 1) -> Application:
        """A candidate examined, decided by the commission and sent by the ЦОК: «Передано в СПК»."""
        application = self.decided(full_name, passed=passed, days_ago=days_ago)
        commission.send_to_spk(self.admin, application, self.plugins)
        return Application.get_by_id(application.id)

    def result(self, application: Application, status: str, *, issued: bool = False,
               number: str | None = None) -> dict[str, Any]:
        """Set what the registry says of `application` (status, protocol, document) for the next snapshot."""
        passed = CommissionResult.get(CommissionResult.application == application.id).verdict == Verdict.PASSED
        row: dict[str, Any] = {"application_id": application.id, "status": status,
                               "decision": "passed" if passed else "failed", "protocol": None, "documents": []}
        if status != "received":
            row["protocol"] = {"number": "15", "date": (dt.date.today() - dt.timedelta(days=2)).isoformat()}
            public_id = hashlib.sha256(f"doc-{application.id}".encode()).hexdigest()[:32]
            document = {"public_id": public_id, "kind": "certificate" if passed else "conclusion",
                        "status": "issued" if issued else "awaiting", "registration_number": number,
                        "issued_on": dt.date.today().isoformat() if issued else None,
                        "valid_until": (dt.date.today() + dt.timedelta(days=3 * 365)).isoformat()
                        if issued and passed else None,
                        "is_duplicate": False, "verify_url": f"https://registry.spk-ot.ru/verify/{public_id}",
                        "part": None}
            if issued:
                document["part"] = f"cert-{public_id}.pdf"
                self.parts[document["part"]] = pdf_bytes(f"Документ {number}")
            row["documents"].append(document)
        self.results[application.id] = row
        return row

    def kos_part(self, version: str = "2026.2") -> bytes:
        document = kos_document(qualification=self.qual.code, version=version, practice=None, portfolio=None)
        return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def snapshot(self, version: int = 1, *, kos_version: str = "2026.2") -> tuple[dict[str, Any], dict[str, bytes]]:
        """The snapshot (JSON-ready dict) and its parts as the registry would seal them."""
        kos = self.kos_part(kos_version)
        parts = {**self.parts, "kos-01.json": kos}
        today = dt.date.today()
        certificate = {"qualification_code": self.qual.code, "valid_from": (today - dt.timedelta(days=10)).isoformat(),
                       "valid_to": (today + dt.timedelta(days=700)).isoformat(), "protocol_number": "12",
                       "protocol_date": (today - dt.timedelta(days=11)).isoformat()}
        snapshot = {
            "format": "nok-reference/1", "version": version, "created_at": dt.datetime.now().isoformat(),
            "organisation": {"kind": "cok", "inn": COK_INN, "full_name": self.cok.full_name,
                             "short_name": self.cok.short_name},
            "spk": {"full_name": "Совет по профессиональным квалификациям в области безопасности труда",
                    "short_name": "СПК ОТ", "inn": SPK_INN, "ogrn": "1027700132195",
                    "chair_name": "Петров Сергей Николаевич", "secretary_name": "Сидорова Анна Викторовна",
                    "voting_members": ["Петров Сергей Николаевич", "Иванова Мария Петровна"]},
            "settings": {"days_documents": 8, "days_to_spk": 5, "days_spk_decision": 14, "days_issue": 30,
                         "days_duplicate": 15, "failed_retention_years": 1},
            "prof_standards": [
                {"code": "40.054", "name": "Специалист в области охраны труда",
                 "approval_order": "приказ Минтруда России от 22.04.2021 № 274н"},
                {"code": "40.062", "name": "Специалист по качеству продукции", "approval_order": None}],
            "qualifications": [
                {"code": self.qual.code, "name": "Специалист по охране труда", "level": 6, "validity_years": 5,
                 "prof_standard": "40.054", "is_active": True},
                {"code": NEW_QUALIFICATION, "name": "Специалист по качеству", "level": 5, "validity_years": 3,
                 "prof_standard": "40.062", "is_active": True}],
            "kos": [{"qualification_code": self.qual.code, "version": kos_version,
                     "sha256": hashlib.sha256(kos).hexdigest(), "part": "kos-01.json"}],
            "experts": [
                {"email": self.chair.email, "full_name": self.chair.full_name, "phone": "+7 (495) 123-45-67",
                 "certificates": [certificate]},
                {"email": NEW_EXPERT, "full_name": "Новикова Светлана Игоревна", "phone": None,
                 "certificates": [dict(certificate, qualification_code=NEW_QUALIFICATION)]}],
            "prices": [{"qualification_code": self.qual.code, "amount": "5000.00", "vat_included": False}],
            "results": [copy.deepcopy(row) for row in self.results.values()],
        }
        return snapshot, parts

    def new_expert(self) -> User | None:
        return User.get_or_none((User.email == NEW_EXPERT) & (User.role == Role.EXPERT.value))
