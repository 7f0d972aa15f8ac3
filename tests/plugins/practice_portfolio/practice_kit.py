"""Fixtures of the practice_portfolio tests: a started practice group with a commission on the real app
(`services`/`app` of `appliance.testing`), signed-in browsers for staff and experts, a candidate's station.

A module with its own name rather than a conftest.py: test files import it (fixtures included).
"""
from __future__ import annotations

import io
import zipfile

import pytest

from appliance.testing import login
from core.models import ExamAttempt, GroupMember, OrgKind, Role
from core.testing import WebClient
from core.testing_exam import ExamDayWorld, kos_document, store_kos

CHAIR = "chair@spk.ru"
EXPERT = "expert@spk.ru"
OUTSIDER = "outsider@spk.ru"
COK = "admin@cok.ru"
VENUE = "admin@venue.ru"
OTHER_COK = "admin@yug.ru"
TAKE = "/p/practice_portfolio/take"


class PracticeWorld:
    """A ЦОК with a venue, another ЦОК, a qualification with SMALL_KOS, a commission (chair + expert)
    and a third certified expert outside it."""

    def __init__(self, factory, services, app):
        self.factory, self.app, self.plugins, self.blobs = factory, app, services.plugins, services.blobs
        spk = factory.org(OrgKind.SPK, short_name="СПК")
        self.cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Профи»")
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok, short_name="Площадка «Север»",
                                 full_name="Экзаменационная площадка «Север»")
        self.other_cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Юг»")
        factory.user(Role.ADMIN, self.cok, email=COK)
        factory.user(Role.ADMIN, self.venue, email=VENUE)
        factory.user(Role.ADMIN, self.other_cok, email=OTHER_COK)
        self.exam = ExamDayWorld(
            factory, self.cok, self.venue,
            chair=factory.user(Role.EXPERT, spk, email=CHAIR, full_name="Волков Павел Андреевич"),
            member=factory.user(Role.EXPERT, spk, email=EXPERT, full_name="Зайцева Ольга Игоревна"))
        self.chair, self.expert = self.exam.chair, self.exam.expert
        self.outsider = self.exam.certify(factory.user(Role.EXPERT, spk, email=OUTSIDER,
                                                       full_name="Сторонний Эксперт Петрович"))

    def started(self, *names: str, **options):
        """A started practice group whose admitted candidates («Теория сдана») hold access codes."""
        return self.exam.started_group(*names, kind="practice", **options)

    def at_task(self, name: str = "Соколов Дмитрий Олегович"):
        """One candidate of a started practice group whose station shows the task: (group, member, station,
        attempt)."""
        group, (member,) = self.started(name)
        station = self.station(member)
        return group, member, station, ExamAttempt.get(ExamAttempt.member == member.id)

    def with_portfolio(self, name: str = "Белова Анна Сергеевна", **fields):
        """A candidate of a started group whose КОС offers the portfolio only, the portfolio file attached."""
        store_kos(self.exam.qual, kos_document(version="2026.2", practice=None))
        _, (member,) = self.started(name)
        application = member.application
        application.portfolio_digest = self.blobs.put(pdf_bytes("Портфолио")).digest
        for field, value in fields.items():
            setattr(application, field, value)
        application.save()
        return member

    def browser(self, email: str | None = None) -> WebClient:
        web = WebClient(self.app)
        return login(web, email) if email else web

    def station(self, member: GroupMember) -> WebClient:
        """A station signed in with the member's access code, on the task page the kiosk sends it to."""
        web = WebClient(self.app)
        web.get("/kiosk")
        done = web.post("/kiosk", {"code": GroupMember.get_by_id(member.id).access_code})
        assert done.status_code == 303 and done.headers["location"] == TAKE, done.text
        assert web.get(done.headers["location"]).status_code == 200
        return web


@pytest.fixture
def practice(services, app, factory) -> PracticeWorld:
    services.db.connect(reuse_if_open=True)
    return PracticeWorld(factory, services, app)


def hand_in(station: WebClient, name: str = "отчёт.pdf", data: bytes | None = None,
            content_type: str = "application/pdf", **options):
    """Upload a result file from the station (a one-page PDF report unless told otherwise)."""
    return station.upload(f"{TAKE}/files", files={"file": (name, pdf_bytes() if data is None else data,
                                                           content_type)}, **options)


# --- files as candidates make them ---------------------------------------------------------------

def pdf_bytes(text: str = "Отчёт") -> bytes:
    """A one-page PDF (WeasyPrint is heavy: pypdf writes a blank page)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Перечень мер по снижению рисков")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    """The parts Excel needs to call a ZIP a workbook."""
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": b"<worksheet/>"})
