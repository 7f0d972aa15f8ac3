"""Exam-station fixtures: an exam-day world at the ЦОК «Профи» of `orgs` and station helpers.

Not a conftest.py (it would shadow tests/appliance/conftest.py); test files import from here.
"""
from __future__ import annotations

import json

import pytest

from core.testing_exam import ExamDayWorld


@pytest.fixture
def exam_world(services, orgs, factory) -> ExamDayWorld:
    return ExamDayWorld(factory, orgs["cok"], orgs["venue"])


def sign_in(client, code: str, **fields):
    """Open /kiosk like a station browser and type the code (and login fields)."""
    client.get("/kiosk")
    return client.post("/kiosk", {"code": code, **fields})


def post_json(client, path: str, payload, *, csrf: str | None = None):
    """What the page's script sends: JSON with the station's token in X-CSRF-Token."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    return client.client.simulate_post(path, body=json.dumps(payload), headers=client._headers(headers))
