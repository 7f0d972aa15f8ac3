"""Exam-group web fixtures: the ЦОК «Профи» of `orgs` assesses a qualification, has certified
experts and paid applicants (signed-in browsers: `cok_web` / `venue_web` / `stranger_web` of
tests/appliance/conftest.py).

Not a conftest.py: a second module named `conftest` would shadow `tests/appliance/conftest.py` for
the tests that import from it. Test files import the fixtures they use from here.
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from core.models import (Application, ExpertCertificate, Invoice, ProfStandard, Qualification, QualificationOffer,
                         Role)
from core.services import exam_groups
from core.workflow import Status

EXAM_DAY = dt.date.today() + dt.timedelta(days=14)


class ExamSetup:
    """What the pages need, made directly in the database (the flows under test go through HTTP)."""

    day = EXAM_DAY

    def __init__(self, orgs, people, factory, plugins):
        self.orgs, self.people, self.factory, self.plugins = orgs, people, factory, plugins
        std = ProfStandard.create(code="16.025", name="Сварщик")
        self.qual = Qualification.create(spk=orgs["spk"], prof_standard=std, code="16.02500.03",
                                         name="Сварщик ручной дуговой сварки", level=3)
        for cok in (orgs["cok"], orgs["other_cok"]):
            QualificationOffer.create(cok=cok, qualification=self.qual)
        self.chair = self.certify(people["expert"])
        self.member = self.certify(factory.user(Role.EXPERT, orgs["spk"], full_name="Зайцева Ольга Игоревна"))
        cok = orgs["cok"]
        cok.inn, cok.signer_name, cok.signer_position = "7707083893", "Орлов Игорь Петрович", "Директор"
        cok.save()

    def certify(self, expert, valid_to=None):
        ExpertCertificate.create(expert=expert, qualification=self.qual, valid_from=EXAM_DAY - dt.timedelta(days=30),
                                 valid_to=valid_to or EXAM_DAY + dt.timedelta(days=30), protocol_number="7",
                                 protocol_date=EXAM_DAY - dt.timedelta(days=31))
        return expert

    def applicant(self, full_name, *, paid=True, cok="cok", status=Status.PAID_DATE_AGREEMENT):
        user = self.factory.user(Role.APPLICANT, full_name=full_name, phone="+79024314444")
        app = Application.create(applicant=user, cok=self.orgs[cok], venue=self.orgs["venue"], qualification=self.qual,
                                 status=status.value, full_name=full_name, number=f"З-{user.id}")
        Invoice.create(number=f"С-{app.id}", cok=app.cok, application=app, payer_name=full_name,
                       amount=Decimal("9000.00"), contract_number=f"Д-{app.id}", issued_on=dt.date.today(),
                       paid_at=dt.datetime.now() if paid else None)
        return app

    def group(self, kind="theory", actor="cok_admin", seats=3, venue=None):
        form = exam_groups.GroupForm(date=EXAM_DAY.isoformat(), time="10:00", duration_minutes="90",
                                     venue=str((venue or self.orgs["venue"]).id), seats=str(seats),
                                     qualification=str(self.qual.id),
                                     expert_ids=(str(self.chair.id), str(self.member.id)),
                                     chair_ids=(str(self.chair.id),))
        return exam_groups.create_group(self.people[actor], kind, form)


    def assign(self, group, *names, **applicant_options):
        """Put new paid applicants into `group`; return their group members."""
        return [exam_groups.assign_application(self.people["cok_admin"], group,
                                               self.applicant(name, **applicant_options), self.plugins)
                for name in names]


@pytest.fixture
def setup(orgs, people, factory, services):
    return ExamSetup(orgs, people, factory, services.plugins)


def post_fields(web, path, data):
    """POST a form whose fields repeat (checkboxes): `WebClient.post` would send a list as one string."""
    return web.post(path, data)


def download(web, path):
    """GET a file: `WebClient.get` would decode the body as text."""
    return web.get(path)


def facsimile_png() -> bytes:
    """A drawn signature as the «Ваша подпись» pad would save it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (90, 15), (230, 50)], fill=(0, 0, 90, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
