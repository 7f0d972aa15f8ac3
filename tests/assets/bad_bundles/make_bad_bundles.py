"""Write the registry's known-bad bundles into ``tests/assets/bad_bundles/ingest/`` (sigstore style).

Each file is one bundle the registry's ``Ingestor`` must refuse, sent by the TEST appliance whose
keys are in ``keys/`` (generated once by this script; test keys only, see README.md). Two good
bundles (serials 1 and 2) come first: a test feeds them, then each bad file, which would be serial 3
unless it says otherwise. HPKE's ephemeral key is random, so files are written once and kept:

    .venv/bin/python tests/assets/bad_bundles/make_bad_bundles.py          # write missing files
    .venv/bin/python tests/assets/bad_bundles/make_bad_bundles.py --force  # rewrite every bundle

``ingest/cases.json`` says, per file, what is wrong with it and which words the refusal must contain.
Never delete a case: each one is a bad input that must stay refused.
"""
from __future__ import annotations

import hashlib
import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:  # when run as a script
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from core import bundle as b  # noqa: E402
from federation.keys import (ApplianceKeys, CurveKeyPair, RegistryKeys, _raw_private,  # noqa: E402
                             generate_appliance_keys, generate_registry_keys)

KEY_DIR = HERE / "keys"
OUT_DIR = HERE / "ingest"
CASES_FILE = OUT_DIR / "cases.json"
APPLIANCE_ID = "test-cok-1"
WARNING = "ТЕСТОВЫЕ КЛЮЧИ: только для тестов реестра, опубликованы в репозитории; никогда не использовать в работе."
CREATED_AT = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)


# --- keys ------------------------------------------------------------------------------------------

def _key_file(keys: ApplianceKeys | RegistryKeys) -> dict[str, str]:
    return {"warning": WARNING, "signing_key": _raw_private(keys.signing_key).hex(),
            "hpke_key": _raw_private(keys.hpke_key).hex(), "curve_public": keys.curve.public.decode("ascii"),
            "curve_secret": keys.curve.secret.decode("ascii")}


def _parts(raw: dict[str, str]) -> tuple[Ed25519PrivateKey, X25519PrivateKey, CurveKeyPair]:
    return (Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw["signing_key"])),
            X25519PrivateKey.from_private_bytes(bytes.fromhex(raw["hpke_key"])),
            CurveKeyPair(public=raw["curve_public"].encode("ascii"), secret=raw["curve_secret"].encode("ascii")))


def load_keys(name: str) -> ApplianceKeys | RegistryKeys:
    """`registry`, `other_registry` → RegistryKeys; `appliance`, `other_appliance` → ApplianceKeys."""
    raw = json.loads((KEY_DIR / f"{name}.json").read_text(encoding="utf-8"))
    cls = RegistryKeys if name.endswith("registry") else ApplianceKeys
    return cls(*_parts(raw))


def ensure_keys() -> None:
    """Create the test keys once (kept in the repository; the bundles are signed with them)."""
    KEY_DIR.mkdir(parents=True, exist_ok=True)
    for name, make in (("registry", generate_registry_keys), ("other_registry", generate_registry_keys),
                       ("appliance", generate_appliance_keys), ("other_appliance", generate_appliance_keys)):
        path = KEY_DIR / f"{name}.json"
        if not path.exists():
            path.write_text(json.dumps(_key_file(make()), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- bundles ---------------------------------------------------------------------------------------

def _bundle_id(label: str) -> str:
    return uuid.UUID(bytes=hashlib.sha256(b"nok-bad-ingest:" + label.encode()).digest()[:16], version=4).hex


def _result_parts(application_id: int) -> dict[str, bytes]:
    doc = {"format": "nok-result-bundle/1", "submission": {"id": application_id, "queued_at": "2026-11-19T12:00:00"},
           "applied_at": "2026-10-30T09:12:00",
           "result": {"format": "nok-spk-result/1",
                      "application": {"id": application_id, "number": f"З-{application_id}"},
                      "applicant": {"full_name": "Тестов Тест Тестович", "snils": "112-233-445 95",
                                    "birth_date": "1985-04-12"},
                      "qualification": {"code": "40.05400.01", "name": "Специалист по охране труда", "level": 6,
                                        "title": "Специалист по охране труда (6 уровень квалификации)"},
                      "cok": {"id": 1, "full_name": "ЦОК", "short_name": "ЦОК", "inn": None},
                      "venue": {"id": 2, "full_name": "Площадка", "short_name": "Площадка", "inn": None,
                                "address": None},
                      "exam_dates": ["2026-11-18"],
                      "stages": [{"stage": "theory", "title": "Теоретический этап", "group_id": 1,
                                  "exam_at": "2026-11-18T10:00:00", "finished_at": "2026-11-18T10:50:00",
                                  "points": "42", "max_points": "50", "pass_points": "35", "passed": True}],
                      "experts": [], "commission": {"verdict": "passed", "title": "Сдал", "group_id": 1,
                                                    "decided_at": "2026-11-18T13:00:00"},
                      "protocol": {"number": "ЭК-1", "date": "2026-11-18", "signed": True}},
           "answers": [], "documents": [], "video": []}
    return {"result.json": json.dumps(doc, ensure_ascii=False).encode("utf-8")}


def _schedule_parts() -> dict[str, bytes]:
    groups = [{"id": 1, "stage": "theory", "qualification_code": "40.05400.01", "qualification_title": "Специалист",
               "cok_inn": None, "venue_inn": None, "starts_at": "2026-12-01T10:00:00", "candidates": 5,
               "status": "planned"}]
    return {"schedule.json": json.dumps({"groups": groups}, ensure_ascii=False).encode("utf-8")}


def _good(label: str, serial: int, *, kind: str = "exam_result", parts: dict[str, bytes] | None = None,
          appliance_id: str = APPLIANCE_ID, signer: str = "appliance", registry: str = "registry") -> bytes:
    return b.build_bundle(kind, appliance_id, serial, _result_parts(serial) if parts is None else parts,
                          load_keys(signer).signing_key, load_keys(registry).hpke_key.public_key(),
                          bundle_id=_bundle_id(label), created_at=CREATED_AT)


def _header(label: str, serial: int, parts: dict[str, bytes], **changes: Any) -> dict[str, Any]:
    header = {"bundle_id": _bundle_id(label), "kind": "exam_result", "appliance_id": APPLIANCE_ID, "serial": serial,
              "created_at": CREATED_AT.strftime(b.CREATED_AT_FORMAT),
              "manifest": [{"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                           for n, d in sorted(parts.items())]}
    header.update(changes)
    return header


def _forge(header: dict[str, Any] | bytes, payload: bytes) -> bytes:
    """An authentic but buggy sender: signs and seals whatever header bytes it made."""
    header_bytes = header if isinstance(header, bytes) else b._canonical_json(header)
    sealed = b._seal(header_bytes, payload, load_keys("registry").hpke_key.public_key())
    signature = load_keys("appliance").signing_key.sign(b._signed_message(header_bytes, sealed))
    return b._assemble(header_bytes, signature, sealed)


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def _flip_serial_in_header() -> bytes:
    data = _good("flipped-header", 3)
    return _flip(data, data.index(b'"serial":3') + len(b'"serial":'))  # «3» becomes «2»: signed bytes changed


def _oversized_declared_length() -> bytes:
    parsed = b.parse_bundle(_good("oversized", 3), max_size=b.DEFAULT_MAX_SIZE)
    return (bytes([b.VERSION]) + b._U32.pack(len(parsed.header_bytes)) + parsed.header_bytes + parsed.signature
            + b._U64.pack(2**62) + parsed.sealed)


def _manifest_mismatch() -> bytes:
    parts = _result_parts(3)
    return _forge(_header("mismatch", 3, parts), b._serialise_parts({**parts, "extra.pdf": b"%PDF-1.7"}))


PREREQUISITES: dict[str, Callable[[], bytes]] = {
    "good-01-exam_result.bin": lambda: _good("good-1", 1),
    "good-02-exam_schedule.bin": lambda: _good("good-2", 2, kind="exam_schedule", parts=_schedule_parts()),
}

# file → (what is wrong, words the refusal must contain, how to make it)
CASES: dict[str, tuple[str, str, Callable[[], bytes]]] = {
    "unknown_signing_key.bin": ("подписан ключом, который реестр не закреплял за комплексом",
                                "Подпись пакета неверна", lambda: _good("unknown-signer", 3, signer="other_appliance")),
    "flipped_byte_sealed.bin": ("изменён один байт зашифрованных данных", "Подпись пакета неверна",
                                lambda: _flip(_good("flipped-sealed", 3), -20)),
    "flipped_byte_header.bin": ("изменён один байт заголовка (номер пакета)", "Подпись пакета неверна",
                                _flip_serial_in_header),
    "truncated.bin": ("пакет обрезан", "Пакет обрезан", lambda: _good("truncated", 3)[:-100]),
    "wrong_version_byte.bin": ("неизвестная версия формата в первом байте", "Неизвестная версия формата пакета",
                               lambda: b"\x02" + _good("wrong-version", 3)[1:]),
    "oversized_declared_length.bin": ("объявлена огромная длина зашифрованных данных",
                                      "Объявленная длина зашифрованных данных больше допустимой",
                                      _oversized_declared_length),
    "manifest_part_mismatch.bin": ("в пакете часть, которой нет в подписанной описи",
                                   "Состав частей пакета не совпадает с описью", _manifest_mismatch),
    "replayed.bin": ("повторная отправка уже принятого пакета № 1 (те же байты)", "повтор",
                     lambda: (OUT_DIR / "good-01-exam_result.bin").read_bytes()),
    "old_serial.bin": ("новый пакет с уже использованным номером 2 (комплекс восстановлен из старой копии)",
                       "Устаревший номер", lambda: _good("rolled-back", 2)),
    "appliance_id_mismatch.bin": ("в заголовке чужой идентификатор комплекса",
                                  "не совпадает с ключом подключения",
                                  lambda: _good("other-id", 3, appliance_id="test-cok-2")),
    "sealed_to_other_registry.bin": ("запечатан для другого реестра", "Не удалось расшифровать пакет",
                                     lambda: _good("other-registry", 3, registry="other_registry")),
    "malformed_json_header.bin": ("заголовок — не JSON", "не корректный JSON",
                                  lambda: _forge(b'{"kind":"exam_result",', b._serialise_parts(_result_parts(3)))),
    "unknown_kind.bin": ("неизвестный вид пакета", "Неизвестный вид пакета",
                         lambda: _forge(_header("unknown-kind", 3, _result_parts(3), kind="exam_results"),
                                        b._serialise_parts(_result_parts(3)))),
    "kind_not_from_appliance.bin": ("вид пакета, который комплекс не отправляет (подтверждение)",
                                    "не принимаются", lambda: _good("ack-kind", 3, kind="ack")),
    "result_not_json.bin": ("подписанный результат, в котором result.json — не JSON", "Часть «result.json»",
                            lambda: _good("bad-result", 3, parts={"result.json": b"not json"})),
}


def write_files(force: bool = False) -> list[Path]:
    ensure_keys()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in [*PREREQUISITES.items(), *((n, c[2]) for n, c in CASES.items())]:
        path = OUT_DIR / name
        if force or not path.exists():
            path.write_bytes(make())
            written.append(path)
    index = {"appliance_id": APPLIANCE_ID, "prerequisites": list(PREREQUISITES),
             "cases": {name: {"problem": problem, "reason": reason} for name, (problem, reason, _) in CASES.items()}}
    CASES_FILE.write_text(json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return written


if __name__ == "__main__":
    for p in write_files(force="--force" in sys.argv[1:]):
        print(p.relative_to(ROOT))
