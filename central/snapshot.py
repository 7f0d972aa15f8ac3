"""The reference snapshot an appliance pulls (`nok-reference/1`, docs/federation.md).

What the appliance's ЦОК or venue needs from its СПК: the СПК's requisites and deadlines, its
qualifications and current published КОС, its experts with their certificates, the prices of the
appliance's own ЦОК, and the state of the results *this* appliance sent (with the certificates and
conclusions issued for them). Nothing of other appliances travels.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import peewee

from central import revisions
from central.enrolment import appliance_cok, organisation_spk
from central.models import Appliance, Certificate, CentralResult, PublishedKos, SpkProtocol, SpkSettings
from core.context import Services
from core.exceptions import NotFoundError
from core.models import ExpertCertificate, Kos, Price, ProfStandard, Qualification, Role, User

FORMAT = "nok-reference/1"
SETTING_FIELDS = ("days_documents", "days_to_spk", "days_spk_decision", "days_issue", "days_duplicate",
                  "failed_retention_years")


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _settings(spk) -> dict[str, int]:
    row = SpkSettings.get_or_none(SpkSettings.spk == spk)
    if row is None:  # read-only here: the defaults the model would create
        return {name: SpkSettings._meta.fields[name].default for name in SETTING_FIELDS}
    return {name: getattr(row, name) for name in SETTING_FIELDS}


def _qualifications(spk) -> tuple[list[dict], list[dict]]:
    quals = list(Qualification.select(Qualification, ProfStandard).join(ProfStandard)
                 .where(Qualification.spk == spk).order_by(Qualification.code))
    standards = {q.prof_standard.code: q.prof_standard for q in quals}
    return ([{"code": s.code, "name": s.name, "approval_order": s.approval_order}
             for _, s in sorted(standards.items())],
            [{"code": q.code, "name": q.name, "level": q.level, "validity_years": q.validity_years,
              "prof_standard": q.prof_standard.code, "is_active": q.is_active} for q in quals])


def _kos(spk, parts: dict[str, bytes]) -> list[dict]:
    """The newest published КОС of every qualification of the СПК; its content is a part."""
    rows = (PublishedKos.select(PublishedKos, Kos, Qualification).join(Kos).join(Qualification)
            .where(Qualification.spk == spk)
            .order_by(Qualification.code, PublishedKos.published_at.desc(), PublishedKos.id.desc()))
    out, seen = [], set()
    for published in rows:
        kos = published.kos
        if kos.qualification_id in seen:
            continue
        seen.add(kos.qualification_id)
        name = f"kos-{len(out) + 1:02d}.json"
        content = kos.content.encode("utf-8")
        parts[name] = content
        out.append({"qualification_code": kos.qualification.code, "version": kos.version,
                    "sha256": hashlib.sha256(content).hexdigest(), "part": name})
    return out


def _experts(spk) -> list[dict]:
    experts = list(User.select().where(User.role == Role.EXPERT.value, User.organisation == spk,
                                       User.is_active == True).order_by(User.full_name, User.id))  # noqa: E712
    certificates: dict[int, list[dict]] = {}
    if experts:
        query = (ExpertCertificate.select(ExpertCertificate, Qualification).join(Qualification)
                 .where(ExpertCertificate.expert.in_([e.id for e in experts]))
                 .order_by(ExpertCertificate.valid_from, ExpertCertificate.id))
        for cert in query:
            certificates.setdefault(cert.expert_id, []).append(
                {"qualification_code": cert.qualification.code, "valid_from": _iso(cert.valid_from),
                 "valid_to": _iso(cert.valid_to), "protocol_number": cert.protocol_number,
                 "protocol_date": _iso(cert.protocol_date)})
    return [{"email": e.email, "full_name": e.full_name, "phone": e.phone, "certificates": certificates.get(e.id, [])}
            for e in experts]


def _prices(cok) -> list[dict]:
    query = (Price.select(Price, Qualification).join(Qualification)
             .where(Price.cok == cok).order_by(Qualification.code))
    return [{"qualification_code": p.qualification.code, "amount": f"{p.amount:.2f}", "vat_included": p.vat_included}
            for p in query]


def _results(services: Services, appliance: Appliance, parts: dict[str, bytes]) -> list[dict]:
    results = list(CentralResult.select(CentralResult, SpkProtocol)
                   .join(SpkProtocol, on=(CentralResult.protocol == SpkProtocol.id), join_type=peewee.JOIN.LEFT_OUTER)
                   .where(CentralResult.appliance == appliance).order_by(CentralResult.source_application_id))
    documents: dict[int, list[Certificate]] = {}
    if results:
        for cert in (Certificate.select().where(Certificate.result.in_([r.id for r in results]))
                     .order_by(Certificate.created_at, Certificate.id)):
            documents.setdefault(cert.result_id, []).append(cert)
    base = services.config.base_url.rstrip("/")
    out = []
    for result in results:
        protocol = result.protocol if result.protocol_id else None
        docs = []
        for cert in documents.get(result.id, []):
            part = None
            if cert.pdf_digest:
                part = f"cert-{cert.public_id}.pdf"
                parts[part] = services.blobs.read(cert.pdf_digest)
            docs.append({"public_id": cert.public_id, "kind": cert.kind, "status": cert.status,
                         "registration_number": cert.registration_number, "issued_on": _iso(cert.issued_on),
                         "valid_until": _iso(cert.valid_until), "is_duplicate": cert.is_duplicate,
                         "verify_url": f"{base}/verify/{cert.public_id}", "part": part})
        out.append({"application_id": result.source_application_id, "status": result.status,
                    "decision": result.decision,
                    "protocol": None if protocol is None else {"number": protocol.number,
                                                               "date": _iso(protocol.protocol_date)},
                    "documents": docs})
    return out


def build_snapshot(services: Services, appliance: Appliance) -> tuple[dict[str, Any], dict[str, bytes]]:
    """`snapshot.json` as a dict and the further parts it names (КОС contents, certificate PDFs)."""
    org = appliance.organisation
    spk = organisation_spk(org)
    if spk is None:
        raise NotFoundError(f"Организация комплекса «{appliance.title}» не относится ни к одному СПК.")
    parts: dict[str, bytes] = {}
    version = revisions.current_version()
    standards, qualifications = _qualifications(spk)
    snapshot = {
        "format": FORMAT,
        "version": version,
        "created_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "organisation": {"kind": org.kind, "inn": org.inn, "full_name": org.full_name, "short_name": org.short_name},
        "spk": {"full_name": spk.full_name, "short_name": spk.short_name, "inn": spk.inn, "ogrn": spk.ogrn,
                "chair_name": spk.chair_name, "secretary_name": spk.secretary_name,
                "voting_members": spk.voting_members},
        "settings": _settings(spk),
        "prof_standards": standards,
        "qualifications": qualifications,
        "kos": _kos(spk, parts),
        "experts": _experts(spk),
        "prices": _prices(appliance_cok(org)),
        "results": _results(services, appliance, parts),
    }
    return snapshot, parts
