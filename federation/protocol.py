"""What appliance and registry say to each other on top of bundles (docs/federation.md).

* **Kinds.** ``exam_result`` (one result of «Отправить в СПК» with its documents), ``video_part``
  (one chunk of a recording file), ``exam_schedule`` (the appliance's exam groups for the
  plan-schedule), ``reference_request`` (an appliance asks for a newer reference snapshot; stateless,
  not journaled), ``reference_snapshot`` (registry → appliance, sealed to the appliance's HPKE key).
* **Acknowledgement.** Every answer of the registry is an ack: canonical JSON signed by the
  registry's Ed25519 key, so the appliance trusts «stored» only from the registry it pinned.
* **Video chunks.** A ``video_part`` bundle has two parts: ``meta.json`` (`ChunkMeta`) and
  ``data``. The registry appends a chunk only at its expected offset and always answers with the
  offset it expects next, so a sender resumes from there after any break.
* **Enrolment.** Both sides prove knowledge of the one-time code with an HMAC over their public
  keys, so nobody who does not know the code can substitute keys in between. The code never travels:
  the request names it by ``code_hash`` (its id) and the registry keeps the MAC key derived from it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import asdict, dataclass
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from core.exceptions import PermanentError

KIND_EXAM_RESULT = "exam_result"
KIND_VIDEO_PART = "video_part"
KIND_EXAM_SCHEDULE = "exam_schedule"
KIND_REFERENCE_REQUEST = "reference_request"
KIND_REFERENCE_SNAPSHOT = "reference_snapshot"
# Kinds an appliance sends in its serial order (journaled by the registry).
SERIAL_KINDS = frozenset({KIND_EXAM_RESULT, KIND_VIDEO_PART, KIND_EXAM_SCHEDULE})
REGISTRY_SENDER_ID = "registry"  # `appliance_id` of the bundles the registry builds (snapshots)

# Ack statuses.
ACK_STORED = "stored"        # committed now
ACK_DUPLICATE = "duplicate"  # this serial and bundle id were committed before: stored once, acked again
ACK_HELD = "held"            # verified and kept until the missing serials before it arrive
ACK_SNAPSHOT = "snapshot"    # answer to reference_request: `snapshot_b64` holds a reference_snapshot bundle
ACK_UP_TO_DATE = "up_to_date"  # answer to reference_request: nothing newer
ACK_STATUSES = frozenset({ACK_STORED, ACK_DUPLICATE, ACK_HELD, ACK_SNAPSHOT, ACK_UP_TO_DATE})

# Part names.
PART_RESULT = "result.json"          # exam_result: see `result_document` in docs/federation.md
PART_SCHEDULE = "schedule.json"      # exam_schedule: {"groups": [...]}
PART_REQUEST = "request.json"        # reference_request: {"have_version": int}
PART_SNAPSHOT = "snapshot.json"      # reference_snapshot: see docs/federation.md
PART_CHUNK_META = "meta.json"        # video_part
PART_CHUNK_DATA = "data"             # video_part

CHUNK_SIZE = 8 * 1024 * 1024  # bytes of video per bundle
ENROL_PATH = "/federation/enrol"  # the registry's HTTP endpoint taking enrolment requests
_CODE_CHARS = re.compile(r"[^A-Z0-9]")


class ProtocolError(PermanentError):
    """A message that does not follow the protocol (bad ack, bad chunk meta, bad enrolment)."""


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


# --- acknowledgements ---------------------------------------------------------------------------

def make_ack(signing_key: Ed25519PrivateKey, *, status: str, bundle_id: str, serial: int,
             **extra: Any) -> bytes:
    """The registry's signed answer: 64-byte Ed25519 signature followed by canonical JSON.

    ``extra`` carries ``next_offset`` (video_part), ``snapshot_b64`` and ``version`` (snapshots) and,
    in every ack, ``reference_version`` — the registry's newest reference version, so the appliance
    knows when to pull.
    """
    if status not in ACK_STATUSES:
        raise ValueError(f"unknown ack status {status!r}")
    body = canonical_json({"status": status, "bundle_id": bundle_id, "serial": serial, **extra})
    return signing_key.sign(body) + body


def read_ack(data: bytes, registry_signing_key: Ed25519PublicKey, *, bundle_id: str) -> dict[str, Any]:
    """Verify and parse an ack for ``bundle_id``; raises ``ProtocolError`` on any fault."""
    if len(data) < 65:
        raise ProtocolError("Ответ реестра слишком короткий")
    signature, body = bytes(data[:64]), bytes(data[64:])
    try:
        registry_signing_key.verify(signature, body)
    except InvalidSignature:
        raise ProtocolError("Подпись ответа реестра неверна") from None
    try:
        ack = json.loads(body)
    except ValueError:
        raise ProtocolError("Ответ реестра не является JSON") from None
    if not isinstance(ack, dict) or ack.get("status") not in ACK_STATUSES:
        raise ProtocolError("Ответ реестра неизвестного вида")
    if ack.get("bundle_id") != bundle_id:
        raise ProtocolError("Ответ реестра относится к другому пакету")
    return ack


# --- video chunks -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChunkMeta:
    """``meta.json`` of a video_part bundle."""

    part_id: str      # SHA-256 (hex) of the whole file
    offset: int       # where this chunk's bytes start
    total_size: int   # size of the whole file
    title: str        # Russian, for the СПК's lists («Веб-камера, Иванов И. И., 12:00–12:01»)
    meta: dict        # recording id, stream kind, start/end times, application id on the appliance

    def to_bytes(self) -> bytes:
        return canonical_json(asdict(self))

    @classmethod
    def from_bytes(cls, data: bytes) -> ChunkMeta:
        try:
            raw = json.loads(data)
            meta = cls(part_id=raw["part_id"], offset=raw["offset"], total_size=raw["total_size"],
                       title=raw["title"], meta=raw["meta"])
        except (ValueError, KeyError, TypeError):
            raise ProtocolError("Описание части видеозаписи повреждено") from None
        if not (isinstance(meta.part_id, str) and re.fullmatch(r"[0-9a-f]{64}", meta.part_id)):
            raise ProtocolError("Идентификатор видеозаписи должен быть SHA-256")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (meta.offset, meta.total_size)):
            raise ProtocolError("Смещение и размер видеозаписи должны быть целыми")
        if meta.offset < 0 or meta.total_size < 0 or meta.offset > meta.total_size:
            raise ProtocolError("Смещение части видеозаписи вне файла")
        if not isinstance(meta.title, str) or not isinstance(meta.meta, dict):
            raise ProtocolError("Описание части видеозаписи повреждено")
        return meta


# --- enrolment ----------------------------------------------------------------------------------

def normalise_code(code: str) -> str:
    """«abcd-efgh ijkl» → «ABCDEFGHIJKL»: the code as typed, without separators."""
    return _CODE_CHARS.sub("", code.upper())


def code_hash(code: str) -> str:
    """The code's public id: the appliance sends it as ``code_id``, the registry finds the code by it."""
    return hashlib.sha256(b"nok enrolment code v1\x00" + normalise_code(code).encode("ascii")).hexdigest()


def code_mac_key(code: str) -> str:
    """The MAC key derived from the code (hex). The registry stores it; it never travels."""
    return hashlib.sha256(b"nok enrolment mac v1\x00" + normalise_code(code).encode("ascii")).hexdigest()


def keyed_mac(mac_key: str, role: str, info: Mapping[str, Any]) -> str:
    """HMAC-SHA256 under ``mac_key`` over the sender's role and public information."""
    return hmac.new(bytes.fromhex(mac_key), role.encode("ascii") + b"\x00" + canonical_json(dict(info)),
                    hashlib.sha256).hexdigest()


def check_keyed_mac(mac_key: str, role: str, info: Mapping[str, Any], mac: str) -> None:
    if not isinstance(mac, str) or not hmac.compare_digest(keyed_mac(mac_key, role, info), mac):
        raise ProtocolError("Код подключения неверен или ответ подменён")


def enrol_mac(code: str, role: str, info: Mapping[str, Any]) -> str:
    """The MAC a holder of the plain code computes (the appliance; tests acting as the registry)."""
    return keyed_mac(code_mac_key(code), role, info)


def check_enrol_mac(code: str, role: str, info: Mapping[str, Any], mac: str) -> None:
    check_keyed_mac(code_mac_key(code), role, info, mac)


def enrol_request(code: str, *, appliance_id: str, title: str, keys: Mapping[str, Any]) -> dict[str, Any]:
    """The appliance's enrolment request: the code itself is never sent, only its id and a MAC by it."""
    return {"appliance_id": appliance_id, "title": title, "keys": dict(keys), "code_id": code_hash(code),
            "mac": enrol_mac(code, "appliance", {"appliance_id": appliance_id, "keys": dict(keys)})}
