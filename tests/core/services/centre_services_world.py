"""Organisations, people and qualifications for the ЦОК service tests (organisations, catalog, experts, review)."""
from __future__ import annotations

import datetime as dt

from core.models import Application, ApplicationDocument, OrgKind, ProfStandard, Qualification, QualificationOffer, Role
from core.workflow import Status


class ServicesWorld:
    """СПК → ЦОК → venue, a second ЦОК of the same СПК, a ЦОК of another СПК; two qualifications."""

    def __init__(self, factory):
        self.factory = factory
        self.spk, self.far_spk = factory.org(OrgKind.SPK), factory.org(OrgKind.SPK)
        self.cok, self.other_cok, self.far_cok = (factory.org(OrgKind.COK, parent=parent)
                                                  for parent in (self.spk, self.spk, self.far_spk))
        self.venue, self.other_venue = (factory.org(OrgKind.VENUE, parent=cok) for cok in (self.cok, self.other_cok))
        std = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
        self.qual, self.qual2 = (Qualification.create(spk=self.spk, prof_standard=std, code=code, name=name, level=level)
                                 for code, name, level in (("40.05400.01", "Специалист по охране труда", 6),
                                                           ("40.05400.02", "Руководитель службы охраны труда", 7)))
        QualificationOffer.create(cok=self.cok, qualification=self.qual)
        self.admin = factory.user(Role.ADMIN, self.cok, password=None)
        self.operator = factory.user(Role.OPERATOR, self.cok, password=None)
        self.venue_admin = factory.user(Role.ADMIN, self.venue, password=None)
        self.other_admin = factory.user(Role.ADMIN, self.other_cok, password=None)
        self.far_admin = factory.user(Role.ADMIN, self.far_cok, password=None)

    def application(self, *, status=Status.SUBMITTED, full_name="Иванов Иван Иванович", cok=None, venue=None,
                    **fields):
        applicant = self.factory.user(Role.APPLICANT, password=None)
        app = Application.create(applicant=applicant, cok=cok or self.cok, venue=venue or self.venue,
                                 qualification=self.qual, status=status.value, full_name=full_name,
                                 submitted_at=None if status is Status.DRAFT else fields.pop(
                                     "submitted_at", dt.datetime(2026, 3, 2, 10)), **fields)
        for title in ("Паспорт", "Диплом"):
            ApplicationDocument.create(application=app, kind="other", title=title, filename=f"{title}.pdf",
                                       content_type="application/pdf", size=1, digest="0" * 64)
        return app
