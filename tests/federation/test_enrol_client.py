"""Enrolment against a tiny real HTTP registry (http.server in a thread): keys pinned both ways by the
one-time code's HMAC; a wrong code, a tampered answer and an unreachable registry store nothing."""
from __future__ import annotations

import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from federation_kit import registry  # noqa: F401 (fixture)
from appliance import cli
from core.exceptions import ValidationError
from core.testing import free_port
from federation.enrol_client import EnrolmentError, RegistryOfflineError, enrol
from federation.identity import default_appliance_id, key_dir, load_keys
from federation.keys import PublicKeys, generate_registry_keys
from federation.models import OutboxItem, RegistryLink
from federation.protocol import ENROL_PATH, check_enrol_mac, code_hash, enrol_mac

CODE = "ABCD-EFGH-JKLM-NPQR"


class EnrolRegistry:
    """The registry's POST /federation/enrol: checks the code and the MAC, answers its keys with a MAC."""

    def __init__(self, code: str = CODE, endpoint: str = "tcp://127.0.0.1:7701"):
        self.code_hash, self.code = code_hash(code), code
        self.keys = generate_registry_keys()
        self.endpoint = endpoint
        self.requests: list[dict] = []
        self.tamper = False  # change the endpoint after computing the MAC (a man in the middle)
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                registry.requests.append(body)
                status, answer = registry.answer(self.path, body)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, body: dict) -> tuple[int, dict]:
        if path != ENROL_PATH:
            return 404, {"error": "Не найдено"}
        try:
            if body["code_id"] != self.code_hash or "code" in body:  # the code itself never travels
                raise ValueError("code")
            check_enrol_mac(self.code, "appliance", {"appliance_id": body["appliance_id"], "keys": body["keys"]},
                            body["mac"])
            PublicKeys.from_info(body["keys"])
        except Exception:  # noqa: BLE001 — any fault of the request is the same refusal
            return 403, {"error": "Код подключения неверен, уже использован или истёк"}
        info = {"registry_endpoint": self.endpoint, "keys": self.keys.public_info()}
        mac = enrol_mac(self.code, "registry", info)
        if self.tamper:
            info["registry_endpoint"] = "tcp://attacker.example:7701"
        return 200, {**info, "mac": mac}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_registry():
    with EnrolRegistry() as reg:
        yield reg


def test_enrol_pins_the_registry_and_sends_the_appliance_keys(services, http_registry):
    link = enrol(services, registry_url=http_registry.url + "/", code=CODE.lower(), title="ЦОК «Охрана труда», зал 1")
    keys = load_keys(services.config)
    (request,) = http_registry.requests
    assert request["keys"] == keys.public_info() and request["title"] == "ЦОК «Охрана труда», зал 1"
    assert request["appliance_id"] == default_appliance_id(keys) == link.appliance_id
    assert link.appliance_id.startswith("nok-")
    info = http_registry.keys.public_info()
    assert (link.registry_signing_key, link.registry_hpke_key, link.registry_curve_key) == (
        info["signing_public_key"], info["hpke_public_key"], info["curve_public_key"])
    assert link.registry_url == http_registry.url and link.registry_endpoint == "tcp://127.0.0.1:7701"
    assert link.next_serial == 1 and RegistryLink.select().count() == 1
    for path in key_dir(services.config).iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_wrong_code_is_refused_with_the_registrys_words(services, http_registry):
    with pytest.raises(EnrolmentError, match="отказал в подключении: Код подключения неверен"):
        enrol(services, registry_url=http_registry.url, code="WXYZ-WXYZ-WXYZ-WXYZ")
    assert RegistryLink.select().count() == 0


def test_tampered_answer_is_not_pinned(services, http_registry):
    http_registry.tamper = True
    with pytest.raises(EnrolmentError, match="не подтверждён кодом подключения"):
        enrol(services, registry_url=http_registry.url, code=CODE)
    assert RegistryLink.select().count() == 0


def test_unreachable_registry_is_a_clear_error(services):
    with pytest.raises(RegistryOfflineError, match="недоступен по адресу"):
        enrol(services, registry_url=f"http://127.0.0.1:{free_port()}", code=CODE, timeout=2)
    assert RegistryLink.select().count() == 0


def test_bad_input_is_refused_before_any_request(services, http_registry):
    with pytest.raises(ValidationError, match="Адрес реестра"):
        enrol(services, registry_url="ftp://registry", code=CODE)
    with pytest.raises(ValidationError, match="Укажите код"):
        enrol(services, registry_url=http_registry.url, code=" - ")
    with pytest.raises(ValidationError, match="Идентификатор устройства"):
        enrol(services, registry_url=http_registry.url, code=CODE, appliance_id="../etc")
    assert http_registry.requests == []


def test_re_enrolment_replaces_the_link_and_keeps_the_keys(services, http_registry):
    first = enrol(services, registry_url=http_registry.url, code=CODE, appliance_id="cok-ot-1")
    curve = load_keys(services.config).curve.public
    item = OutboxItem.create(kind="exam_schedule", source="test:1", title="План", parts_digest="ab" * 32,
                             serial=1, bundle_id="cd" * 16)
    with EnrolRegistry(code="QRST-QRST-QRST-QRST", endpoint="tcp://127.0.0.1:7702") as other:
        second = enrol(services, registry_url=other.url, code="QRST-QRST-QRST-QRST")
    assert RegistryLink.select().count() == 1 and first.registry_signing_key != second.registry_signing_key
    assert RegistryLink.get().registry_signing_key == other.keys.public_info()["signing_public_key"]
    assert second.appliance_id == "cok-ot-1", "the appliance keeps its id"
    assert second.registry_endpoint == "tcp://127.0.0.1:7702" and load_keys(services.config).curve.public == curve
    item = OutboxItem.get_by_id(item.id)
    assert item.serial is None and item.bundle_id is None, "numbered afresh for the new registry"


def test_cli_enroll_speaks_russian(services, nok_config, http_registry):
    services.db.close()
    runner = CliRunner()
    ok = runner.invoke(cli.main, ["--config", str(nok_config.config_file), "federation", "enroll",
                                  "--registry-url", http_registry.url, "--code", CODE, "--title", "Зал 1"],
                       catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    assert "Устройство подключено к реестру СПК." in ok.output and "tcp://127.0.0.1:7701" in ok.output
    bad = runner.invoke(cli.main, ["--config", str(nok_config.config_file), "federation", "enroll",
                                   "--registry-url", http_registry.url, "--code", "0000-0000-0000-0000"],
                        catch_exceptions=False)
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.stderr.startswith("Ошибка: Реестр СПК отказал в подключении: Код подключения неверен")
