"""SIGKILL in the middle of an exam: after a restart every acknowledged answer is there and the
candidate continues with the right remaining time (ADR 0006).

`nok serve` (gunicorn master and workers) runs over a real SQLCipher file; a candidate signed in
at the kiosk keeps saving answers from a thread while the whole process group is killed.
"""
from __future__ import annotations

import http.client
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from appliance.bootstrap import open_services
from core.config import load_config
from core.models import AttemptAnswer, ExamAttempt, OrgKind
from core.plugins import PluginHost
from core.testing import ApplianceProcess, Factory, make_config
from core.testing_exam import ExamDayWorld

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STATION_CSRF = re.compile(r'data-csrf="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Station:
    """A kiosk browser: cookies, the CSRF token, JSON answer saves."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = ""

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=10) as reply:
                return reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as ex:
            return ex.code, ex.headers, ex.read()

    def sign_in(self, code: str) -> str:
        status, _, body = self.request("GET", "/kiosk")
        assert status == 200
        self.csrf = CSRF.search(body.decode()).group(1)
        form = urllib.parse.urlencode({"code": code, "csrf_token": self.csrf}).encode()
        status, headers, _ = self.request("POST", "/kiosk", form,
                                          {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303, status
        location = headers["Location"]
        status, _, body = self.request("GET", location)
        assert status == 200
        self.csrf = STATION_CSRF.search(body.decode()).group(1)  # the station's own token from now on
        return location

    def save(self, question: str, value) -> dict:
        body = json.dumps({"question": question, "value": value}).encode()
        status, _, reply = self.request("POST", "/p/theory_exam/take/answer", body,
                                        {"Content-Type": "application/json", "X-CSRF-Token": self.csrf})
        assert status == 200, (status, reply[:300])
        return json.loads(reply)

    def state(self) -> dict:
        status, _, reply = self.request("GET", "/p/theory_exam/take/state")
        assert status == 200, (status, reply[:300])
        return json.loads(reply)


@pytest.fixture
def exam(tmp_path):
    config = make_config(tmp_path / "data")
    services = open_services(config, PluginHost.load(config.plugins))
    factory = Factory()
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    world = ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok))
    _, members = world.started_group("Соколов Дмитрий Олегович", "Орлова Анна Сергеевна", duration_minutes=240)
    services.db.close()
    appliance = ApplianceProcess(config.config_file)
    appliance.start()
    yield appliance, [m.access_code for m in members], config.config_file
    appliance.stop()


def _variant(config_file) -> dict[str, list[dict]]:
    services = open_services(load_config(config_file), PluginHost.load([]), run_migrations=False)
    try:
        return {a.id: a.data["questions"] for a in ExamAttempt.select()}
    finally:
        services.db.close()


def _stored(config_file) -> dict[tuple[int, str], object]:
    services = open_services(load_config(config_file), PluginHost.load([]), run_migrations=False)
    try:
        return {(a.attempt_id, a.question_id): json.loads(a.value) for a in AttemptAnswer.select()}
    finally:
        services.db.close()


def _value(question: dict, n: int):
    """A well-formed answer that differs from one save to the next."""
    kind = question["type"]
    if kind in ("single", "multiple"):
        option = question["options"][n % len(question["options"])]["id"]
        return option if kind == "single" else [option]
    if kind == "matching":
        return {question["left"][0]["id"]: question["right"][n % len(question["right"])]["id"]}
    if kind == "ordering":
        ids = [i["id"] for i in question["items"]]
        return ids[n % len(ids):] + ids[:n % len(ids)]
    return str(n) if kind == "number" else f"ответ {n}"


def test_sigkill_mid_exam_loses_no_acknowledged_answer(exam):
    appliance, codes, config_file = exam
    station = Station(appliance.base)
    assert station.sign_in(codes[0]) == "/p/theory_exam/take"
    ((attempt_id, questions),) = _variant(config_file).items()

    acknowledged: dict[str, object] = {}
    in_flight: list = []  # the save sent when the power went: committed or not, it was never acknowledged
    last_reply: list = []
    stop = threading.Event()

    def answer_forever():
        n = 0
        while not stop.is_set():
            question = questions[n % len(questions)]
            value = _value(question, n)
            in_flight[:] = [question["id"], value]
            try:
                reply = station.save(question["id"], value)
            except (OSError, http.client.HTTPException, AssertionError):
                return  # the server is gone: this answer got no reply
            acknowledged[question["id"]] = value
            last_reply[:] = [reply["remaining"], time.monotonic()]
            n += 1

    writer = threading.Thread(target=answer_forever)
    writer.start()
    while len(acknowledged) < len(questions) or not last_reply:
        time.sleep(0.05)
    time.sleep(0.3)  # keep answering while the kill lands
    appliance.kill()
    stop.set()
    writer.join(timeout=30)
    remaining_before, at = last_reply

    stored = _stored(config_file)
    for question_id, value in acknowledged.items():
        newer = in_flight[1] if in_flight and in_flight[0] == question_id else value
        assert stored[(attempt_id, question_id)] in (value, newer), question_id

    appliance.start()
    state = station.state()
    elapsed = time.monotonic() - at
    assert not state["finished"]
    # the server clock kept running while the appliance was down; ±2 s for whole-second rounding
    assert abs(state["remaining"] - (remaining_before - elapsed)) <= 2
    shown = dict(state["answers"])
    if in_flight and shown.get(in_flight[0]) == in_flight[1]:
        shown[in_flight[0]] = acknowledged[in_flight[0]]  # the unacknowledged save that did land
    assert shown == acknowledged
    after = _value(questions[0], 7)
    station.save(questions[0]["id"], after)
    assert _stored(config_file)[(attempt_id, questions[0]["id"])] == after
