"""Tamper-evident segments: the manifest a station signs, and the checks of a whole chain.

Each segment's manifest names its recording, sequence number, time span, frame geometry,
the SHA-256 of the segment file and the SHA-256 of the previous segment (``GENESIS`` for the
first). The station signs the canonical JSON of the manifest with its Ed25519 key. A deleted
segment leaves a gap in ``seq`` and a ``prev_sha256`` that matches nothing; a swapped pair
breaks both links; an edited file no longer matches its ``sha256``; an edited manifest no
longer matches its signature. Messages are Russian: they are shown on the playback page.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO, Iterable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
HEX64 = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class SegmentManifest:
    """What a station asserts about one segment (all times ISO 8601 UTC, e.g. 2026-11-23T10:00:00Z)."""

    recording: str  # recording UUID
    seq: int  # 0, 1, 2… within the recording
    started_at: str
    ended_at: str
    frames: int
    width: int
    height: int
    sha256: str  # of the segment file (WebM)
    prev_sha256: str  # of the previous segment's file; GENESIS for seq 0
    station: int  # Station.id at the appliance
    source: str  # Recorder.code
    label: str  # «Рабочее место 3 — Соколов Д. О.», drawn on the frames too

    def canonical(self) -> bytes:
        """The exact bytes that are signed: sorted keys, no spaces, UTF-8."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SegmentManifest:
        """Parse what a station sent; a missing or mistyped field is a Russian `ValueError`."""
        fields = cls.__dataclass_fields__
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ValueError(f"Неизвестные поля описания сегмента: {', '.join(unknown)}")
        values = {}
        for name, spec in fields.items():
            if name not in data:
                raise ValueError(f"В описании сегмента нет поля «{name}»")
            value = data[name]
            kind = int if spec.type in ("int", int) else str
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(f"Поле «{name}» описания сегмента имеет неверный тип")
            values[name] = value
        manifest = cls(**values)
        for name in ("sha256", "prev_sha256"):
            value = getattr(manifest, name)
            if len(value) != 64 or not set(value) <= HEX64:
                raise ValueError(f"Поле «{name}» должно быть SHA-256 в шестнадцатеричном виде")
        if manifest.seq < 0 or manifest.frames < 0 or manifest.width <= 0 or manifest.height <= 0:
            raise ValueError("Номер, число кадров и размеры сегмента должны быть положительными")
        return manifest


def file_sha256(stream: BinaryIO, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(chunk), b""):
        digest.update(block)
    return digest.hexdigest()


def sign(manifest: SegmentManifest, key: Ed25519PrivateKey) -> str:
    return key.sign(manifest.canonical()).hex()


def signature_valid(manifest: SegmentManifest, signature_hex: str, public_key_hex: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex),
                                                                                  manifest.canonical())
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class ChainProblem:
    """One finding on a recording's chain, at segment `seq` (the playback page marks it there)."""

    seq: int
    message: str


def chain_problems(manifests: Iterable[SegmentManifest]) -> list[ChainProblem]:
    """Gaps, reordering and broken links in a recording's manifests (signatures and file hashes
    are checked per segment on arrival; this checks how the segments fit together)."""
    problems: list[ChainProblem] = []
    ordered = sorted(manifests, key=lambda m: m.seq)
    expected_seq, previous = 0, None
    for manifest in ordered:
        if manifest.seq != expected_seq:
            problems.append(ChainProblem(manifest.seq, f"Нет сегментов № {expected_seq}–{manifest.seq - 1}: "
                                                       "запись прерывается"))
        expected_prev = GENESIS if manifest.seq == 0 else (previous.sha256 if previous and
                                                           previous.seq == manifest.seq - 1 else None)
        if expected_prev is not None and manifest.prev_sha256 != expected_prev:
            problems.append(ChainProblem(manifest.seq, "Сегмент не продолжает предыдущий: цепочка нарушена "
                                                       "(сегменты переставлены или подменены)"))
        if previous is not None and manifest.started_at < previous.ended_at:
            problems.append(ChainProblem(manifest.seq, "Время сегмента раньше конца предыдущего"))
        expected_seq, previous = manifest.seq + 1, manifest
    return problems
