"""Fixtures of the practice_portfolio tests: a started practice group with a commission, the real app
with every built-in plugin, signed-in browsers for staff and experts, and a candidate's station.

A module with its own name rather than a conftest.py: test files import it (fixtures included).
"""
from __future__ import annotations

import io
import zipfile

import pytest

from appliance.bootstrap import open_services
from appliance.web.app import create_app
from core.models import GroupMember, OrgKind, Role
from core.plugins import BUILTIN_PLUGINS, PluginHost
from core.testing import TEST_PASSWORD, WebClient
from core.testing_exam import ExamDayWorld

CHAIR = "chair@spk.ru"
EXPERT = "expert@spk.ru"
OUTSIDER = "outsider@spk.ru"
COK = "admin@cok.ru"
VENUE = "admin@venue.ru"
OTHER_COK = "admin@yug.ru"


class PracticeWorld:
    """A ЦОК with a venue, another ЦОК, a qualification with SMALL_KOS, a commission (chair + expert)
    and a third certified expert outside it."""

    def __init__(self, factory, app, plugins):
        self.factory, self.app, self.plugins = factory, app, plugins
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

    def browser(self, email: str | None = None) -> WebClient:
        web = WebClient(self.app)
        if email:
            web.login(email, TEST_PASSWORD)
        return web

    def station(self, member: GroupMember) -> WebClient:
        """A station signed in with the member's access code, on the task page the kiosk sends it to."""
        web = WebClient(self.app)
        web.get("/kiosk")
        done = web.post("/kiosk", {"code": GroupMember.get_by_id(member.id).access_code})
        assert done.status_code == 303 and done.headers["location"] == "/p/practice_portfolio/take", done.text
        assert web.get(done.headers["location"]).status_code == 200
        return web


@pytest.fixture
def pp_services(nok_config):
    svc = open_services(nok_config, PluginHost.with_plugins(BUILTIN_PLUGINS))
    yield svc
    svc.db.close()


@pytest.fixture
def practice(pp_services, factory) -> PracticeWorld:
    app = create_app(pp_services)
    pp_services.db.connect(reuse_if_open=True)
    return PracticeWorld(factory, app, pp_services.plugins)


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
