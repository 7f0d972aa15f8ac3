"""КОС test helpers: the asset files and a small world (СПК, ЦОК with a venue, another ЦОК, qualifications)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from core.models import OrgKind, ProfStandard, Qualification, QualificationOffer, Role
from core.testing_exam import SMALL_KOS

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "kos"


def asset(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


def bad(name: str) -> bytes:
    return (ASSETS / "bad" / name).read_bytes()


def small_kos(**overrides: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SMALL_KOS)
    doc.update(overrides)
    return doc


class KosWorld:
    """Two qualifications of one профстандарт offered by `cok` (the second is «another copy» for round
    trips); `other_cok` offers only the first; `venue` belongs to `cok`."""

    def __init__(self, factory):
        self.spk = factory.org(OrgKind.SPK)
        self.cok = factory.org(OrgKind.COK, parent=self.spk, short_name="ЦОК «Охрана труда»")
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok, short_name="Площадка «Север»")
        self.other_cok = factory.org(OrgKind.COK, parent=self.spk, short_name="ЦОК «Юг»")
        std, _ = ProfStandard.get_or_create(code="40.054", defaults={"name": "Специалист в области охраны труда"})
        self.qual = Qualification.create(spk=self.spk, prof_standard=std, code="40.05400.01",
                                         name="Специалист по охране труда", level=6)
        self.copy = Qualification.create(spk=self.spk, prof_standard=std, code="40.05400.02",
                                         name="Специалист по охране труда", level=7)
        self.unoffered = Qualification.create(spk=self.spk, prof_standard=std, code="40.05400.03",
                                              name="Руководитель службы охраны труда", level=7)
        for qualification in (self.qual, self.copy):
            QualificationOffer.create(cok=self.cok, qualification=qualification)
        QualificationOffer.create(cok=self.other_cok, qualification=self.qual)
        self.admin = factory.user(Role.ADMIN, self.cok, email="admin@cok.ru", full_name="Кузнецова Мария Ивановна")
        self.operator = factory.user(Role.OPERATOR, self.cok, email="operator@cok.ru")
        self.venue_admin = factory.user(Role.ADMIN, self.venue, email="admin@venue.ru")
        self.other_admin = factory.user(Role.ADMIN, self.other_cok, email="admin@yug.ru")
        self.expert = factory.user(Role.EXPERT, self.spk, email="expert@spk.ru")

    def offer(self, cok, qualification) -> QualificationOffer:
        return QualificationOffer.get((QualificationOffer.cok == cok) & (QualificationOffer.qualification == qualification))
