"""Соискатель web fixtures: real scans (checked by content and quality), multipart uploads, a ЦОК catalogue.

Not a conftest (one basename per tree): test files import the fixtures they use from here.

ЦОК «Профи» of `orgs` examines «Сварщик» at «Площадка «Север»; «ЦОК «Юг»» has a venue but
offers nothing. `ready_applicant` fills a cabinet through the services, so tests of the
application flow start from a complete cabinet.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re

import cv2
import numpy as np
import pytest

from core.models import DocumentKind, ExamSlot, OrgKind, ProfStandard, Qualification, QualificationOffer, Role
from core.services import applicant_profile as profiles
from core.services import application_forms as forms
from core.services.applications import change_status
from core.services.documents import add_cabinet_document, set_profile_photo
from core.testing import TEST_PASSWORD
from core.workflow import ActorKind

BASE = "/cabinet/applicant"
MAX_BYTES = 20 * 1024 * 1024
REQUIRED = (DocumentKind.PASSPORT_MAIN, DocumentKind.PASSPORT_REGISTRATION, DocumentKind.DIPLOMA,
            DocumentKind.WORK_BOOK, DocumentKind.SNILS)


def _years_ago(years: int) -> str:
    return profiles.add_years(dt.date.today(), -years).isoformat()


PERSONAL = {
    "last_name": "Соколов", "first_name": "Дмитрий", "middle_name": "Олегович", "birth_date": _years_ago(30),
    "snils": "112-233-445 95", "passport_series": "4506", "passport_number": "123456",
    "passport_issued_by": "ОВД района Сокол г. Москвы", "passport_issue_date": _years_ago(10),
    "passport_division_code": "772-001", "registration_address": "г. Москва, ул. Лизы Чайкиной, д. 1, кв. 2",
    "phone": "+7 916 000-11-22", "consent_accuracy": "1", "consent_pd": "1",
}


# --- files -----------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def scan_jpeg() -> bytes:
    """A sharp, readable page of text: no quality warnings."""
    page = np.full((1000, 700), 245, np.uint8)
    for line in range(28):
        cv2.putText(page, f"PASPORT 4506 123456 SOKOLOV {line}", (30, 40 + line * 34), cv2.FONT_HERSHEY_SIMPLEX,
                    0.8, 20, 2)
    return cv2.imencode(".jpg", page)[1].tobytes()


@functools.lru_cache(maxsize=None)
def dark_png() -> bytes:
    """The same page scanned far too dark («слишком тёмная»)."""
    page = cv2.imdecode(np.frombuffer(scan_jpeg(), np.uint8), cv2.IMREAD_GRAYSCALE)
    return cv2.imencode(".png", (page * 0.3).astype(np.uint8))[1].tobytes()


@functools.lru_cache(maxsize=None)
def photo_jpeg() -> bytes:
    photo = np.full((400, 300, 3), 180, np.uint8)
    cv2.circle(photo, (150, 170), 90, (120, 140, 200), -1)
    return cv2.imencode(".jpg", photo)[1].tobytes()


@functools.lru_cache(maxsize=None)
def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(web, path, fields=(), files=(), *, csrf=True):
    """POST a multipart form (fields in order, repeated names allowed; files as (name, filename, bytes, type))."""
    data: dict[str, list] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return web.upload(path, data, {name: (filename, content, ctype) for name, filename, content, ctype in files},
                      csrf=csrf)


def field_error(page_text: str, field: str) -> str:
    """The error shown under a field (`data-field`), or '' when there is none."""
    match = re.search(rf'data-field="{field}">([^<]*)<', page_text)
    return match.group(1) if match else ""


# --- the world -------------------------------------------------------------------------------------

class ApplicantWorld:
    """The catalogue the wizard offers, exam slots, and a way to fill a cabinet quickly."""

    def __init__(self, orgs, people, factory, services):
        self.orgs, self.people, self.factory, self.services = orgs, people, factory, services
        standard = ProfStandard.create(code="40.115", name="Сварщик")
        self.qual = Qualification.create(spk=orgs["spk"], prof_standard=standard, code="40.11500.03",
                                         name="Сварщик ручной дуговой сварки", level=3)
        self.not_offered = Qualification.create(spk=orgs["spk"], prof_standard=standard, code="40.11500.04",
                                                name="Сварщик-оператор", level=4)
        QualificationOffer.create(cok=orgs["cok"], qualification=self.qual)
        self.venue = orgs["venue"]
        self.venue.actual_address = "г. Москва, Ленинградский пр-т, д. 47"
        self.venue.save()
        self.south_venue = factory.org(OrgKind.VENUE, parent=orgs["other_cok"], short_name="Площадка «Юг»")
        self.applicant = people["applicant"]

    def slot(self, days_ahead=3, hour=9, seats=5, qualification=None):
        day = dt.date.today() + dt.timedelta(days=days_ahead)
        return ExamSlot.create(venue=self.venue, qualification=qualification or self.qual,
                               starts_at=dt.datetime.combine(day, dt.time(hour, 0)), seats=seats)

    def fill_cabinet(self, user=None, *, personal=None, photo=True, kinds=REQUIRED, dark=()):
        """Personal data, photo and one scan of each kind in `kinds` (those in `dark` too dark)."""
        user = user or self.applicant
        profile = profiles.get_profile(user)
        profiles.save_personal_data(profile, personal or PERSONAL)
        if photo:
            set_profile_photo(profile, io.BytesIO(photo_jpeg()), "фото.jpg", self.services.blobs, max_bytes=MAX_BYTES)
        documents = {}
        for kind in kinds:
            data, name = (dark_png(), f"{kind.value}.png") if kind in dark else (scan_jpeg(), f"{kind.value}.jpg")
            documents[kind] = add_cabinet_document(user, kind, io.BytesIO(data), name, self.services.blobs,
                                                   max_bytes=MAX_BYTES)
        return documents

    def send(self, user=None, documents=None):
        """A complete cabinet and an application sent from it (through the services)."""
        user = user or self.applicant
        documents = documents or self.fill_cabinet(user)
        form = forms.ApplicationForm(venue=str(self.venue.id), qualification=str(self.qual.id),
                                     documents=[str(d.id) for d in documents.values()])
        draft = forms.save_draft(user, form)
        return forms.send_application(user, draft, self.services.plugins, consent_accuracy=True, consent_pd=True,
                                      ack_quality=True)

    def centre_moves(self, application, *targets, comment=None):
        """The ЦОК moves the application on (as its staff would)."""
        for target in targets:
            change_status(application, target, ActorKind.CENTRE, self.people["cok_admin"], self.services.plugins,
                          comment=comment)
        return application

    def wizard_fields(self, documents, **extra):
        fields = [("qualification", self.qual.id), ("venue", self.venue.id), ("payer", "self"),
                  ("practical_form", "practice"), ("portfolio_link", "")]
        fields += [("documents", d.id) for d in documents.values()]
        fields += [("consent_accuracy", "1"), ("consent_pd", "1")]
        fields += list(extra.items())
        return fields


@pytest.fixture
def world(orgs, people, factory, services):
    return ApplicantWorld(orgs, people, factory, services)


def sign_in(new_web, email):
    """Another browser signed in as `email`, holding its session's CSRF token."""
    web = new_web()
    web.get(web.login(email, TEST_PASSWORD).headers["location"])
    return web


@pytest.fixture
def applicant_web(world, new_web):
    return sign_in(new_web, world.applicant.email)


@pytest.fixture
def other_applicant(world, factory):
    return factory.user(Role.APPLICANT, email="rival@mail.ru", full_name="Орлов Пётр Ильич")
