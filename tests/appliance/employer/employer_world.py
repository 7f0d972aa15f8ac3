"""Employer web fixtures: ЦОК «Профи» of `orgs` assesses qualifications of one профстандарт at «Площадка «Север»;
«СтройМонтаж» (the employer of `orgs`) and a second employer sign in through their own browsers.

Not a conftest.py: a second module named `conftest` would shadow `tests/appliance/conftest.py` for the
tests that import from it. Test files import the fixtures they use from here (`FIXTURES`).
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from markupsafe import escape

from core.demo_data import SBER_MOSCOW, inn10, ogrn13, settlement_account
from core.models import (DocumentKind, ExamSlot, GroupApplication, GroupApplicationRow, OrgKind, ProfStandard,
                         Qualification, QualificationOffer, Role, StoredDocument)
from core.services import group_applications as groups

EMPLOYER = "/cabinet/employer"


def pdf_bytes() -> bytes:
    """A real one-page PDF (uploads are checked by content)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def valid_requisites() -> dict[str, str]:
    return {"inn": inn10("770812345"), "kpp": "770801001", "ogrn": ogrn13("102770012345"),
            "bank_name": SBER_MOSCOW.name, "bik": SBER_MOSCOW.bik, "corr_account": SBER_MOSCOW.corr_account,
            "settlement_account": settlement_account(SBER_MOSCOW.bik, "40702", "38000054321")}


class EmployerWorld:
    """The ЦОК's catalogue and ready-made group applications, made directly in the database."""

    def __init__(self, orgs, people, factory, services):
        self.orgs, self.people, self.factory, self.services = orgs, people, factory, services
        spk, cok = orgs["spk"], orgs["cok"]
        self.standard = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
        self.other_standard = ProfStandard.create(code="16.025", name="Сварщик")
        make = Qualification.create
        self.qual = make(spk=spk, prof_standard=self.standard, code="40.05400.01", name="Специалист по охране труда",
                         level=6)
        self.qual2 = make(spk=spk, prof_standard=self.standard, code="40.05400.02",
                          name="Руководитель службы охраны труда", level=7)
        self.not_offered = make(spk=spk, prof_standard=self.standard, code="40.05400.03",
                                name="Специалист по охране труда в организации", level=5)
        self.welder = make(spk=spk, prof_standard=self.other_standard, code="16.02500.03", name="Сварщик", level=3)
        for qual in (self.qual, self.qual2, self.welder):
            QualificationOffer.create(cok=cok, qualification=qual)
        QualificationOffer.create(cok=orgs["other_cok"], qualification=self.qual)
        self.other_venue = factory.org(OrgKind.VENUE, parent=orgs["other_cok"], short_name="Площадка «Юг»")
        employer = orgs["employer"]
        for name, value in valid_requisites().items():
            setattr(employer, name, value)
        employer.email = "office@stroy.ru"
        employer.save()
        self.operator = factory.user(Role.OPERATOR, employer, email="op@stroy.ru", full_name="Котова Анна Игоревна")
        self.stranger_org = factory.org(OrgKind.EMPLOYER, full_name="ООО «Чужой»", short_name="Чужой")
        self.stranger = factory.user(Role.ADMIN, self.stranger_org, email="boss@other.ru",
                                     full_name="Чужаков Пётр Петрович")

    def group(self, status=groups.GroupStatus.SUBMITTED, *, people=3, employer=None, qual=None):
        """A group application with one row (qualification × people × «Север») and a document of the organisation."""
        employer = employer or self.orgs["employer"]
        creator = self.people["employer_admin"] if employer == self.orgs["employer"] else self.stranger
        group = GroupApplication.create(employer=employer, cok=self.orgs["cok"], prof_standard=self.standard,
                                        status=status.value, created_by=creator,
                                        number=None)
        if status is not groups.GroupStatus.DRAFT:
            group.number = f"ГЗ-Т-{group.id:05d}"
            group.save()
        GroupApplicationRow.create(group_application=group, qualification=qual or self.qual,
                                   venue=self.orgs["venue"], people_count=people)
        if not groups.organisation_documents(employer).exists():
            ref = self.services.blobs.put(pdf_bytes())
            StoredDocument.create(owner=creator, kind=DocumentKind.ORGANISATION.value, title="Устав",
                                  filename="устав.pdf", content_type="application/pdf", size=ref.size,
                                  digest=ref.digest)
        return group

    def slot(self, days=7, hour=9, seats=5, qual=None, venue=None):
        day = dt.date.today() + dt.timedelta(days=days)
        return ExamSlot.create(venue=venue or self.orgs["venue"], qualification=qual or self.qual,
                               starts_at=dt.datetime.combine(day, dt.time(hour, 0)), seats=seats)


@pytest.fixture
def world(orgs, people, factory, services):
    return EmployerWorld(orgs, people, factory, services)


@pytest.fixture
def employer_web(world, signed_in):
    return signed_in(world.people["employer_admin"])


@pytest.fixture
def operator_web(world, signed_in):
    return signed_in(world.operator)


@pytest.fixture
def stranger_web(world, signed_in):
    return signed_in(world.stranger)


class FormPage:
    """Reading a re-shown form: the error under a field and the input it kept."""

    @staticmethod
    def error(page, field: str) -> str:
        match = re.search(rf'<p class="error" id="{field}-error" role="alert">([^<]*)</p>', page.text)
        return match.group(1) if match else ""

    @staticmethod
    def kept(page, field: str, value: str) -> bool:
        return f'name="{field}" value="{escape(value)}"' in page.text

    def assert_refused(self, page, field: str, value: str | None = None, *, words: str = "") -> str:
        """A 422 page whose message under `field` is Russian (and says `words`), keeping `value`."""
        message = self.error(page, field)
        assert page.status_code == 422, page.text[:2000]
        assert message and not message.isascii(), f"нет сообщения у поля {field}: {page.text[:3000]}"
        assert words in message, message
        if value is not None:
            assert self.kept(page, field, value), f"поле {field} не сохранило «{value}»"
        return message


@pytest.fixture
def form_page():
    return FormPage()


@pytest.fixture
def pdf():
    return pdf_bytes()


FIXTURES = ("world", "employer_web", "operator_web", "stranger_web", "form_page", "pdf")



def upload(web, path: str, fields: dict[str, str], filename: str | None, content: bytes = b""):
    """Post the document form like a browser (multipart, CSRF token in the URL)."""
    files = {"file": (filename, content, "application/octet-stream")} if filename is not None else None
    return web.upload(path, fields, files)
