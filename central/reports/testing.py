"""Rows the report tests make directly (tests/central/reports, tests/central/web): another СПК,
certificates, planned exams. `spk_world.add_result` makes the results themselves.
"""
from __future__ import annotations

import datetime as dt
import itertools
import uuid

from central.models import Certificate, CertificateKind, CertificateStatus, PlannedExam
from core.models import OrgKind, ProfStandard, Qualification

_groups = itertools.count(1)


def make_certificate(result, *, kind: str = CertificateKind.CERTIFICATE, status: str = CertificateStatus.ISSUED,
                     issued_on: dt.date | None = None, **fields) -> Certificate:
    return Certificate.create(kind=kind, result=result, public_id=uuid.uuid4().hex, status=status,
                              issued_on=issued_on, **fields)


def make_planned(world, *, starts_at: dt.datetime, cok=None, qualification=None, stage: str = "theory",
                 candidates: int = 5, status: str = "planned", venue="default") -> PlannedExam:
    qualification = qualification or world.qualifications[0]
    return PlannedExam.create(appliance=world.appliance, source_group_id=next(_groups), cok=cok or world.coks[0],
                              venue=world.venue if venue == "default" else venue, qualification=qualification,
                              qualification_title=qualification.title, stage=stage, starts_at=starts_at,
                              candidates=candidates, status=status)


class OtherSpk:
    """A second СПК with its own ЦОК and qualification: none of it may show in the first СПК's reports."""

    def __init__(self, factory):
        self.spk = factory.org(OrgKind.SPK, full_name="СПК в области сварки", short_name="СПК сварки")
        self.cok = factory.org(OrgKind.COK, parent=self.spk, full_name="ООО «ЦОК Сварка»", short_name="ЦОК «Сварка»")
        standard = ProfStandard.create(code="40.002", name="Сварщик")
        self.qualification = Qualification.create(spk=self.spk, prof_standard=standard, code="40.00200.03",
                                                  name="Сварщик ручной дуговой сварки", level=3)
