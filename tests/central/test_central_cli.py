"""`nok central …`: init, migrate, enrol-code, appliances, revoke (in process) and serve (a real process tree)."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from appliance.cli import main
from central.bootstrap import load_registry_keys, open_central_services
from central.models import Appliance, EnrolmentCode
from core.bundle import build_bundle
from core.config import load_config
from core.models import Organisation, OrgKind
from core.testing import free_port
from federation import protocol
from federation.keys import generate_appliance_keys
from federation.transport import BundleClient

CODE_RE = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}")
COK_INN = "7736050003"


def _run(config: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(main, ["--config", str(config), "central", *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def _init(tmp_path: Path, *extra: str) -> Path:
    data = tmp_path / "registry"
    config = data / "central.toml"
    result = _run(config, "init", "--data-dir", str(data), *extra)
    assert "Центральный реестр СПК инициализирован" in result.output
    return config


def _seed_cok(config: Path) -> None:
    services = open_central_services(load_config(config))
    with services.db.connection_context():
        spk = Organisation.create(kind=OrgKind.SPK.value, full_name="СПК ЧС", short_name="СПК ЧС", inn="7707083893")
        Organisation.create(kind=OrgKind.COK.value, parent=spk, full_name="ООО «ЦОК Профи»",
                            short_name="ЦОК «Профи»", inn=COK_INN)


def _enrol(config: Path, code: str, appliance_id: str = "cok-profi-1"):
    from central.enrolment import enrol

    keys = generate_appliance_keys()
    info = keys.public_info()
    request = {"appliance_id": appliance_id, "title": "Комплекс", "keys": info, "code_id": protocol.code_hash(code),
               "mac": protocol.enrol_mac(code, "appliance", {"appliance_id": appliance_id, "keys": info})}
    services = open_central_services(load_config(config))
    with services.db.connection_context():
        return keys, enrol(services, request)


def test_init_writes_config_keys_and_database(tmp_path):
    config_file = _init(tmp_path, "--registry-bind", "tcp://127.0.0.1:7799", "--bind", "127.0.0.1:8099")
    config = load_config(config_file)
    assert config.plugins == ["nark_export"] and config.registry_bind == "tcp://127.0.0.1:7799"
    assert config.bind == "127.0.0.1:8099" and config.base_url == "http://127.0.0.1:8099"
    assert config.database_url == f"sqlite:///{config.data_dir / 'central.db'}"
    assert stat.S_IMODE(config.key_file.stat().st_mode) == 0o600
    assert load_registry_keys(config).public_info()["role"] == "registry"
    assert (config.data_dir / "central.db").exists()
    assert "Схема актуальна" in _run(config_file, "migrate").output

    again = _run(config_file, "init", "--data-dir", str(config.data_dir), ok=False)
    assert again.exit_code == 1 and "уже инициализирован" in again.output
    assert load_registry_keys(config).public_info() == load_registry_keys(load_config(config_file)).public_info()


def test_init_refuses_a_bad_receiver_address(tmp_path):
    result = _run(tmp_path / "c.toml", "init", "--data-dir", str(tmp_path / "d"), "--registry-bind", "7701",
                  ok=False)
    assert result.exit_code == 1 and "tcp://" in result.output
    assert not (tmp_path / "d").exists()


def test_enrol_code_appliances_and_revoke(tmp_path):
    config = _init(tmp_path)
    _seed_cok(config)
    assert "ещё не подключены" in _run(config, "appliances").output

    issued = _run(config, "enrol-code", "--organisation-inn", COK_INN, "--title", "Комплекс ЦОК «Профи»").output
    code = CODE_RE.search(issued).group(0)
    assert "ЦОК «Профи»" in issued
    _, answer = _enrol(config, code)
    assert answer["registry_endpoint"] == "tcp://127.0.0.1:7701"

    listing = _run(config, "appliances").output
    assert "cok-profi-1" in listing and "Комплекс ЦОК «Профи»" in listing and "Подключён" in listing

    revoked = _run(config, "revoke", "cok-profi-1", "--reason", "Списан")
    assert "отозван" in revoked.output
    assert "Отозван" in _run(config, "appliances").output
    services = open_central_services(load_config(config))
    with services.db.connection_context():
        assert Appliance.get().revoked_reason == "Списан" and EnrolmentCode.get().used_at is not None

    unknown = _run(config, "revoke", "nobody", "--reason", "x", ok=False)
    assert unknown.exit_code == 1 and "не найден" in unknown.output
    missing = _run(config, "enrol-code", "--organisation-inn", "500100732259", "--title", "x", ok=False)
    assert missing.exit_code == 1 and "не найдены" in missing.output


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "nok central serve exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT; a listener still blocks
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.gunicorn
def test_serve_runs_web_and_receiver_and_stops_both(tmp_path):
    web_port, zmq_port = free_port(), free_port()
    config_file = _init(tmp_path, "--bind", f"127.0.0.1:{web_port}", "--registry-bind",
                        f"tcp://127.0.0.1:{zmq_port}")
    _seed_cok(config_file)
    code = CODE_RE.search(_run(config_file, "enrol-code", "--organisation-inn", COK_INN, "--title", "К").output)[0]
    proc = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config", str(config_file), "central", "serve"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_http(f"http://127.0.0.1:{web_port}/healthz", proc)
        keys = generate_appliance_keys()
        info = keys.public_info()
        body = json.dumps({"appliance_id": "cok-profi-9", "title": "К", "keys": info, "code_id": protocol.code_hash(code),
                           "mac": protocol.enrol_mac(code, "appliance", {"appliance_id": "cok-profi-9", "keys": info})})
        request = urllib.request.Request(f"http://127.0.0.1:{web_port}/federation/enrol", data=body.encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            registry = json.loads(answer.read())
        sealed_to = X25519PublicKey.from_public_bytes(bytes.fromhex(registry["keys"]["hpke_public_key"]))
        bundle = build_bundle("reference_request", "cok-profi-9", 1, {"request.json": b'{"have_version": 0}'},
                              keys.signing_key, sealed_to)
        with BundleClient(registry["registry_endpoint"], server_public_key=registry["keys"]["curve_public_key"],
                          curve_public_key=keys.curve.public, curve_secret_key=keys.curve.secret) as client:
            ack = client.send(bundle, timeout=10, retries=5)  # the worker may still be starting
        assert json.loads(ack[64:])["status"] in ("snapshot", "up_to_date")
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    assert _port_free(web_port) and _port_free(zmq_port)  # gunicorn and the worker are gone
