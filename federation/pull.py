"""Получение справочников: ask the registry for a newer reference snapshot and apply it.

A ``reference_request`` is stateless at the registry (not journaled), so it carries the last
serial used (or 1) and needs no outbox. The answer is a signed ack; a ``snapshot`` ack holds a
``reference_snapshot`` bundle signed by the registry and sealed to this appliance's HPKE key. It is
verified with the pinned registry key, opened, checked to be a snapshot from the registry and newer
than what the appliance has (an older one is a rollback and refused, as in TUF), and only then
handed to `federation.reference_apply.apply_snapshot` — in the same transaction that records the
new version, so a crash never leaves the version ahead of the data.
"""
from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any

from core.bundle import build_bundle, verify_and_open
from core.db import write_transaction
from core.models.organisations import _now
from federation.keys import ApplianceKeys
from federation.models import RegistryLink
from federation.protocol import (ACK_SNAPSHOT, ACK_UP_TO_DATE, KIND_REFERENCE_REQUEST, KIND_REFERENCE_SNAPSHOT,
                                 PART_REQUEST, PART_SNAPSHOT, REGISTRY_SENDER_ID, ProtocolError, canonical_json,
                                 read_ack)
from federation.sender import DEFAULT_TIMEOUT, open_client, registry_hpke_key, registry_signing_key


def request_bundle(keys: ApplianceKeys, link: RegistryLink, bundle_id: str) -> bytes:
    serial = max(1, (link.next_serial or 1) - 1)
    request = canonical_json({"have_version": int(link.snapshot_version or 0)})
    return build_bundle(KIND_REFERENCE_REQUEST, link.appliance_id, serial, {PART_REQUEST: request},
                        keys.signing_key, registry_hpke_key(link), bundle_id=bundle_id)


def open_snapshot(ack: dict[str, Any], keys: ApplianceKeys, link: RegistryLink) -> tuple[dict[str, Any], dict]:
    """The verified snapshot and its parts from a ``snapshot`` ack; raises `ProtocolError`/`BundleError`."""
    try:
        raw = base64.b64decode(ack.get("snapshot_b64") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ProtocolError("Снимок справочников в ответе реестра повреждён") from None
    opened = verify_and_open(raw, signer_public_key=registry_signing_key(link), registry_private_key=keys.hpke_key)
    if opened.header.kind != KIND_REFERENCE_SNAPSHOT or opened.header.appliance_id != REGISTRY_SENDER_ID:
        raise ProtocolError("Реестр прислал вместо снимка справочников пакет другого вида")
    try:
        snapshot = json.loads(opened.parts[PART_SNAPSHOT])
    except (KeyError, ValueError):
        raise ProtocolError("В снимке справочников нет читаемого snapshot.json") from None
    if not isinstance(snapshot, dict):
        raise ProtocolError("Снимок справочников должен быть JSON-объектом")
    version = snapshot.get("version")
    if not (isinstance(version, int) and not isinstance(version, bool)):
        raise ProtocolError("В снимке справочников не указана версия")
    if version <= (link.snapshot_version or 0):
        raise ProtocolError(f"Реестр прислал справочники версии {version}, а на устройстве уже версия "
                            f"{link.snapshot_version}: устаревший снимок не применяется")
    return snapshot, dict(opened.parts)


def _touch(services, link_id: int, **fields: Any) -> None:
    with write_transaction(services.db):
        link = RegistryLink.get_by_id(link_id)
        for name, value in fields.items():
            setattr(link, name, value)
        link.save()


def pull(services, *, keys: ApplianceKeys, link: RegistryLink, timeout: float = DEFAULT_TIMEOUT,
         retries: int = 1):
    """Fetch and apply a newer snapshot; the `ApplyReport` of `apply_snapshot`, or None when up to date.

    Raises `RegistryUnreachableError` (silence), `BundleRefusedError`, `ProtocolError` or
    `BundleError` (a forged or broken answer: nothing is applied).
    """
    bundle_id = uuid.uuid4().hex
    with open_client(link, keys) as client:
        raw = client.send(request_bundle(keys, link, bundle_id), timeout=timeout, retries=retries)
    ack = read_ack(raw, registry_signing_key(link), bundle_id=bundle_id)
    if ack["status"] == ACK_UP_TO_DATE:
        _touch(services, link.id, last_contact_at=_now())
        return None
    if ack["status"] != ACK_SNAPSHOT:
        raise ProtocolError(f"Реестр ответил на запрос справочников неожиданным статусом «{ack['status']}»")
    snapshot, parts = open_snapshot(ack, keys, link)
    from federation.reference_apply import apply_snapshot  # H8's module; imported when a snapshot arrives

    with write_transaction(services.db):
        report = apply_snapshot(services, snapshot, parts)
        fresh = RegistryLink.get_by_id(link.id)
        if (fresh.snapshot_version or 0) < snapshot["version"]:
            fresh.snapshot_version = snapshot["version"]
        fresh.snapshot_applied_at = fresh.last_contact_at = _now()
        fresh.save()
    return report
