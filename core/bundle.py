"""Federation bundle — the signed, sealed unit an appliance sends to the registry («пакет»).

Wire format (all integers big-endian)::

    version      1 byte, always 1
    header_len   u32
    header       canonical JSON (sorted keys, UTF-8, no spaces)
    signature    64 bytes, Ed25519 over  version || header_len || header || sha256(sealed)
    sealed_len   u64
    sealed       HPKE(X25519, HKDF-SHA256, AES-256-GCM) base mode to the registry's key,
                 info = b"nok bundle v1" + header, plaintext = serialised parts

The header is readable without the registry key (routing, serial checks) yet bound twice: the
signature covers it, and it is part of the HPKE info, so a sealed payload cannot be moved under
another header. The signature covers only a digest of the sealed payload, so it is checked before
any decryption work is done on untrusted bytes.

Following TUF, verification raises a ``BundleError`` subclass and never returns False.
"""
from __future__ import annotations

import hashlib
import json
import re
import struct
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from core.exceptions import PermanentError

VERSION = 1
KINDS = frozenset({"exam_result", "video_part", "exam_schedule", "reference_request", "reference_snapshot", "ack"})
MIB = 1024 * 1024
DEFAULT_MAX_SIZE = 256 * MIB
MAX_HEADER_SIZE = 1 * MIB
SIGNATURE_SIZE = 64
HPKE_INFO_PREFIX = b"nok bundle v1"
CREATED_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_SERIAL = 2**63 - 1  # fits a signed 64-bit database column

_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
_SEALED_OVERHEAD = KEM.X25519.enc_length() + 16  # encapsulated key + GCM tag
_HEADER_KEYS = frozenset({"bundle_id", "kind", "appliance_id", "serial", "created_at", "manifest"})
_PART_KEYS = frozenset({"name", "sha256", "size"})
# Part names may end up as file names on the registry: keep them boring.
_PART_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
APPLIANCE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_U16 = struct.Struct(">H")


class BundleError(PermanentError):
    """A bundle is refused; resending the same bytes will be refused again."""


class BundleFormatError(BundleError):
    """The bytes do not follow the wire format, or the contents contradict the manifest."""


class BundleSignatureError(BundleError):
    """The Ed25519 signature does not match the pinned key of the sender."""


class BundleDecryptError(BundleError):
    """The sealed payload cannot be opened with the registry key."""


class BundleTooLargeError(BundleError):
    """The bundle (or a declared length in it) exceeds the accepted size."""


@dataclass(frozen=True)
class ManifestEntry:
    """One part of the payload as promised by the signed header."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class BundleHeader:
    """Заголовок пакета — the signed, unencrypted description of a bundle."""

    bundle_id: str
    kind: str
    appliance_id: str
    serial: int
    created_at: datetime
    manifest: tuple[ManifestEntry, ...]


@dataclass(frozen=True)
class ParsedBundle:
    """A structurally valid bundle whose signature and payload are not yet checked."""

    version: int
    header: BundleHeader
    header_bytes: bytes
    signature: bytes
    sealed: bytes


@dataclass(frozen=True)
class OpenedBundle:
    """A verified and decrypted bundle: the parts match the signed manifest exactly."""

    header: BundleHeader
    parts: Mapping[str, bytes]


# --- building ---------------------------------------------------------------------------------


def build_bundle(
    kind: str,
    appliance_id: str,
    serial: int,
    parts: dict[str, bytes],
    signing_key: Ed25519PrivateKey,
    registry_public_key: X25519PublicKey,
    *,
    bundle_id: str | None = None,
    created_at: datetime | None = None,
) -> bytes:
    """Sign and seal ``parts``; ``bundle_id``/``created_at`` are fixed only by tests."""
    names = sorted(parts)
    manifest = [
        {"name": n, "sha256": hashlib.sha256(parts[n]).hexdigest(), "size": len(parts[n])}
        for n in names
    ]
    when = created_at or datetime.now(timezone.utc)
    if when.tzinfo is None or when.utcoffset() != timezone.utc.utcoffset(None):
        raise BundleFormatError("Время создания пакета должно быть в UTC")
    header = {
        "bundle_id": bundle_id or uuid.uuid4().hex,
        "kind": kind,
        "appliance_id": appliance_id,
        "serial": serial,
        "created_at": when.strftime(CREATED_AT_FORMAT),
        "manifest": manifest,
    }
    _validate_header(header)  # refuse to send what the registry would refuse
    header_bytes = _canonical_json(header)
    sealed = _seal(header_bytes, _serialise_parts(parts), registry_public_key)
    signature = signing_key.sign(_signed_message(header_bytes, sealed))
    return _assemble(header_bytes, signature, sealed)


def _canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _serialise_parts(parts: Mapping[str, bytes]) -> bytes:
    """Sorted, length-prefixed parts: one byte string per dict, so digests are reproducible."""
    out = [_U32.pack(len(parts))]
    for name in sorted(parts):
        raw_name = name.encode("utf-8")
        data = bytes(parts[name])
        out += [_U16.pack(len(raw_name)), raw_name, _U64.pack(len(data)), data]
    return b"".join(out)


def _seal(header_bytes: bytes, payload: bytes, registry_public_key: X25519PublicKey) -> bytes:
    return _SUITE.encrypt(payload, registry_public_key, info=HPKE_INFO_PREFIX + header_bytes)


def _signed_message(header_bytes: bytes, sealed: bytes) -> bytes:
    return (
        bytes([VERSION])
        + _U32.pack(len(header_bytes))
        + header_bytes
        + hashlib.sha256(sealed).digest()
    )


def _assemble(header_bytes: bytes, signature: bytes, sealed: bytes, version: int = VERSION) -> bytes:
    return b"".join(
        [
            bytes([version]),
            _U32.pack(len(header_bytes)),
            header_bytes,
            signature,
            _U64.pack(len(sealed)),
            sealed,
        ]
    )


# --- reading ----------------------------------------------------------------------------------


def parse_bundle(data: bytes, *, max_size: int) -> ParsedBundle:
    """Split a bundle into its fields and validate the header; no cryptography happens here."""
    data = bytes(data)
    if len(data) > max_size:
        raise BundleTooLargeError(f"Пакет больше допустимого размера ({len(data)} > {max_size} байт)")
    if len(data) < 1:
        raise BundleFormatError("Пакет пуст")
    if data[0] != VERSION:
        raise BundleFormatError(f"Неизвестная версия формата пакета: {data[0]}")
    pos = 1
    header_len, pos = _read_int(data, pos, _U32, "длина заголовка")
    if header_len > MAX_HEADER_SIZE:
        raise BundleTooLargeError(f"Заголовок пакета слишком велик ({header_len} байт)")
    header_bytes, pos = _read_bytes(data, pos, header_len, "заголовок")
    signature, pos = _read_bytes(data, pos, SIGNATURE_SIZE, "подпись")
    sealed_len, pos = _read_int(data, pos, _U64, "длина зашифрованных данных")
    if sealed_len > max_size:
        raise BundleTooLargeError("Объявленная длина зашифрованных данных больше допустимой")
    sealed, pos = _read_bytes(data, pos, sealed_len, "зашифрованные данные")
    if pos != len(data):
        raise BundleFormatError(f"После конца пакета лишние байты: {len(data) - pos}")
    if sealed_len < _SEALED_OVERHEAD:
        raise BundleFormatError("Зашифрованные данные короче минимально возможных")
    header = _decode_header(header_bytes)
    return ParsedBundle(VERSION, header, header_bytes, signature, sealed)


def verify_and_open(
    data: bytes,
    *,
    signer_public_key: Ed25519PublicKey,
    registry_private_key: X25519PrivateKey,
    max_size: int = DEFAULT_MAX_SIZE,
) -> OpenedBundle:
    """Return the bundle's parts only if every check passes; any fault raises ``BundleError``."""
    parsed = parse_bundle(data, max_size=max_size)
    try:
        signer_public_key.verify(
            parsed.signature, _signed_message(parsed.header_bytes, parsed.sealed)
        )
    except InvalidSignature:
        raise BundleSignatureError("Подпись пакета неверна или сделана другим ключом") from None
    try:
        payload = _SUITE.decrypt(
            parsed.sealed, registry_private_key, info=HPKE_INFO_PREFIX + parsed.header_bytes
        )
    except InvalidTag:
        raise BundleDecryptError(
            "Не удалось расшифровать пакет: он запечатан не для этого реестра или повреждён"
        ) from None
    parts = _parse_parts(payload)
    _check_manifest(parsed.header.manifest, parts)
    return OpenedBundle(parsed.header, MappingProxyType(parts))


def _read_int(data: bytes, pos: int, fmt: struct.Struct, what: str) -> tuple[int, int]:
    if pos + fmt.size > len(data):
        raise BundleFormatError(f"Пакет обрезан: не хватает поля «{what}»")
    return fmt.unpack_from(data, pos)[0], pos + fmt.size


def _read_bytes(data: bytes, pos: int, length: int, what: str) -> tuple[bytes, int]:
    if pos + length > len(data):
        raise BundleFormatError(f"Пакет обрезан: не хватает поля «{what}»")
    return data[pos : pos + length], pos + length


def _decode_header(header_bytes: bytes) -> BundleHeader:
    """Accept only the one canonical encoding, so equal headers are equal bytes."""
    try:
        text = header_bytes.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BundleFormatError("Заголовок пакета — не корректный JSON в UTF-8") from None
    if not isinstance(value, dict):
        raise BundleFormatError("Заголовок пакета должен быть JSON-объектом")
    _validate_header(value)
    if _canonical_json(value) != header_bytes:
        raise BundleFormatError("Заголовок пакета записан не в каноническом виде")
    return BundleHeader(
        bundle_id=value["bundle_id"],
        kind=value["kind"],
        appliance_id=value["appliance_id"],
        serial=value["serial"],
        created_at=datetime.strptime(value["created_at"], CREATED_AT_FORMAT).replace(
            tzinfo=timezone.utc
        ),
        manifest=tuple(ManifestEntry(**p) for p in value["manifest"]),
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_header(h: dict[str, Any]) -> None:
    """Field checks shared by the sender and the receiver."""
    if set(h) != _HEADER_KEYS:
        raise BundleFormatError("Заголовок пакета содержит не тот набор полей")
    bundle_id = h["bundle_id"]
    if not (isinstance(bundle_id, str) and _HEX32.fullmatch(bundle_id)):
        raise BundleFormatError("Идентификатор пакета должен быть UUID4 в шестнадцатеричной записи")
    if uuid.UUID(hex=bundle_id).version != 4:
        raise BundleFormatError("Идентификатор пакета должен быть UUID версии 4")
    if not (isinstance(h["kind"], str) and h["kind"] in KINDS):
        raise BundleFormatError(f"Неизвестный вид пакета: {h['kind']!r}")
    if not (isinstance(h["appliance_id"], str) and APPLIANCE_ID_RE.fullmatch(h["appliance_id"])):
        raise BundleFormatError("Недопустимый идентификатор комплекса")
    serial = h["serial"]
    if not (_is_int(serial) and 1 <= serial <= MAX_SERIAL):
        raise BundleFormatError("Порядковый номер пакета должен быть целым числом не меньше 1")
    created_at = h["created_at"]
    try:
        ok = datetime.strptime(created_at, CREATED_AT_FORMAT).strftime(CREATED_AT_FORMAT)
    except (TypeError, ValueError):
        ok = None
    if ok != created_at:
        raise BundleFormatError("Время создания пакета должно быть в формате ISO 8601 UTC")
    manifest = h["manifest"]
    if not isinstance(manifest, list):
        raise BundleFormatError("Опись частей пакета должна быть списком")
    names = []
    for part in manifest:
        if not (isinstance(part, dict) and set(part) == _PART_KEYS):
            raise BundleFormatError("Запись описи должна содержать ровно name, sha256 и size")
        if not (isinstance(part["name"], str) and _PART_NAME.fullmatch(part["name"])):
            raise BundleFormatError(f"Недопустимое имя части пакета: {part['name']!r}")
        if not (isinstance(part["sha256"], str) and _HEX64.fullmatch(part["sha256"])):
            raise BundleFormatError("Хеш части пакета должен быть SHA-256 в шестнадцатеричной записи")
        if not (_is_int(part["size"]) and part["size"] >= 0):
            raise BundleFormatError("Размер части пакета должен быть неотрицательным целым")
        names.append(part["name"])
    if names != sorted(set(names)):
        raise BundleFormatError("Части в описи должны быть упорядочены по имени и не повторяться")


def _parse_parts(payload: bytes) -> dict[str, bytes]:
    """Inverse of ``_serialise_parts``; the payload is authentic here, but a buggy sender is not."""
    pos = 0
    count, pos = _read_int(payload, pos, _U32, "число частей")
    parts: dict[str, bytes] = {}
    for _ in range(count):
        name_len, pos = _read_int(payload, pos, _U16, "длина имени части")
        raw_name, pos = _read_bytes(payload, pos, name_len, "имя части")
        size, pos = _read_int(payload, pos, _U64, "длина части")
        data, pos = _read_bytes(payload, pos, size, "часть")
        try:
            name = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            raise BundleFormatError("Имя части пакета не в UTF-8") from None
        if name in parts:
            raise BundleFormatError(f"Часть «{name}» встречается в пакете дважды")
        parts[name] = data
    if pos != len(payload):
        raise BundleFormatError("После последней части пакета лишние байты")
    return parts


def _check_manifest(manifest: tuple[ManifestEntry, ...], parts: dict[str, bytes]) -> None:
    """The signed manifest is the contract: the decrypted parts must match it exactly."""
    expected = {entry.name: entry for entry in manifest}
    if set(parts) != set(expected):
        raise BundleFormatError("Состав частей пакета не совпадает с описью")
    for name, data in parts.items():
        entry = expected[name]
        if len(data) != entry.size:
            raise BundleFormatError(f"Размер части «{name}» не совпадает с описью")
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            raise BundleFormatError(f"Хеш части «{name}» не совпадает с описью")
