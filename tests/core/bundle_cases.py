"""Known-bad federation bundles, kept as files under ``tests/assets/bad_bundles/`` (sigstore style).

Each case builds one bundle that the registry must refuse. Keys, bundle ids and times come from
fixed seeds, so every field is reproducible; only the HPKE ephemeral key is random (the library
does not let us fix it), which is why files are written once and then kept: run

    .venv/bin/python tests/core/bundle_cases.py          # write missing files
    .venv/bin/python tests/core/bundle_cases.py --force  # rewrite all of them

A file is named ``<error>__<case>.bin``; ``<error>`` names the ``BundleError`` subclass expected.
Never delete a file from that directory: each one is a past bad input that must stay refused.
"""
from __future__ import annotations

import hashlib
import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # when run as a script
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from core import bundle as b  # noqa: E402

BAD_DIR = ROOT / "tests" / "assets" / "bad_bundles"
FILE_MAX_SIZE = 4096  # the limit the file test verifies with; normal cases stay well below it

ERRORS: dict[str, type[b.BundleError]] = {
    "format": b.BundleFormatError,
    "signature": b.BundleSignatureError,
    "decrypt": b.BundleDecryptError,
    "toolarge": b.BundleTooLargeError,
}


def _seed(label: str) -> bytes:
    return hashlib.sha256(b"nok-test-bundle:" + label.encode()).digest()


APPLIANCE_KEY = Ed25519PrivateKey.from_private_bytes(_seed("appliance-signing"))
OTHER_APPLIANCE_KEY = Ed25519PrivateKey.from_private_bytes(_seed("other-appliance-signing"))
REGISTRY_KEY = X25519PrivateKey.from_private_bytes(_seed("registry-hpke"))
OTHER_REGISTRY_KEY = X25519PrivateKey.from_private_bytes(_seed("other-registry-hpke"))
CREATED_AT = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=timezone.utc)
PARTS = {"result.json": b'{"score":42}', "scan-1.pdf": b"%PDF-1.7 test"}


def fixed_bundle_id(label: str) -> str:
    return uuid.UUID(bytes=_seed("id:" + label)[:16], version=4).hex


def good(label: str = "good", parts: dict[str, bytes] | None = None, serial: int = 7, **kw: Any) -> bytes:
    """A valid bundle from the fixed appliance to the fixed registry."""
    return b.build_bundle(
        kw.pop("kind", "exam_result"),
        kw.pop("appliance_id", "appliance-01"),
        serial,
        PARTS if parts is None else parts,
        kw.pop("signing_key", APPLIANCE_KEY),
        kw.pop("registry_public_key", REGISTRY_KEY.public_key()),
        bundle_id=fixed_bundle_id(label),
        created_at=CREATED_AT,
    )


def header_dict(label: str = "good", parts: dict[str, bytes] | None = None) -> dict[str, Any]:
    parts = PARTS if parts is None else parts
    return {
        "bundle_id": fixed_bundle_id(label),
        "kind": "exam_result",
        "appliance_id": "appliance-01",
        "serial": 7,
        "created_at": CREATED_AT.strftime(b.CREATED_AT_FORMAT),
        "manifest": [
            {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
            for n, d in sorted(parts.items())
        ],
    }


def forge(
    header: dict[str, Any] | bytes,
    payload: bytes | None = None,
    *,
    signing_key: Ed25519PrivateKey = APPLIANCE_KEY,
    seal_key: Any = None,
    seal_header: bytes | None = None,
) -> bytes:
    """Sign and seal arbitrary header bytes: a buggy but authentic sender."""
    header_bytes = header if isinstance(header, bytes) else b._canonical_json(header)
    payload = b._serialise_parts(PARTS) if payload is None else payload
    sealed = b._seal(
        header_bytes if seal_header is None else seal_header,
        payload,
        (seal_key or REGISTRY_KEY).public_key(),
    )
    signature = signing_key.sign(b._signed_message(header_bytes, sealed))
    return b._assemble(header_bytes, signature, sealed)


def split(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(header bytes, signature, sealed) of a well-formed bundle."""
    p = b.parse_bundle(data, max_size=len(data))
    return p.header_bytes, p.signature, p.sealed


def _with_header(change: Callable[[dict[str, Any]], None]) -> bytes:
    h = header_dict()
    change(h)
    return forge(h)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda h: h.__setitem__(key, value)


def _tampered_header() -> bytes:
    header, sig, sealed = split(good())
    h = json.loads(header)
    h["serial"] = 8
    return b._assemble(b._canonical_json(h), sig, sealed)


def _flip_sealed() -> bytes:
    data = bytearray(good())
    data[-5] ^= 0x01
    return bytes(data)


def _swapped_sealed() -> bytes:
    header_a, sig_a, _ = split(good("a"))
    _, _, sealed_b = split(good("b"))
    return b._assemble(header_a, sig_a, sealed_b)


def _resigned_under_other_header() -> bytes:
    """The sender signs header A over a payload sealed under header B: HPKE info catches it."""
    header_b = b._canonical_json(header_dict("b"))
    return forge(header_dict("a"), seal_header=header_b)


def _sealed_len_huge() -> bytes:
    header, sig, _ = split(good())
    return bytes([1]) + b._U32.pack(len(header)) + header + sig + b._U64.pack(2**64 - 1)


def _part(name: str, data: bytes) -> bytes:
    raw = name.encode()
    return b._U16.pack(len(raw)) + raw + b._U64.pack(len(data)) + data


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    # framing
    "empty": ("format", lambda: b""),
    "version_0": ("format", lambda: b"\x00" + good()[1:]),
    "version_2": ("format", lambda: b"\x02" + good()[1:]),
    "truncated_in_header_len": ("format", lambda: good()[:3]),
    "truncated_in_header": ("format", lambda: good()[:40]),
    "truncated_in_signature": ("format", lambda: good()[: 5 + len(split(good())[0]) + 10]),
    "truncated_in_sealed": ("format", lambda: good()[:-1]),
    "trailing_bytes": ("format", lambda: good() + b"\x00"),
    "sealed_too_short": (
        "format",
        lambda: b._assemble(split(good())[0], split(good())[1], b"\x00" * 40),
    ),
    # header
    "header_not_utf8": ("format", lambda: forge(b"\xff\xfe{}")),
    "header_not_json": ("format", lambda: forge(b"{not json")),
    "header_not_object": ("format", lambda: forge(b"[1,2,3]")),
    "header_nan": ("format", lambda: forge(b'{"serial":NaN}')),
    "header_non_canonical": (
        "format",
        lambda: forge(json.dumps(header_dict(), sort_keys=True).encode()),
    ),
    "header_unsorted_keys": (
        "format",
        lambda: forge(json.dumps(header_dict(), separators=(",", ":")).encode()),
    ),
    "header_duplicate_key": (
        "format",
        lambda: forge(b._canonical_json(header_dict())[:-1] + b',"serial":8}'),
    ),
    "header_missing_field": ("format", lambda: _with_header(lambda h: h.pop("created_at"))),
    "header_extra_field": ("format", lambda: _with_header(_set("extra", 1))),
    "bundle_id_not_hex": ("format", lambda: _with_header(_set("bundle_id", "z" * 32))),
    "bundle_id_uppercase": (
        "format",
        lambda: _with_header(_set("bundle_id", fixed_bundle_id("good").upper())),
    ),
    "bundle_id_uuid1": (
        "format",
        lambda: _with_header(_set("bundle_id", "6ba7b8109dad11d180b400c04fd430c8")),
    ),
    "kind_unknown": ("format", lambda: _with_header(_set("kind", "exam_results"))),
    "kind_not_str": ("format", lambda: _with_header(_set("kind", ["ack"]))),
    "appliance_id_empty": ("format", lambda: _with_header(_set("appliance_id", ""))),
    "appliance_id_int": ("format", lambda: _with_header(_set("appliance_id", 1))),
    "serial_zero": ("format", lambda: _with_header(_set("serial", 0))),
    "serial_negative": ("format", lambda: _with_header(_set("serial", -1))),
    "serial_bool": ("format", lambda: _with_header(_set("serial", True))),
    "serial_str": ("format", lambda: _with_header(_set("serial", "7"))),
    "serial_float": ("format", lambda: _with_header(_set("serial", 7.0))),
    "serial_huge": ("format", lambda: _with_header(_set("serial", 2**64))),
    "created_at_offset": (
        "format",
        lambda: _with_header(_set("created_at", "2025-03-14T12:26:53.589793+03:00")),
    ),
    "created_at_no_zone": (
        "format",
        lambda: _with_header(_set("created_at", "2025-03-14T09:26:53.589793")),
    ),
    "created_at_garbage": ("format", lambda: _with_header(_set("created_at", "вчера"))),
    "manifest_not_list": ("format", lambda: _with_header(_set("manifest", {}))),
    "manifest_unsorted": ("format", lambda: _with_header(lambda h: h["manifest"].reverse())),
    "manifest_duplicate": (
        "format",
        lambda: _with_header(lambda h: h["manifest"].insert(0, h["manifest"][0])),
    ),
    "manifest_bad_name": (
        "format",
        lambda: _with_header(lambda h: h["manifest"][0].__setitem__("name", "../etc")),
    ),
    "manifest_bad_sha": (
        "format",
        lambda: _with_header(lambda h: h["manifest"][0].__setitem__("sha256", "00")),
    ),
    "manifest_negative_size": (
        "format",
        lambda: _with_header(lambda h: h["manifest"][0].__setitem__("size", -1)),
    ),
    "manifest_extra_key": (
        "format",
        lambda: _with_header(lambda h: h["manifest"][0].__setitem__("mode", 420)),
    ),
    # decrypted payload against the signed manifest
    "manifest_sha_mismatch": (
        "format",
        lambda: forge(header_dict(), b._serialise_parts({**PARTS, "scan-1.pdf": b"%PDF-1.7 TEST"})),
    ),
    "manifest_size_mismatch": (
        "format",
        lambda: forge(header_dict(), b._serialise_parts({**PARTS, "scan-1.pdf": b"%PDF-1.7 test!"})),
    ),
    "manifest_missing_part": (
        "format",
        lambda: forge(header_dict(), b._serialise_parts({"result.json": PARTS["result.json"]})),
    ),
    "manifest_extra_part": (
        "format",
        lambda: forge(header_dict(), b._serialise_parts({**PARTS, "zzz": b""})),
    ),
    "manifest_renamed_part": (
        "format",
        lambda: forge(
            header_dict(),
            b._serialise_parts({"result.json": PARTS["result.json"], "scan-2.pdf": PARTS["scan-1.pdf"]}),
        ),
    ),
    "payload_trailing_bytes": ("format", lambda: forge(header_dict(), b._serialise_parts(PARTS) + b"\x00")),
    "payload_truncated": ("format", lambda: forge(header_dict(), b._serialise_parts(PARTS)[:-1])),
    "payload_duplicate_part": (
        "format",
        lambda: forge(
            header_dict(),
            b._U32.pack(3)
            + _part("result.json", PARTS["result.json"])
            + _part("result.json", PARTS["result.json"])
            + _part("scan-1.pdf", PARTS["scan-1.pdf"]),
        ),
    ),
    "payload_empty": ("format", lambda: forge(header_dict(), b"")),
    # signature
    "tampered_header": ("signature", _tampered_header),
    "tampered_sealed": ("signature", _flip_sealed),
    "swapped_sealed": ("signature", _swapped_sealed),
    "wrong_signer": ("signature", lambda: good(signing_key=OTHER_APPLIANCE_KEY)),
    "signature_zeroed": (
        "signature",
        lambda: b._assemble(split(good())[0], bytes(64), split(good())[2]),
    ),
    # decryption
    "wrong_registry_key": ("decrypt", lambda: good(registry_public_key=OTHER_REGISTRY_KEY.public_key())),
    "sealed_under_other_header": ("decrypt", _resigned_under_other_header),
    "sealed_garbage_signed": (
        "decrypt",
        lambda: (
            lambda header, garbage: b._assemble(
                header, APPLIANCE_KEY.sign(b._signed_message(header, garbage)), garbage
            )
        )(b._canonical_json(header_dict()), _seed("garbage") * 3),
    ),
    # size
    "oversize": ("toolarge", lambda: good(parts={"video.webm": bytes(FILE_MAX_SIZE)})),
    "header_len_huge": ("toolarge", lambda: b"\x01\xff\xff\xff\xff" + good()[5:]),
    "sealed_len_huge": ("toolarge", _sealed_len_huge),
}


def file_name(case: str) -> str:
    return f"{CASES[case][0]}__{case}.bin"


def write_files(force: bool = False) -> list[Path]:
    """Write the file of every case that has none yet (all of them with ``force``)."""
    BAD_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for case, (_, make) in CASES.items():
        path = BAD_DIR / file_name(case)
        if force or not path.exists():
            path.write_bytes(make())
            written.append(path)
    return written


if __name__ == "__main__":
    for p in write_files(force="--force" in sys.argv[1:]):
        print(p.relative_to(ROOT))
