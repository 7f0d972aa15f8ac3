"""Tests of federation key generation, storage and enrolment export (federation/keys.py)."""
from __future__ import annotations

import json
import os
import stat

import pytest
import zmq

from core.exceptions import PermanentError
from federation.keys import (
    CURVE_PUBLIC_FILE,
    CURVE_SECRET_FILE,
    HPKE_KEY_FILE,
    SIGNING_KEY_FILE,
    ApplianceKeys,
    KeyStoreError,
    PublicKeys,
    RegistryKeys,
    generate_appliance_keys,
    generate_registry_keys,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def _pub(key) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_generated_curve_pair_is_consistent():
    keys = generate_appliance_keys()
    assert len(keys.curve.public) == len(keys.curve.secret) == 40
    assert zmq.curve_public(keys.curve.secret) == keys.curve.public


def test_registry_roundtrip_with_0600_files(tmp_path):
    keys = generate_registry_keys()
    target = tmp_path / "registry"
    keys.save(target)
    names = {SIGNING_KEY_FILE, HPKE_KEY_FILE, CURVE_SECRET_FILE, CURVE_PUBLIC_FILE}
    assert {p.name for p in target.iterdir()} == names
    for name in names:
        assert stat.S_IMODE(os.stat(target / name).st_mode) == 0o600
    loaded = RegistryKeys.load(target)
    assert loaded.public_info() == keys.public_info()
    assert loaded.curve == keys.curve
    msg = b"snapshot"
    keys.signing_key.public_key().verify(loaded.signing_key.sign(msg), msg)
    assert _pub(loaded.hpke_key.public_key()) == _pub(keys.hpke_key.public_key())


def test_appliance_roundtrip_and_modes_despite_permissive_umask(tmp_path):
    keys = generate_appliance_keys()
    old = os.umask(0)
    try:
        keys.save(tmp_path)
    finally:
        os.umask(old)
    assert {p.name for p in tmp_path.iterdir()} == {SIGNING_KEY_FILE, HPKE_KEY_FILE, CURVE_SECRET_FILE, CURVE_PUBLIC_FILE}
    for p in tmp_path.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert ApplianceKeys.load(tmp_path).public_info() == keys.public_info()


def test_save_refuses_to_overwrite(tmp_path):
    first = generate_appliance_keys()
    first.save(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(KeyStoreError, match="перезапись запрещена") as info:
        generate_appliance_keys().save(tmp_path)
    assert isinstance(info.value, PermanentError)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_save_refuses_when_any_single_file_exists(tmp_path):
    (tmp_path / CURVE_SECRET_FILE).write_bytes(b"old")
    with pytest.raises(KeyStoreError, match="уже существуют"):
        generate_appliance_keys().save(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [CURVE_SECRET_FILE]
    assert (tmp_path / CURVE_SECRET_FILE).read_bytes() == b"old"


def test_load_missing_file(tmp_path):
    with pytest.raises(KeyStoreError, match="не найден"):
        ApplianceKeys.load(tmp_path)


def test_load_refuses_group_readable_file(tmp_path):
    generate_appliance_keys().save(tmp_path)
    os.chmod(tmp_path / SIGNING_KEY_FILE, 0o640)
    with pytest.raises(KeyStoreError, match="доступен другим пользователям"):
        ApplianceKeys.load(tmp_path)


@pytest.mark.parametrize(
    "name, content, message",
    [
        (SIGNING_KEY_FILE, b"\x01" * 31, "должен занимать 32 байт"),
        (SIGNING_KEY_FILE, b"\x01" * 33, "должен занимать 32 байт"),
        (CURVE_SECRET_FILE, b"~" * 40, "не в кодировке Z85"),
        (CURVE_SECRET_FILE, b"a" * 39, "должен занимать 40 байт"),
    ],
)
def test_load_validates_lengths_and_encoding(tmp_path, name, content, message):
    generate_appliance_keys().save(tmp_path)
    path = tmp_path / name
    path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, content)
    os.close(fd)
    with pytest.raises(KeyStoreError, match=message):
        ApplianceKeys.load(tmp_path)


def test_load_refuses_mismatched_curve_pair(tmp_path):
    generate_appliance_keys().save(tmp_path)
    path = tmp_path / CURVE_PUBLIC_FILE
    path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, generate_appliance_keys().curve.public)
    os.close(fd)
    with pytest.raises(KeyStoreError, match="не соответствует секретному"):
        ApplianceKeys.load(tmp_path)


def test_public_info_is_json_and_parses_back():
    registry = generate_registry_keys()
    info = json.loads(json.dumps(registry.public_info()))
    assert set(info) == {"role", "signing_public_key", "hpke_public_key", "curve_public_key"}
    assert not any("secret" in k or "private" in k for k in info)
    parsed = PublicKeys.from_info(info)
    assert parsed.role == "registry"
    assert parsed.curve_public_key == registry.curve.public
    assert _pub(parsed.hpke_public_key) == _pub(registry.hpke_key.public_key())
    msg = b"x"
    parsed.signing_public_key.verify(registry.signing_key.sign(msg), msg)

    appliance = PublicKeys.from_info(generate_appliance_keys().public_info())
    assert appliance.role == "appliance" and appliance.hpke_public_key is not None


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(role="admin"), "Неизвестная роль"),
        (lambda d: d.update(extra="1"), "Набор полей"),
        (lambda d: d.update(signing_public_key="zz" * 32), "не в шестнадцатеричном"),
        (lambda d: d.update(signing_public_key="ab"), "64 hex-символов"),
        (lambda d: d.update(curve_public_key="é" * 40), "строкой Z85"),
        (lambda d: d.update(curve_public_key="a" * 41), "40 символов Z85"),
    ],
)
def test_public_info_parsing_rejects_bad_input(mutate, message):
    info = generate_appliance_keys().public_info()
    mutate(info)
    with pytest.raises(KeyStoreError, match=message):
        PublicKeys.from_info(info)
