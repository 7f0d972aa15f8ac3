"""Helpers of the registry's ingestion tests: an appliance that builds real bundles, and ack reading.

`Sender` plays the appliance of `spk_world` (its private keys): it numbers bundles like the outbox
does and seals them to the registry's real HPKE key, so every test goes through the full
verification of `central.ingest.Ingestor`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from central.bootstrap import load_registry_keys
from central.ingest import Ingestor
from central.testing import result_document
from core.bundle import build_bundle
from federation import protocol as p
from federation.keys import RegistryKeys


def registry_keys(services) -> RegistryKeys:
    return load_registry_keys(services.config)


def ingestor(services, **kw) -> Ingestor:
    return Ingestor(services, registry_keys(services), **kw)


def read_ack(services, ack: bytes, bundle: bytes) -> dict[str, Any]:
    """Verify the ack with the registry's public signing key, for this bundle."""
    from core.bundle import parse_bundle

    keys = registry_keys(services)
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(keys.public_info()["signing_public_key"]))
    bundle_id = parse_bundle(bundle, max_size=len(bundle)).header.bundle_id
    return p.read_ack(ack, public, bundle_id=bundle_id)


@dataclass
class Sender:
    """The appliance side: numbered, signed bundles sealed to the registry."""

    world: Any
    next_serial: int = 1
    _n: int = field(default=0)

    @property
    def curve_key(self) -> str:
        return self.world.appliance.curve_public_key

    def bundle(self, kind: str, parts: dict[str, bytes], *, serial: int | None = None,
               appliance_id: str | None = None) -> bytes:
        if serial is None and kind in p.SERIAL_KINDS:
            serial, self.next_serial = self.next_serial, self.next_serial + 1
        registry = registry_keys(self.world.services).hpke_key.public_key()
        return build_bundle(kind, appliance_id or self.world.appliance.appliance_id, serial or 1, parts,
                            self.world.appliance_keys.signing_key, registry)

    def result_parts(self, *, application_id: int | None = None, documents: dict[str, bytes] | None = None,
                     **kw) -> dict[str, bytes]:
        self._n += 1
        world = self.world
        defaults = dict(application_id=application_id or 500 + self._n, number=f"З-{500 + self._n}",
                        full_name="Иванов Иван Иванович", snils="112-233-445 95", birth_date="1985-04-12",
                        qualification=world.qualifications[0], cok=world.coks[0], venue=world.venue,
                        exam_date=dt.date(2026, 11, 18), verdict="passed")
        defaults.update(kw)
        files = documents if documents is not None else {"protocol.pdf": b"%PDF-1.7 protocol",
                                                         "doc-01.pdf": b"%PDF-1.7 passport"}
        titles = {"protocol.pdf": "Протокол экспертной комиссии", "doc-01.pdf": "Паспорт"}
        described = [{"part": name, "title": titles.get(name, name), "content_type": "application/pdf",
                      "size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in files.items()]
        doc = result_document(documents=described, **defaults)
        return {p.PART_RESULT: json.dumps(doc, ensure_ascii=False).encode("utf-8"), **files}

    def result(self, *, serial: int | None = None, appliance_id: str | None = None, **kw) -> bytes:
        return self.bundle(p.KIND_EXAM_RESULT, self.result_parts(**kw), serial=serial, appliance_id=appliance_id)

    def chunk(self, data: bytes, *, offset: int, whole: bytes, serial: int | None = None,
              title: str = "Веб-камера, 10:00–10:01") -> bytes:
        meta = p.ChunkMeta(part_id=hashlib.sha256(whole).hexdigest(), offset=offset, total_size=len(whole),
                           title=title, meta={"recording": 5, "stream": "webcam"})
        return self.bundle(p.KIND_VIDEO_PART, {p.PART_CHUNK_META: meta.to_bytes(), p.PART_CHUNK_DATA: data},
                           serial=serial)

    def schedule(self, groups: list[dict], *, serial: int | None = None) -> bytes:
        body = json.dumps({"groups": groups}, ensure_ascii=False).encode("utf-8")
        return self.bundle(p.KIND_EXAM_SCHEDULE, {p.PART_SCHEDULE: body}, serial=serial)

    def reference_request(self, have_version: int) -> bytes:
        body = json.dumps({"have_version": have_version}).encode()
        return self.bundle(p.KIND_REFERENCE_REQUEST, {p.PART_REQUEST: body}, serial=1)
