"""NarkTestServer itself is strict: a client that drifts from the format gets 400."""
from __future__ import annotations

import http.client
import json
import threading

import pytest

from nark_kit import CERTIFICATE, payload
from plugins.nark_export.providers import NarkRegistry
from plugins.nark_export.testing import NarkTestServer, schema_errors

GOOD_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
                "Idempotency-Key": CERTIFICATE["document_id"]}


@pytest.fixture
def nark():
    with NarkTestServer() as server:
        yield server


def send(nark: NarkTestServer, body: bytes | dict | None = None, headers: dict | None = None,
         method: str = "POST", path: str = "/records") -> tuple[int, dict]:
    data = json.dumps(CERTIFICATE if body is None else body, ensure_ascii=False).encode() \
        if not isinstance(body, bytes) else body
    connection = http.client.HTTPConnection("127.0.0.1", int(nark.url.rsplit(":", 1)[1]), timeout=5)
    try:
        connection.request(method, path, body=data if method == "POST" else None,
                           headers=GOOD_HEADERS if headers is None else headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_a_correct_request_is_accepted(nark):
    status, answer = send(nark)
    assert status == 201 and answer["registration_number"] == nark.number_for(CERTIFICATE["document_id"])
    assert nark.received == [CERTIFICATE]


@pytest.mark.parametrize("headers, words", [
    ({**GOOD_HEADERS, "Content-Type": "application/json"}, "Content-Type"),
    ({**GOOD_HEADERS, "Content-Type": "text/plain; charset=utf-8"}, "Content-Type"),
    ({k: v for k, v in GOOD_HEADERS.items() if k != "Accept"}, "Accept"),
    ({k: v for k, v in GOOD_HEADERS.items() if k != "Idempotency-Key"}, "Idempotency-Key"),
    ({**GOOD_HEADERS, "Idempotency-Key": "another-key"}, "не совпадает с document_id"),
])
def test_header_deviation_is_400(nark, headers, words):
    status, answer = send(nark, headers=headers)
    assert status == 400 and words in answer["error"]
    assert nark.received == []


@pytest.mark.parametrize("body, words", [
    (b"{not json", "не JSON"),
    ("Иванов".encode("cp1251"), "не JSON"),
    ([CERTIFICATE], "ожидается объект"),
    ({**CERTIFICATE, "snils": "112-233-445 95"}, "лишнее поле snils"),
    (payload(cok={"full_name": "ЦОК", "inn": "7736050003"}), "нет поля cok.registry_number"),
    ({k: v for k, v in CERTIFICATE.items() if k != "duplicate_of"}, "нет поля duplicate_of"),
    (payload(qualification__level="6"), "qualification.level"),
    (payload(exam_date="18.11.2026"), "exam_date"),
    (payload(full_name=" Иванов"), "full_name"),
    (payload(is_duplicate=0), "is_duplicate"),
])
def test_body_deviation_is_400(nark, body, words):
    status, answer = send(nark, body=body)
    assert status == 400 and words in answer["error"]


def test_other_paths_and_methods(nark):
    assert send(nark, path="/record")[0] == 404
    assert send(nark, method="GET")[0] == 405
    assert [request.status for request in nark.requests] == [404, 405]


def test_schema_check_lists_every_problem():
    assert schema_errors(CERTIFICATE) == []
    assert schema_errors(payload(spk={"inn": "1"}, extra=1)) == [
        "лишнее поле extra", "нет поля spk.full_name", "поле spk.inn: недопустимое значение '1'"]


def test_waits_for_a_background_sender_and_releases_its_port():
    server = NarkTestServer(year=2031).start()
    target = NarkRegistry({"url": server.url})
    sender = threading.Thread(target=target.export, args=("certificate", CERTIFICATE["document_id"], CERTIFICATE))
    sender.start()
    assert server.wait_for(1)
    sender.join()
    assert server.number_for(CERTIFICATE["document_id"]).endswith(".00000001.31")
    server.stop()
    with pytest.raises(RuntimeError):
        server.url
