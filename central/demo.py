"""Демо-данные реестра СПК для `nok central demo` и `make run`.

The same СПК, ЦОК, venues, qualifications and experts as the appliance's demo (`core.demo_data`),
so results the demo appliance sends are matched by ИНН and qualification code. At the registry the
СПК has its staff (the appliance's СПК accounts are the same people), experts with certificates,
the demo КОС published, prices and the deadline settings. Idempotent: a second run changes nothing.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from central import revisions
from central.models import PublishedKos, SpkSettings
from core import audit
from core.db import write_transaction
from core.demo_data import DEMO_PRICES, ORGANISATIONS, PROF_STANDARDS, check_requisites
from core.kos.demo import load_labour_safety_kos
from core.models import ExpertCertificate, Kos, Organisation, OrgKind, Price, ProfStandard, Qualification, Role, User
from core.security import check_password_strength, hash_password
from core.services.users import create_user

DEFAULT_PASSWORD = "nok-demo-2026"
MARKER_EMAIL = "admin@spk.demo.nok"
# At the registry only the СПК's own people: ЦОК staff work on their appliances.
REGISTRY_ORG_KEYS = ("spk", "cok1", "cok2", "venue1", "venue2", "venue3")
VALIDITY_YEARS = {"40.05400.01": 3, "40.05400.02": 3, "40.00200.01": 2, "40.00200.02": 2}


def is_loaded() -> bool:
    return User.select().where(User.email == MARKER_EMAIL).exists()


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role title) of the registry's demo staff."""
    spk_staff = next(spec for spec in ORGANISATIONS if spec.key == "spk").staff
    return [(p.email, p.role.title) for p in spk_staff if p.role in (Role.ADMIN, Role.OPERATOR)]


def load_central_demo(password: str = DEFAULT_PASSWORD) -> dict[str, Organisation]:
    """Load the registry's demo data once; returns the organisations by their demo key."""
    specs = [spec for spec in ORGANISATIONS if spec.key in REGISTRY_ORG_KEYS]
    for spec in specs:
        check_requisites(spec.fields, spec.fields["short_name"])
    with audit.acting_as(audit.SYSTEM), write_transaction():
        if is_loaded():
            return _existing_orgs(specs)
        check_password_strength(password, MARKER_EMAIL)
        orgs: dict[str, Organisation] = {}
        for spec in specs:
            orgs[spec.key] = Organisation.create(kind=spec.kind.value,
                                                 parent=orgs[spec.parent] if spec.parent else None, **spec.fields)
        spk = orgs["spk"]
        for code, name, order, qualifications in PROF_STANDARDS:
            standard = ProfStandard.get_or_none(ProfStandard.code == code) or ProfStandard.create(
                code=code, name=name, approval_order=order)
            for q_code, q_name, level in qualifications:
                Qualification.create(spk=spk, prof_standard=standard, code=q_code, name=q_name, level=level,
                                     validity_years=VALIDITY_YEARS.get(q_code, 3))
        password_hash = hash_password(password)
        today = dt.date.today()
        qualifications = list(Qualification.select().where(Qualification.code.in_(list(DEMO_PRICES))))
        for person in next(s for s in specs if s.key == "spk").staff:
            user = create_user(email=person.email, full_name=person.full_name, role=person.role, organisation=spk,
                               phone=person.phone, position=person.position)
            if person.role is Role.EXPERT:
                for qualification in qualifications:
                    ExpertCertificate.create(expert=user, qualification=qualification,
                                             valid_from=today - dt.timedelta(days=365),
                                             valid_to=today + dt.timedelta(days=730),
                                             protocol_number=f"СПК-{today.year - 1}/01",
                                             protocol_date=today - dt.timedelta(days=370))
            else:
                user.password_hash = password_hash
                user.save()
        for cok in (orgs["cok1"], orgs["cok2"]):
            for qualification in qualifications:
                Price.create(cok=cok, qualification=qualification, amount=Decimal(DEMO_PRICES[qualification.code]))
        SpkSettings.create(spk=spk)
        kos = load_labour_safety_kos() or Kos.select().where(Kos.is_current == True).first()  # noqa: E712
        if kos is not None:
            PublishedKos.create(kos=kos)
        revisions.bump("Демо-данные реестра")
        return orgs


def _existing_orgs(specs) -> dict[str, Organisation]:
    found = {}
    for spec in specs:
        org = Organisation.get_or_none((Organisation.inn == spec.fields.get("inn"))
                                       & (Organisation.kind == spec.kind.value))
        if org is not None:
            found[spec.key] = org
    return found


def demo_cok() -> Organisation:
    """The ЦОК whose appliance `make run` enrols: «ЦОК «Охрана труда»»."""
    spec = next(s for s in ORGANISATIONS if s.key == "cok1")
    return Organisation.get((Organisation.inn == spec.fields["inn"]) & (Organisation.kind == OrgKind.COK.value))
