"""Tests of the federation bundle wire format (core/bundle.py)."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from core import bundle as b
from core.bundle import (
    BundleDecryptError,
    BundleError,
    BundleFormatError,
    BundleSignatureError,
    BundleTooLargeError,
    build_bundle,
    parse_bundle,
    verify_and_open,
)
from core.exceptions import PermanentError


def _load_cases():
    """Load the sibling helper by path, whatever pytest's import mode is."""
    path = Path(__file__).with_name("bundle_cases.py")
    spec = importlib.util.spec_from_file_location("nok_tests_bundle_cases", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cases = _load_cases()
APPLIANCE = cases.APPLIANCE_KEY
REGISTRY = cases.REGISTRY_KEY
BAD_FILES = sorted(cases.BAD_DIR.glob("*.bin"))


def _open(data: bytes, **kw):
    kw.setdefault("signer_public_key", APPLIANCE.public_key())
    kw.setdefault("registry_private_key", REGISTRY)
    return verify_and_open(data, **kw)


def test_errors_are_permanent_and_russian():
    for cls in (BundleFormatError, BundleSignatureError, BundleDecryptError, BundleTooLargeError):
        assert issubclass(cls, BundleError) and issubclass(cls, PermanentError)
    with pytest.raises(BundleFormatError) as info:
        _open(b"\x02")
    assert any("а" <= ch <= "я" for ch in str(info.value))


def test_roundtrip():
    parts = {"result.json": b'{"score":42}', "video-0001.webm": bytes(range(256)) * 10, "empty": b""}
    data = build_bundle("video_part", "appliance-01", 3, parts, APPLIANCE, REGISTRY.public_key())
    opened = _open(data)
    assert dict(opened.parts) == parts
    h = opened.header
    assert (h.kind, h.appliance_id, h.serial) == ("video_part", "appliance-01", 3)
    assert [e.name for e in h.manifest] == sorted(parts)
    assert h.manifest[0].sha256 == hashlib.sha256(parts["empty"]).hexdigest()
    assert h.created_at.tzinfo is timezone.utc
    assert abs((datetime.now(timezone.utc) - h.created_at).total_seconds()) < 60
    assert len(h.bundle_id) == 32


def test_roundtrip_without_parts_and_every_kind():
    for kind in sorted(b.KINDS):
        opened = _open(build_bundle(kind, "a", 1, {}, APPLIANCE, REGISTRY.public_key()))
        assert opened.header.kind == kind and dict(opened.parts) == {}


def test_header_is_canonical_and_readable_without_keys():
    data = cases.good()
    parsed = parse_bundle(data, max_size=len(data))
    assert parsed.version == 1 and data[0] == 1
    assert parsed.header_bytes == json.dumps(
        json.loads(parsed.header_bytes), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert parsed.header.bundle_id == cases.fixed_bundle_id("good")
    assert parsed.header.created_at == cases.CREATED_AT
    assert len(parsed.signature) == 64


def test_same_fields_give_same_header_but_fresh_seal():
    one, two = cases.good(), cases.good()
    assert cases.split(one)[0] == cases.split(two)[0]
    assert cases.split(one)[2] != cases.split(two)[2]  # HPKE uses a fresh ephemeral key


def test_opened_parts_are_read_only():
    opened = _open(cases.good())
    with pytest.raises(TypeError):
        opened.parts["x"] = b""  # type: ignore[index]


def test_max_size_is_enforced_before_anything_else():
    data = cases.good()
    assert _open(data, max_size=len(data)).parts
    with pytest.raises(BundleTooLargeError):
        _open(data, max_size=len(data) - 1)
    with pytest.raises(BundleTooLargeError):
        parse_bundle(b"\x02" + bytes(100), max_size=50)


def test_wrong_keys_are_refused():
    data = cases.good()
    with pytest.raises(BundleSignatureError):
        _open(data, signer_public_key=cases.OTHER_APPLIANCE_KEY.public_key())
    with pytest.raises(BundleDecryptError):
        _open(data, registry_private_key=cases.OTHER_REGISTRY_KEY)


@pytest.mark.parametrize(
    "field, value",
    [
        ("kind", "nonsense"),
        ("appliance_id", ""),
        ("appliance_id", "with space"),
        ("serial", 0),
        ("serial", True),
    ],
)
def test_build_refuses_what_the_registry_would_refuse(field, value):
    args = {"kind": "ack", "appliance_id": "a1", "serial": 1}
    args[field] = value
    with pytest.raises(BundleFormatError):
        build_bundle(parts={}, signing_key=APPLIANCE, registry_public_key=REGISTRY.public_key(), **args)


def test_build_refuses_bad_part_names_and_non_utc_time():
    with pytest.raises(BundleFormatError):
        build_bundle("ack", "a1", 1, {"../x": b""}, APPLIANCE, REGISTRY.public_key())
    with pytest.raises(BundleFormatError):
        build_bundle(
            "ack", "a1", 1, {}, APPLIANCE, REGISTRY.public_key(), created_at=datetime(2025, 1, 1)
        )


@pytest.mark.parametrize("case", sorted(cases.CASES))
def test_every_known_bad_case_is_refused(case):
    """Fresh build of each case: its error class is the one the case names."""
    error, make = cases.CASES[case]
    with pytest.raises(cases.ERRORS[error]):
        _open(make(), max_size=cases.FILE_MAX_SIZE)


def test_every_case_has_a_file():
    missing = [c for c in cases.CASES if not (cases.BAD_DIR / cases.file_name(c)).exists()]
    assert not missing, f"run `.venv/bin/python tests/core/bundle_cases.py`; missing: {missing}"


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_bad_bundle_file_is_refused(path):
    error = cases.ERRORS[path.name.split("__", 1)[0]]
    with pytest.raises(error):
        _open(path.read_bytes(), max_size=cases.FILE_MAX_SIZE)


def test_good_case_stays_under_file_limit():
    assert len(cases.good()) < cases.FILE_MAX_SIZE  # otherwise the file test proves nothing


def test_flipping_any_byte_is_refused():
    data = cases.good(parts={"a": b"x"})
    assert _open(data).parts == {"a": b"x"}
    for i in range(len(data)):
        for mask in (0x01, 0x80):
            bad = bytearray(data)
            bad[i] ^= mask
            with pytest.raises(BundleError):
                _open(bytes(bad))


def test_truncating_at_any_length_is_refused():
    data = cases.good(parts={"a": b"x"})
    for n in range(len(data)):
        with pytest.raises(BundleError):
            _open(data[:n])
