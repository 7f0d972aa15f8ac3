"""Fixtures of the theory_exam page tests: the real app with the built-in plugins, an exam-day
world, and station/cabinet browsers. Test files import what they use from here.
"""
from __future__ import annotations

import json

import pytest

from appliance.bootstrap import open_services
from appliance.web.app import create_app
from core.models import OrgKind
from core.plugins import BUILTIN_PLUGINS, PluginHost
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
def exam_services(nok_config):
    svc = open_services(nok_config, PluginHost.with_plugins(BUILTIN_PLUGINS))
    svc.db.connect(reuse_if_open=True)
    yield svc
    svc.db.close()


@pytest.fixture
def browser(exam_services):
    """Open a new independent browser on the real app."""
    app = create_app(exam_services)
    return lambda: WebClient(app)


@pytest.fixture
def world(exam_services, factory) -> ExamDayWorld:
    spk = factory.org(OrgKind.SPK, short_name="СПК Охрана труда")
    cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Профи»")
    return ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok, short_name="Площадка «Север»"),
                        kos=FULL_KOS)


def station(browser, code: str) -> WebClient:
    """A station browser signed in with `code` and showing the test (the attempt has started)."""
    client = browser()
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


def right_answer(question):
    """The fully right response to a variant question (from its key)."""
    key = question["key"]
    return {"single": lambda: key["correct"], "multiple": lambda: key["correct"],
            "matching": lambda: key["pairs"], "ordering": lambda: key["order"],
            "text": lambda: key["answers"][0], "number": lambda: str(key["answer"]).replace(".", ",")
            }[question["type"]]()
