"""КОС page tests: qualifications offered by the fixture ЦОК, signed-in browsers, the asset files."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from core.models import ProfStandard, Qualification, QualificationOffer
from core.testing import TEST_PASSWORD
from core.testing_exam import SMALL_KOS

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "kos"
JSON = "application/json"


def asset(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


def kos_json(**overrides) -> bytes:
    doc = copy.deepcopy(SMALL_KOS)
    doc.update(overrides)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


class KosPagesWorld:
    """«Специалист по охране труда» offered by ЦОК «Профи» and ЦОК «Юг»; a second level only by «Профи»."""

    def __init__(self, orgs):
        std = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
        self.qual = Qualification.create(spk=orgs["spk"], prof_standard=std, code="40.05400.01",
                                         name="Специалист по охране труда", level=6)
        self.senior = Qualification.create(spk=orgs["spk"], prof_standard=std, code="40.05400.02",
                                           name="Специалист по охране труда", level=7)
        for cok in (orgs["cok"], orgs["other_cok"]):
            QualificationOffer.create(cok=cok, qualification=self.qual)
        QualificationOffer.create(cok=orgs["cok"], qualification=self.senior)
        self.orgs = orgs

    def url(self, qualification=None, cabinet: str = "cok") -> str:
        return f"/cabinet/{cabinet}/qualifications/{(qualification or self.qual).id}/kos"


def sign_in(new_web, email: str):
    web = new_web()
    page = web.login(email, TEST_PASSWORD)
    assert page.status_code == 303, page.text
    return web
