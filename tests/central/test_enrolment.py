"""Enrolment: one-time codes, the key exchange over HTTP, refusals, the throttle, revocation."""
from __future__ import annotations

import datetime as dt
import json
import re

import falcon.testing
import pytest

from central import enrolment
from central.bootstrap import load_registry_keys
from central.models import Appliance, ApplianceStatus, EnrolmentCode
from core.exceptions import NotFoundError, ValidationError
from core.models import OrgKind, Role
from federation import protocol
from federation.keys import PublicKeys, generate_appliance_keys, generate_registry_keys

CODE_RE = re.compile(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}")


def _request(code: str, appliance_id: str = "cok-profi-2", keys: dict | None = None, **changes) -> dict:
    """What `nok federation enroll` sends."""
    keys = keys or generate_appliance_keys().public_info()
    body = {"appliance_id": appliance_id, "title": "Комплекс ЦОК", "keys": keys, "code_id": protocol.code_hash(code),
            "mac": protocol.enrol_mac(code, "appliance", {"appliance_id": appliance_id, "keys": keys})}
    body.update(changes)
    return body


@pytest.fixture
def client(central_app):
    return falcon.testing.TestClient(central_app)


def _post(client, body, addr="192.0.2.10"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.simulate_post("/federation/enrol", body=raw, remote_addr=addr,
                                headers={"Content-Type": "application/json", "Accept": "application/json"})


def _code(world, **kw) -> str:
    return enrolment.issue_code(kw.pop("organisation", world.coks[1]), kw.pop("title", "Комплекс ЦОК «Юг»"),
                                world.admin, **kw)


def test_code_is_random_readable_and_only_its_hash_is_kept(spk_world):
    code = _code(spk_world)
    assert CODE_RE.fullmatch(code) and set(code) - {"-"} <= set(enrolment.CODE_ALPHABET)
    assert code != _code(spk_world)
    row = EnrolmentCode.get(EnrolmentCode.code_hash == protocol.code_hash(code))
    assert row.organisation_id == spk_world.coks[1].id and row.created_by_id == spk_world.admin.id
    assert code.replace("-", "") not in json.dumps([list(r.__data__.values()) for r in EnrolmentCode.select()],
                                                   default=str)
    assert dt.timedelta(hours=23, minutes=59) < row.expires_at - row.created_at <= dt.timedelta(hours=24)


def test_code_only_for_own_cok_or_venue(spk_world):
    with pytest.raises(ValidationError):
        enrolment.issue_code(spk_world.spk, "СПК", spk_world.admin)
    other_spk = spk_world.factory.org(OrgKind.SPK)
    other_cok = spk_world.factory.org(OrgKind.COK, parent=other_spk)
    with pytest.raises(NotFoundError):
        enrolment.issue_code(other_cok, "Чужой", spk_world.admin)
    with pytest.raises(ValidationError):
        enrolment.issue_code(spk_world.venue, " ", spk_world.admin)
    assert CODE_RE.fullmatch(enrolment.issue_code(spk_world.venue, "Площадка", spk_world.admin, hours=2))


def test_enrolment_pins_keys_and_answers_with_proven_registry_keys(spk_world, client):
    services = spk_world.services
    services.config.registry_endpoint = "tcp://registry.example:7701"
    code = _code(spk_world, title="Комплекс ЦОК «Юг», зал 1")
    appliance_keys = generate_appliance_keys()
    typed = code.lower().replace("-", " ")  # as a person may type it
    result = _post(client, _request(typed, keys=appliance_keys.public_info()))
    assert result.status_code == 200, result.text
    answer = result.json
    assert answer["registry_endpoint"] == "tcp://registry.example:7701"
    assert answer["keys"] == load_registry_keys(services.config).public_info()
    protocol.check_enrol_mac(code, "registry", {"registry_endpoint": answer["registry_endpoint"],
                                                "keys": answer["keys"]}, answer["mac"])
    assert PublicKeys.from_info(answer["keys"]).role == "registry"

    appliance = Appliance.get(Appliance.appliance_id == "cok-profi-2")
    info = appliance_keys.public_info()
    assert (appliance.signing_public_key, appliance.hpke_public_key, appliance.curve_public_key) == (
        info["signing_public_key"], info["hpke_public_key"], info["curve_public_key"])
    assert appliance.organisation_id == spk_world.coks[1].id and appliance.title == "Комплекс ЦОК «Юг», зал 1"
    assert appliance.status == ApplianceStatus.ACTIVE
    row = EnrolmentCode.get()
    assert row.used_at is not None and row.appliance_id == appliance.id

    again = _post(client, _request(code, appliance_id="cok-profi-3"))
    assert again.status_code == 403 and "уже использован" in again.json["error"]


def test_endpoint_defaults_to_the_bind_address(spk_world, client):
    result = _post(client, _request(_code(spk_world)))
    assert result.json["registry_endpoint"] == spk_world.services.config.registry_bind


def _refused(client, body, status: int, words: str) -> None:
    result = _post(client, body)
    assert result.status_code == status, result.text
    assert words in result.json["error"], result.json


def test_refusals_store_nothing_and_leave_the_code_usable(spk_world, client):
    code = _code(spk_world)
    registry_info = generate_registry_keys().public_info()
    _refused(client, b"{not json", 400, "JSON")
    _refused(client, [1, 2], 400, "JSON-объектом")
    _refused(client, {"appliance_id": "x"}, 400, "нет полей")
    _refused(client, _request(code, extra=1), 400, "лишние поля")
    _refused(client, _request(code, appliance_id="../etc"), 400, "Идентификатор комплекса")
    _refused(client, _request("AAAA-BBBB-CCCC-DDDD"), 403, "Код подключения неверен")
    tampered = _request(code)
    tampered["keys"] = generate_appliance_keys().public_info()  # substituted after the MAC was made
    _refused(client, tampered, 403, "не совпадает")
    _refused(client, _request(code, keys=registry_info), 400, "не комплекса")
    _refused(client, _request(code, keys={**registry_info, "role": "appliance", "curve_public_key": "short"}), 400,
             "ключи комплекса неверны")
    _refused(client, _request(code, appliance_id=spk_world.appliance.appliance_id), 400, "уже подключён")
    assert Appliance.select().count() == 1
    assert EnrolmentCode.get().used_at is None
    assert _post(client, _request(code), addr="198.51.100.8").status_code == 200  # 10 failures blocked the first


def test_expired_code_is_refused(spk_world, client):
    code = _code(spk_world, hours=1)
    row = EnrolmentCode.get()
    row.expires_at = row.created_at - dt.timedelta(seconds=1)
    row.save()
    _refused(client, _request(code), 403, "истёк")


def test_guessing_is_throttled_per_address(spk_world, client):
    code = _code(spk_world)
    for n in range(enrolment.THROTTLE_ATTEMPTS):
        assert _post(client, _request(f"GUES-SING-CODE-{n:04d}")).status_code == 403
    blocked = _post(client, _request(code))
    assert blocked.status_code == 429 and "Слишком много" in blocked.json["error"]
    assert _post(client, _request(code), addr="198.51.100.7").status_code == 200  # another address is not blocked


def test_revoke(spk_world):
    appliance = spk_world.appliance
    with pytest.raises(ValidationError):
        enrolment.revoke(appliance, "  ", spk_world.admin)
    stranger = spk_world.factory.user(Role.ADMIN, spk_world.factory.org(OrgKind.SPK))
    with pytest.raises(NotFoundError):
        enrolment.revoke(appliance, "Чужой СПК", stranger)
    enrolment.revoke(appliance, "Комплекс списан", spk_world.admin)
    row = Appliance.get_by_id(appliance.id)
    assert (row.status, row.revoked_reason) == (ApplianceStatus.REVOKED, "Комплекс списан")
    assert row.revoked_at is not None and not row.is_active
    with pytest.raises(ValidationError):
        enrolment.revoke(row, "Ещё раз", spk_world.admin)
