"""Fixtures of the appliance-side federation tests: a registry stand-in on a real CURVE socket,
an enrolled appliance, and decided results «Отправить в СПК» with documents and a protocol.

`FakeRegistry` implements just the registry's serial rules of docs/federation.md (store the next
serial, ack an equal one as duplicate, hold one ahead, refuse one behind), the video offsets, and
behaviours a test switches on: stay silent, store and then stay silent (a lost ack), refuse, sign
acks with a wrong key, answer reference requests. The real ingestion is `central.ingest`; this
stand-in keeps the appliance's tests independent of it.

A module with its own name rather than a conftest.py: test files import it (fixtures included).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.bundle import build_bundle, verify_and_open
from core.exceptions import PermanentError
from core.models import ApplicationDocument, Verdict
from core.services import commission, commission_protocol
from core.testing import free_port
from core.testing_exam import CommissionWorld
from core.workflow import Status
from federation.identity import load_or_create_keys
from federation.keys import generate_registry_keys
from federation.models import RegistryLink
from federation.protocol import (ACK_DUPLICATE, ACK_HELD, ACK_SNAPSHOT, ACK_STORED, ACK_UP_TO_DATE,
                                 KIND_REFERENCE_REQUEST, KIND_VIDEO_PART, PART_CHUNK_DATA, PART_CHUNK_META,
                                 PART_REQUEST, PART_SNAPSHOT, REGISTRY_SENDER_ID, ChunkMeta, canonical_json,
                                 make_ack)
from federation.transport import BundleServer

TIMEOUT = 0.4  # seconds the appliance waits for an ack in these tests


class Silence(Exception):
    """Raised by the handler: the BundleServer leaves the request unanswered."""


@dataclass
class Received:
    serial: int
    bundle_id: str
    kind: str
    parts: dict[str, bytes]


@dataclass
class FakeRegistry:
    keys: Any = field(default_factory=generate_registry_keys)
    pinned: dict[str, Any] = field(default_factory=dict)  # curve key → appliance signing public key
    appliance_hpke: Any = None
    last_serial: int = 0
    last_bundle_id: str | None = None
    stored: list[Received] = field(default_factory=list)
    calls: list[Received] = field(default_factory=list)
    files: dict[str, bytearray] = field(default_factory=dict)  # video part id → bytes so far
    reference_version: int = 0
    silent: int = 0  # answer nothing to the next n bundles
    store_then_silent: int = 0  # store the next n bundles but lose the ack
    refuse: list[str] = field(default_factory=list)  # refuse the next bundles with these reasons
    ack_key: Ed25519PrivateKey | None = None  # sign acks with this key instead of the registry's
    block: threading.Event | None = None  # after storing, wait for this event and answer nothing
    stored_event: threading.Event = field(default_factory=threading.Event)
    snapshot: Callable[[dict], bytes | None] | None = None  # request.json → sealed snapshot bundle or None
    requests: list[dict] = field(default_factory=list)
    endpoint: str = ""
    server: BundleServer | None = None

    # --- appliance side ---------------------------------------------------------------------

    def pin(self, appliance_keys) -> None:
        self.pinned[appliance_keys.curve.public_z85] = appliance_keys.signing_key.public_key()
        self.appliance_hpke = appliance_keys.hpke_key.public_key()

    def public_info(self) -> dict[str, str]:
        return self.keys.public_info()

    # --- serving ----------------------------------------------------------------------------

    def start(self) -> FakeRegistry:
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        self.server = BundleServer(self.endpoint, curve_public_key=self.keys.curve.public,
                                   curve_secret_key=self.keys.curve.secret,
                                   is_authorised=lambda key: key in self.pinned, handle=self.handle).start()
        return self

    def stop(self) -> None:
        if self.block is not None:
            self.block.set()
        if self.server is not None:
            self.server.stop()

    def _ack(self, status: str, bundle_id: str, serial: int, **extra: Any) -> bytes:
        return make_ack(self.ack_key or self.keys.signing_key, status=status, bundle_id=bundle_id, serial=serial,
                        reference_version=self.reference_version, **extra)

    def handle(self, data: bytes, client_key: str) -> bytes:
        opened = verify_and_open(data, signer_public_key=self.pinned[client_key],
                                 registry_private_key=self.keys.hpke_key)
        header = opened.header
        received = Received(header.serial, header.bundle_id, header.kind, dict(opened.parts))
        if header.kind == KIND_REFERENCE_REQUEST:
            return self._reference(received)
        self.calls.append(received)
        if self.silent:
            self.silent -= 1
            raise Silence("registry stays silent")
        if self.refuse:
            raise PermanentError(self.refuse.pop(0))
        extra: dict[str, Any] = {}
        if header.serial == self.last_serial + 1:
            self.last_serial, self.last_bundle_id = header.serial, header.bundle_id
            self.stored.append(received)
            if header.kind == KIND_VIDEO_PART:
                extra["next_offset"] = self._append(received)
            status = ACK_STORED
            self.stored_event.set()
            if self.block is not None:
                self.block.wait(30)
                raise Silence("the appliance was killed meanwhile")
            if self.store_then_silent:
                self.store_then_silent -= 1
                raise Silence("stored, but the ack is lost")
        elif header.serial == self.last_serial and header.bundle_id == self.last_bundle_id:
            status = ACK_DUPLICATE
            if header.kind == KIND_VIDEO_PART:
                extra["next_offset"] = len(self.files[ChunkMeta.from_bytes(received.parts[PART_CHUNK_META]).part_id])
        elif header.serial > self.last_serial + 1:
            status = ACK_HELD
        else:
            raise PermanentError("Пакет с таким номером уже принят (устаревший номер)")
        return self._ack(status, header.bundle_id, header.serial, **extra)

    def _append(self, received: Received) -> int:
        meta = ChunkMeta.from_bytes(received.parts[PART_CHUNK_META])
        data = self.files.setdefault(meta.part_id, bytearray())
        if meta.offset == len(data):  # appended only at the expected offset
            data += received.parts[PART_CHUNK_DATA]
        return len(data)

    def _reference(self, received: Received) -> bytes:
        request = json.loads(received.parts[PART_REQUEST])
        self.requests.append(request)
        sealed = self.snapshot(request) if self.snapshot else None
        if sealed is None:
            return self._ack(ACK_UP_TO_DATE, received.bundle_id, received.serial)
        return self._ack(ACK_SNAPSHOT, received.bundle_id, received.serial,
                         snapshot_b64=base64.b64encode(sealed).decode("ascii"))

    def seal_snapshot(self, snapshot: dict, parts: dict[str, bytes] | None = None, *, signing_key=None) -> bytes:
        """A reference_snapshot bundle as the registry builds it, sealed to the pinned appliance."""
        return build_bundle("reference_snapshot", REGISTRY_SENDER_ID, 1,
                            {PART_SNAPSHOT: canonical_json(snapshot), **(parts or {})},
                            signing_key or self.keys.signing_key, self.appliance_hpke)


@pytest.fixture
def registry():
    reg = FakeRegistry().start()
    yield reg
    reg.stop()


def link_to(services, registry: FakeRegistry, appliance_id: str = "nok-test-1") -> RegistryLink:
    """Enrol the appliance of `services` with `registry` directly (the HTTP enrolment has its own tests)."""
    keys = load_or_create_keys(services.config)
    registry.pin(keys)
    info = registry.public_info()
    return RegistryLink.create(appliance_id=appliance_id, registry_url="http://registry.test",
                               registry_endpoint=registry.endpoint, registry_signing_key=info["signing_public_key"],
                               registry_hpke_key=info["hpke_public_key"], registry_curve_key=info["curve_public_key"])


@pytest.fixture
def enrolled(services, registry):
    """(keys, link) of an appliance pinned by `registry`."""
    link = link_to(services, registry)
    return load_or_create_keys(services.config), link


# --- results ----------------------------------------------------------------------------------

@pytest.fixture
def world(services, factory):
    services.db.connect(reuse_if_open=True)
    return CommissionWorld(factory, plugins=services.plugins)


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(out, format="PNG")
    return out.getvalue()


def decided(world: CommissionWorld, name: str):
    """A candidate through theory and practice whom the commission passed; returns (practice group, app)."""
    _, (app,) = world.theory(name)
    group = world.practice([app])
    app = app.__class__.get_by_id(app.id)
    commission.decide(world.chair, app, Verdict.PASSED, world.plugins)
    commission.decide(world.expert, app.__class__.get_by_id(app.id), Verdict.PASSED, world.plugins)
    app = app.__class__.get_by_id(app.id)
    assert Status(app.status) is Status.COMMISSION_DECIDED
    return group, app


def sent_result(world: CommissionWorld, services, name: str = "Соколов Дмитрий Олегович", *,
                protocol: bool = True, document: bytes | None = b"%PDF-1.4 passport scan\n%%EOF\n"):
    """A result the ЦОК sent to the СПК, with a document, the protocol and its signed scan."""
    group, app = decided(world, name)
    if document is not None:
        ref = services.blobs.put(document)
        ApplicationDocument.create(application=app, kind="passport", title="Паспорт", filename="паспорт.pdf",
                                   content_type="application/pdf", size=ref.size, digest=ref.digest)
    if protocol:
        commission_protocol.generate_protocol(world.chair, group, "5-ЭК", dt.date.today().isoformat(), services.blobs)
        commission_protocol.upload_protocol(world.chair, group, io.BytesIO(png_bytes()), "скан.png", services.blobs,
                                            max_bytes=5 * 1024 * 1024)
    return commission.send_to_spk(world.admin, app.__class__.get_by_id(app.id), world.plugins)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
