"""NarkRegistry.export against a real HTTP server on loopback (NarkTestServer)."""
from __future__ import annotations

import datetime as dt
import logging
import re
import socket

import pytest

from nark_kit import CERTIFICATE, conclusion, duplicate, payload
from core.exceptions import ConfigError, NokError, PermanentError, TransientError, ValidationError
from core.testing import free_port
from plugins.nark_export.providers import NarkRegistry
from plugins.nark_export.testing import NarkTestServer

TOKEN = "nark-token-Zq81x"
DOC = CERTIFICATE["document_id"]
NUMBER = "40.05400.01.00000042.26"


@pytest.fixture
def nark():
    with NarkTestServer(token=TOKEN) as server:
        yield server


@pytest.fixture
def target(nark) -> NarkRegistry:
    return NarkRegistry({"url": nark.url, "token": TOKEN})


def export(target: NarkRegistry, record: dict | None = None):
    record = record or payload()
    return target.export(record["kind"], record["document_id"], record)


def test_record_is_sent_and_registration_number_returned(nark, target):
    receipt = export(target)
    year = dt.date.today().year % 100
    assert re.fullmatch(rf"40\.05400\.01\.\d{{8}}\.{year:02d}", receipt.external_id)
    assert receipt.accepted_at.tzinfo is not None
    assert nark.received == [CERTIFICATE]
    assert nark.number_for(DOC) == receipt.external_id
    (request,) = nark.requests
    assert (request.method, request.path, request.status) == ("POST", "/records", 201)
    assert request.headers["idempotency-key"] == DOC
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.headers["accept"] == "application/json"
    assert "Иванов Иван Иванович".encode() in request.body


def test_base_address_may_end_with_a_slash_and_documents_get_their_own_numbers(nark):
    target = NarkRegistry({"url": nark.url + "/", "token": TOKEN, "timeout": "5"})
    numbers = {export(target, record).external_id for record in (payload(), conclusion(), duplicate())}
    assert len(numbers) == 3
    assert [record["kind"] for record in nark.received] == ["certificate", "conclusion", "certificate"]
    assert nark.received[2]["duplicate_of"] == "40.05400.01.00000007.26"


def test_resending_gives_the_same_number_and_no_second_record(nark, target):
    first, second = export(target), export(target)
    assert first.external_id == second.external_id
    assert len(nark.received) == 1
    assert [request.status for request in nark.requests] == [201, 200]


def test_conflict_on_the_same_key_is_the_earlier_acceptance():
    with NarkTestServer(conflict_on_repeat=True) as nark:
        target = NarkRegistry({"url": nark.url})
        first, second = export(target), export(target)
        assert second.external_id == first.external_id
        assert [request.status for request in nark.requests] == [201, 409]
        assert "authorization" not in nark.requests[0].headers


def test_conflict_with_other_data_stops_the_record(nark, target):
    export(target)
    with pytest.raises(PermanentError, match=r"конфликте записи \(HTTP 409\): Запись с этим ключом уже принята"):
        export(target, payload(full_name="Иванов Иван Петрович"))
    nark.respond_next(409, {"registration_number": NUMBER, "accepted_at": "2026-11-23T10:00:00+03:00",
                            "document_id": "someone-else"})
    with pytest.raises(PermanentError, match="409"):
        export(target)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429, 408])
def test_unavailable_nark_is_transient_and_the_resend_succeeds(nark, target, status):
    nark.fail_next(1, status=status)
    with pytest.raises(TransientError, match=rf"^НАРК недоступен \(HTTP {status}\)"):
        export(target)
    assert nark.received == []
    assert export(target).external_id == nark.number_for(DOC)


@pytest.mark.parametrize("status", [400, 422])
def test_rejection_is_a_validation_error_with_narks_reason(nark, target, status):
    if status == 422:
        nark.reject(DOC, "ЦОК с ИНН 7736050003 не найден в реестре ЦОК")
    else:
        nark.respond_next(400, {"error": "Поле\x07 full_name\nзаполнено неверно"})
    with pytest.raises(ValidationError) as caught:
        export(target)
    reason = "ЦОК с ИНН 7736050003 не найден в реестре ЦОК" if status == 422 else "Поле full_name заполнено неверно"
    assert caught.value.message == f"НАРК отклонил запись (HTTP {status}): {reason}."
    assert nark.received == []


def test_rejection_holds_until_allowed(nark, target):
    nark.reject(DOC, "Неверные данные")
    for _ in range(2):
        with pytest.raises(ValidationError, match="Неверные данные"):
            export(target)
    nark.allow(DOC)
    assert export(target).external_id


def test_rejection_without_reason_says_so(nark, target):
    nark.respond_next(422, {})
    with pytest.raises(ValidationError, match=r"HTTP 422\): причина не указана"):
        export(target)


@pytest.mark.parametrize("token", [None, "wrong-token-Qx"])
def test_wrong_token_is_a_configuration_error(nark, token):
    with pytest.raises(ConfigError) as caught:
        export(NarkRegistry({"url": nark.url, "token": token}))
    assert "HTTP 401" in str(caught.value) and "токен" in str(caught.value)
    assert "wrong-token-Qx" not in str(caught.value)
    assert nark.requests[0].status == 401


@pytest.mark.parametrize("status, words", [(403, "токен"), (404, "адрес"), (307, "адрес")])
def test_forbidden_missing_or_moved_endpoint_is_a_configuration_error(nark, target, status, words):
    nark.respond_next(status, {"error": "нет"}, headers={"Location": nark.url + "/records"})
    with pytest.raises(ConfigError, match=rf"HTTP {status}.*{words}"):
        export(target)
    assert len(nark.requests) == 1  # a redirect is never followed


@pytest.mark.parametrize("answer", [
    {"accepted_at": "2026-11-23T10:00:00+00:00"},
    {"registration_number": "40.05400.01.42.26", "accepted_at": "2026-11-23T10:00:00+00:00"},
    {"registration_number": NUMBER},
    {"registration_number": NUMBER, "accepted_at": "вчера"},
])
def test_answer_without_a_proper_number_or_date_is_not_a_success(nark, target, answer):
    nark.respond_next(201, answer)
    with pytest.raises(PermanentError, match="запись не отмечена как внесённая"):
        export(target)


def test_acceptance_time_without_zone_is_utc(nark, target):
    nark.respond_next(200, {"registration_number": NUMBER, "accepted_at": "2026-11-23T10:00:00"})
    receipt = export(target)
    assert receipt.external_id == NUMBER
    assert receipt.accepted_at == dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc)


def test_unexpected_status_is_permanent(nark, target):
    nark.respond_next(418, {"error": "Я чайник"})
    with pytest.raises(PermanentError, match=r"неожиданно \(HTTP 418\): Я чайник"):
        export(target)


def test_unreachable_port_is_transient():
    target = NarkRegistry({"url": f"http://127.0.0.1:{free_port()}", "token": TOKEN})
    with pytest.raises(TransientError, match="^НАРК недоступен: сервер отклонил соединение"):
        export(target)


def test_silent_server_times_out_as_transient():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        target = NarkRegistry({"url": f"http://127.0.0.1:{listener.getsockname()[1]}", "timeout": 0.2})
        with pytest.raises(TransientError, match=r"истекло время ожидания ответа \(0\.2 с\)"):
            export(target)


@pytest.mark.parametrize("url", [None, "", "   "])
def test_without_an_address_the_files_are_uploaded_by_hand(url):
    with pytest.raises(ValidationError) as caught:
        export(NarkRegistry({"url": url, "token": TOKEN}))
    assert caught.value.message == "Адрес НАРК не настроен: выгрузите файл и внесите номера вручную."


@pytest.mark.parametrize("settings, words", [
    ({"url": "ftp://nark.example.ru"}, "https://"),
    ({"url": "nark.example.ru"}, "https://"),
    ({"url": "http://nark.example.ru", "token": TOKEN}, "защищённому соединению"),
    ({"url": "https://user:secret-pw@nark.example.ru"}, "имя пользователя и пароль"),
    ({"url": "https://nark.example.ru/api?x=1"}, "параметров"),
    ({"url": "https://nark.example.ru", "token": "два слова"}, "недопустимые символы"),
    ({"url": "https://nark.example.ru", "timeout": "долго"}, "числом секунд"),
    ({"url": "https://nark.example.ru", "timeout": 0}, "от 0 до 300"),
])
def test_bad_settings_are_refused_before_sending(settings, words):
    with pytest.raises(ConfigError, match=words) as caught:
        export(NarkRegistry(settings))
    assert "secret-pw" not in str(caught.value) and TOKEN not in str(caught.value)


def test_bad_record_is_refused_before_sending(nark, target):
    with pytest.raises(ValidationError, match="«ФИО»"):
        export(target, payload(full_name=""))
    assert nark.requests == []


def test_token_appears_in_no_message_and_no_log(nark, target, caplog):
    caplog.set_level(logging.DEBUG)
    messages = [export(target).external_id]
    nark.fail_next(1)
    nark.reject(conclusion()["document_id"], "Неверные данные")
    for record in (payload(), conclusion()):
        with pytest.raises(NokError) as caught:
            export(target, record)
        messages.append(str(caught.value))
    with pytest.raises(ConfigError) as caught:
        export(NarkRegistry({"url": nark.url, "token": TOKEN + "x"}))
    messages.append(str(caught.value))
    assert messages[1].startswith("НАРК недоступен") and "Неверные данные" in messages[2]
    assert all(TOKEN not in message for message in messages)
    assert TOKEN not in caplog.text
    assert DOC in caplog.text  # the acceptance is logged, by document id
    assert TOKEN not in repr(NarkRegistry({"url": nark.url, "token": TOKEN}))
