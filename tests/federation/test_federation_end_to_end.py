"""Two appliances and the central registry as separate processes on loopback (issue 6 «Must show»).

The registry runs `nok central serve` (gunicorn + the ZeroMQ receiver and НАРК worker) on a real
PostgreSQL database; each appliance runs `nok federation sync` over its own SQLCipher file. Results
arrive once; the registry is stopped while new results are queued and restarted: nothing lost, nothing
doubled. Bad bundles sent over the real CURVE socket are refused. The СПК approves, forms a protocol and
sends it to НАРК (a local test endpoint); certificates are issued, verifiable by their QR link, and
travel back to the appliances.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import time
import urllib.request
from typing import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from appliance.bootstrap import open_services
from central.bootstrap import open_central_services
from central.demo import load_central_demo
from central.enrolment import issue_code
from central.models import (Appliance, CentralResult, Certificate, CertificateStatus, NarkRecord, ReceivedBundle,
                            RefusedBundle)
from central.services import certificate_data, protocols
from central.testing import make_central_config
from core.bundle import build_bundle
from core.config import Config
from core.db import use_database
from core.demo_data import ORGANISATIONS
from core.models import Application, Organisation, OrgKind, Role, User
from core.testing import Factory, NokProcess, free_port, fresh_postgres_database, make_config
from core.testing_exam import CommissionWorld
from core.workflow import Status
from federation.keys import PublicKeys, generate_appliance_keys
from federation.models import OutboxItem, OutboxState, RegistryDocument, RegistryLink
from federation.protocol import PART_SCHEDULE, canonical_json
from federation.transport import BundleClient, BundleRefusedError
from federation_kit import sent_result
from plugins.nark_export.testing import NarkTestServer

pytestmark = [pytest.mark.postgres, pytest.mark.gunicorn]


@contextlib.contextmanager
def bound(db):
    """Point the models at `db`: this test process talks to three databases in turn."""
    use_database(db)
    with db.connection_context():
        yield


def wait_for(what: str, check: Callable[[], bool], timeout: float = 60.0, every: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"не дождались: {what}"
        time.sleep(every)


def inn_of(key: str) -> str:
    return next(spec for spec in ORGANISATIONS if spec.key == key).fields["inn"]


class Registry:
    """The registry's config and a connection from the test process to its PostgreSQL database."""

    def __init__(self, config: Config):
        self.config = config
        self.services = open_central_services(config)
        self.base = config.base_url
        self.process: NokProcess | None = None

    def start(self) -> None:
        self.process = NokProcess(self.config.config_file, "central", "serve",
                                  health_url=self.base + "/healthz").start(timeout=60)

    def stop(self) -> None:
        self.process.stop()

    def count(self, query) -> int:
        with bound(self.services.db):
            return query.count()


class ApplianceSide:
    """One appliance: its config, results made through the real services, and its sync worker."""

    def __init__(self, config: Config, name: str, cok_key: str):
        self.config, self.name = config, name
        self.services = open_services(config)
        self.sync: NokProcess | None = None
        with bound(self.services.db):
            self.world = CommissionWorld(Factory(), plugins=self.services.plugins)
            for org, key in ((self.world.spk, "spk"), (self.world.cok, cok_key)):  # the same ИНН as in the registry
                org.inn = inn_of(key)
                org.save()

    def send_results(self, *names: str) -> list[int]:
        with bound(self.services.db):
            return [sent_result(self.world, self.services, name).application_id for name in names]

    def enrol(self, registry_url: str, code: str) -> None:
        enrol = NokProcess(self.config.config_file, "federation", "enroll", "--registry-url", registry_url,
                           "--code", code, "--appliance-id", f"e2e-{self.name}").start()
        assert enrol.proc.wait(timeout=60) == 0, enrol.output()
        assert self.query(lambda: RegistryLink.get().appliance_id) == f"e2e-{self.name}"

    def start_sync(self) -> None:
        self.sync = NokProcess(self.config.config_file, "federation", "sync", "--timeout", "2").start()

    def query(self, fn):
        with bound(self.services.db):
            return fn()


@pytest.fixture
def nark():
    with NarkTestServer() as server:
        yield server


@pytest.fixture
def registry(tmp_path, postgres_admin_url, smtp_server, nark):
    with fresh_postgres_database(postgres_admin_url) as url:
        port, zmq_port = free_port(), free_port()
        config = make_central_config(tmp_path / "central", database_url=url, bind=f"127.0.0.1:{port}",
                                     base_url=f"http://127.0.0.1:{port}", registry_bind=f"tcp://127.0.0.1:{zmq_port}",
                                     nark_url=nark.url, smtp_port=smtp_server.port)
        reg = Registry(config)
        with bound(reg.services.db):
            load_central_demo()
        yield reg
        if reg.process:
            reg.process.stop()
        reg.services.db.close()


def appliance(tmp_path, smtp_server, name: str, cok_key: str) -> ApplianceSide:
    config = make_config(tmp_path / name, smtp_port=smtp_server.port, base_url=f"http://{name}.test",
                         federation_interval_seconds=1, federation_retry_base_seconds=1, federation_pull_seconds=2,
                         kdf_iter=1000)
    return ApplianceSide(config, name, cok_key)


def test_two_appliances_the_registry_going_down_bad_bundles_and_certificates(tmp_path, smtp_server, registry, nark):
    # --- two appliances of two ЦОК with results «Отправить в СПК» waiting (queued before enrolment)
    a, b = appliance(tmp_path, smtp_server, "a", "cok1"), appliance(tmp_path, smtp_server, "b", "cok2")
    a.send_results("Соколов Дмитрий Олегович", "Иванова Мария Петровна")
    b.send_results("Кузьмин Артём Сергеевич")
    with bound(registry.services.db):
        spk = Organisation.get((Organisation.kind == OrgKind.SPK.value) & (Organisation.inn == inn_of("spk")))
        codes = {side.name: issue_code(Organisation.get(Organisation.inn == inn_of(key)), f"Комплекс {side.name}", None)
                 for side, key in ((a, "cok1"), (b, "cok2"))}
    registry.start()
    for side in (a, b):
        side.enrol(registry.base, codes[side.name])
        side.start_sync()
    try:
        wait_for("три результата в реестре", lambda: registry.count(CentralResult.select()) == 3)

        # --- the registry stops; the ЦОК go on sending; it comes back
        registry.stop()
        a.send_results("Павлов Игорь Николаевич")
        b.send_results("Орлова Анна Викторовна")
        wait_for("комплекс увидел, что реестр молчит", lambda: a.query(
            lambda: OutboxItem.select().where(OutboxItem.attempts > 0).exists()), timeout=30)
        assert registry.count(CentralResult.select()) == 3
        registry.start()
        wait_for("все пять результатов", lambda: registry.count(CentralResult.select()) == 5, timeout=90)
        for side in (a, b):
            wait_for(f"очередь {side.name} пуста", lambda side=side: side.query(
                lambda: not OutboxItem.select().where(OutboxItem.state != OutboxState.DONE).exists()), timeout=60)
        with bound(registry.services.db):
            for appliance_row in Appliance.select():
                journal = [r.serial for r in ReceivedBundle.select().where(ReceivedBundle.appliance == appliance_row)
                           .order_by(ReceivedBundle.serial)]
                assert journal == list(range(1, appliance_row.last_serial + 1)), "каждый номер один раз, без пропусков"
            names = sorted(r.full_name for r in CentralResult.select())
        assert names == sorted(["Соколов Дмитрий Олегович", "Иванова Мария Петровна", "Кузьмин Артём Сергеевич",
                                "Павлов Игорь Николаевич", "Орлова Анна Викторовна"]), "ничего не потеряно и не удвоено"

        # --- bad bundles over the real socket, from a third enrolled appliance
        refused_before = registry.count(RefusedBundle.select())
        probe_keys = generate_appliance_keys()
        with bound(registry.services.db):
            probe_code = issue_code(Organisation.get(Organisation.inn == inn_of("cok1")), "Проверочный комплекс", None)
        _enrol_probe(registry, probe_keys, probe_code)
        registry_info = _registry_public(registry)
        with BundleClient(registry.config.registry_bind, server_public_key=registry_info.curve_public_key,
                          curve_public_key=probe_keys.curve.public, curve_secret_key=probe_keys.curve.secret) as client:
            def bundle(serial: int, signing_key=None) -> bytes:
                return build_bundle("exam_schedule", "e2e-probe", serial,
                                    {PART_SCHEDULE: canonical_json({"groups": []})},
                                    signing_key or probe_keys.signing_key, registry_info.hpke_public_key)

            first, second = bundle(1), bundle(2)
            client.send(first, timeout=10, retries=1)
            client.send(second, timeout=10, retries=1)
            flipped = bytearray(bundle(3))
            flipped[-40] ^= 0x01
            cases = {"чужой ключ подписи": bundle(3, Ed25519PrivateKey.generate()), "испорченный байт": bytes(flipped),
                     "повтор": first, "устаревший номер": bundle(1)}
            for what, data in cases.items():
                with pytest.raises(BundleRefusedError) as refused:
                    client.send(data, timeout=10, retries=1)
                assert refused.value.reason, what
        assert registry.count(RefusedBundle.select()) == refused_before + 4
        with bound(registry.services.db):
            assert Appliance.get(Appliance.appliance_id == "e2e-probe").last_serial == 2

        # --- the СПК approves: one decision changed, a protocol, the signed file, «Отправить в НАРК»
        with bound(registry.services.db):
            admin = User.get((User.organisation == spk) & (User.role == Role.ADMIN.value))
            results = list(CentralResult.select().order_by(CentralResult.id))
            from central.services.results import change_decision
            change_decision(results[0], "failed", admin, "Видеозапись: подсказки со стороны")
            protocol = protocols.form_protocol(registry.services, spk, [r.id for r in results], "17",
                                               dt.date.today(), admin)
            signed = protocols.protocol_pdf(registry.services, protocol, facsimile=False)  # «Скачать шаблон», signed
            protocols.attach_signed(registry.services, protocol, "протокол.pdf", signed, admin)
            assert protocols.send_to_nark(registry.services, protocol, admin) == 5
        wait_for("НАРК принял пять записей", lambda: len(nark.received) >= 5, timeout=60)
        wait_for("свидетельства выданы", lambda: registry.count(
            Certificate.select().where(Certificate.status == CertificateStatus.ISSUED)) == 5, timeout=60)
        with bound(registry.services.db):
            assert NarkRecord.select().where(NarkRecord.registration_number.is_null()).count() == 0
            certificates = list(Certificate.select())
            kinds = sorted(c.kind for c in certificates)
            assert kinds == ["certificate"] * 4 + ["conclusion"]
            certificate = next(c for c in certificates if c.kind == "certificate")
            qr = certificate_data.qr_payload(registry.services, certificate)
            number, public_id = certificate.registration_number, certificate.public_id
        assert number and number in qr and f"{registry.base}/verify/{public_id}" in qr
        with urllib.request.urlopen(f"{registry.base}/verify/{public_id}", timeout=10) as page:
            html = page.read().decode()
        assert "Действительно" in html and number in html
        assert "112-233" not in html  # no СНИЛС on the public page

        # --- the appliances learn the outcome: statuses and the documents in their cabinets
        final = [Status.CERTIFICATE_ISSUED.value, Status.CONCLUSION_ISSUED.value]
        for side, expected in ((a, 3), (b, 2)):
            wait_for(f"{side.name}: свидетельства и заключения из реестра", lambda side=side, expected=expected: side.query(
                lambda: Application.select().where(Application.status.in_(final)).count() == expected
                and RegistryDocument.select().where(RegistryDocument.registration_number.is_null(False)).count()
                == expected), timeout=60)
        statuses = sorted(a.query(lambda: [app.status for app in Application.select()
                                           .where(Application.status.in_(final))]))
        assert statuses == sorted([Status.CONCLUSION_ISSUED.value, Status.CERTIFICATE_ISSUED.value,
                                   Status.CERTIFICATE_ISSUED.value]), "решение СПК «Не сдал» → заключение"
        copies = [side.query(lambda: [d.verify_url for d in RegistryDocument.select()
                                      .where(RegistryDocument.registration_number == number)]) for side in (a, b)]
        assert sorted(copies, key=len) == [[], [f"{registry.base}/verify/{public_id}"]], "у своего ЦОК, один раз"
    finally:
        for side in (a, b):
            if side.sync:
                side.sync.stop()
                print(f"--- nok federation sync ({side.name}):\n{side.sync.output()[-4000:]}")
            side.services.db.close()


def _registry_public(registry: Registry) -> PublicKeys:
    from central.bootstrap import load_registry_keys

    return PublicKeys.from_info(load_registry_keys(registry.config).public_info())


def _enrol_probe(registry: Registry, keys, code: str) -> None:
    import json

    from federation.protocol import ENROL_PATH, enrol_request

    body = json.dumps(enrol_request(code, appliance_id="e2e-probe", title="Проверочный", keys=keys.public_info()))
    request = urllib.request.Request(registry.base + ENROL_PATH, data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
