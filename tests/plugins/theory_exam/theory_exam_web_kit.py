"""Fixtures of the theory_exam page tests: an exam-day world on the real app (`services`, `new_web`
of `appliance.testing`) and station browsers. Test files import what they use from here.
"""
from __future__ import annotations

import json

import pytest

from core.models import OrgKind
from core.testing import WebClient
from core.testing_exam import SMALL_KOS, ExamDayWorld, kos_document

# Every question type in every variant: both sections drawn whole, plus one of two extra questions
# (so a bank question outside the variant always exists). 9 questions, 1 point each.
EXTRA = {"id": "s3", "title": "Медицинские осмотры", "questions": [
    {"id": "s3-q1", "type": "single", "text": "Кто оплачивает обязательный медицинский осмотр?", "points": 1,
     "options": [{"id": "a", "text": "Работодатель", "correct": True}, {"id": "b", "text": "Работник", "correct": False}]},
    {"id": "s3-q2", "type": "single", "text": "Нужен ли медосмотр при приёме на работу во вредных условиях?",
     "points": 1, "options": [{"id": "a", "text": "Да", "correct": True}, {"id": "b", "text": "Нет", "correct": False}]},
]}
FULL_KOS = kos_document(theory={
    **SMALL_KOS["theory"],
    "specification": {"time_limit_minutes": 30, "pass_points": 4,
                      "draw": [{"section": "s1", "count": 4}, {"section": "s2", "count": 4},
                               {"section": "s3", "count": 1}]},
    "sections": [*SMALL_KOS["theory"]["sections"], EXTRA]})


@pytest.fixture
def world(services, factory) -> ExamDayWorld:
    services.db.connect(reuse_if_open=True)
    spk = factory.org(OrgKind.SPK, short_name="СПК Охрана труда")
    cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Профи»")
    return ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok, short_name="Площадка «Север»"),
                        kos=FULL_KOS)


def station(new_web, code: str) -> WebClient:
    """A station browser signed in with `code` and showing the test (the attempt has started)."""
    client = new_web()
    client.get("/kiosk")
    result = client.post("/kiosk", {"code": code})
    assert result.status_code == 303, result.text
    page = client.get(result.headers["location"])
    assert page.status_code == 200, page.text
    return client


def post_json(client: WebClient, path: str, payload, *, csrf: str | None = "station"):
    """What the page's script sends: JSON with the page's token in X-CSRF-Token (None: no header)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if csrf is not None:
        headers["X-CSRF-Token"] = client.csrf if csrf == "station" else csrf
    return client.client.simulate_post(path, body=json.dumps(payload), headers=client._headers(headers))

