"""Отправка исходящей очереди в реестр: strictly in id order, one bundle at a time, durable at every step.

For each item due (the first pending one; a later item never overtakes it):

1. **Fix serial and bundle id** in a committed transaction (serial = ``RegistryLink.next_serial``,
   then the counter moves on). A resend after any break rebuilds the bundle with the same serial
   and bundle id, so the registry recognises it (``duplicate``) and stores it once.
2. **Send** over CURVE to the pinned registry key (`BundleClient`, lazy pirate).
3. **Verify the ack** with the pinned registry signing key and apply it in one transaction:
   ``stored``/``duplicate``/``held`` → the item is done (a video part moves its ``offset`` to the
   registry's ``next_offset`` and is done at the end of the file; each chunk is its own bundle).
   Silence → the item waits (10 s · 2^attempts, at most 15 min) and this pass stops.
   A refusal → «Отклонён реестром» with the reason; the registry did not advance, so the serial
   is given back to the next item.

A crash between any two steps loses nothing (the item stays pending) and doubles nothing (the
same serial and bundle id are sent again).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from core.bundle import BundleError, build_bundle
from core.db import write_transaction
from core.exceptions import BlobError
from core.models import SpkSubmission
from core.models.organisations import _now
from federation import retry
from federation.keys import ApplianceKeys
from federation.models import OutboxItem, OutboxState, RegistryLink
from federation.outbox import item_meta
from federation.parts_blob import PartsBlobError, unpack_parts
from federation.protocol import (ACK_DUPLICATE, ACK_HELD, ACK_STORED, CHUNK_SIZE, KIND_EXAM_RESULT,
                                 KIND_VIDEO_PART, PART_CHUNK_DATA, PART_CHUNK_META, ChunkMeta, ProtocolError,
                                 read_ack)
from federation.transport import BundleClient, BundleRefusedError, RegistryUnreachableError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0  # seconds to wait for an ack (an 8 MiB chunk over a slow uplink)
DEFAULT_RETRIES = 1
ACCEPTED = (ACK_STORED, ACK_DUPLICATE, ACK_HELD)


class LocalPartsError(Exception):
    """The item's own data cannot be read on the appliance (a blob missing or damaged)."""


@dataclass
class PushReport:
    """What one pass did; the worker and `nok federation push` report it in Russian."""

    sent: int = 0            # bundles the registry acknowledged
    done: int = 0            # items completed
    refusals: list[str] = field(default_factory=list)  # «title»: reason, of each item refused
    unreachable: bool = False  # the registry stayed silent
    error: str | None = None  # why the pass stopped early (silence, a bad ack), Russian
    retry_at: dt.datetime | None = None  # when the first pending item is due again (UTC, naive)
    reference_version: int = 0  # the newest reference version the acks announced

    @property
    def refused(self) -> int:
        return len(self.refusals)

    def needs_pull(self, link: RegistryLink) -> bool:
        return self.reference_version > (link.snapshot_version or 0)


def registry_signing_key(link: RegistryLink) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(link.registry_signing_key))


def registry_hpke_key(link: RegistryLink) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(bytes.fromhex(link.registry_hpke_key))


def open_client(link: RegistryLink, keys: ApplianceKeys) -> BundleClient:
    return BundleClient(link.registry_endpoint, server_public_key=link.registry_curve_key,
                        curve_public_key=keys.curve.public, curve_secret_key=keys.curve.secret)


# --- the parts of one bundle --------------------------------------------------------------------

def check_local(services, item: OutboxItem) -> None:
    """Refuse early (before a serial is spent) an item whose data is gone from the blob store."""
    try:
        if item.kind == KIND_VIDEO_PART:
            if services.blobs.size(item.file_digest) != item.file_size:
                raise LocalPartsError("размер файла видеозаписи не совпадает с поставленным в очередь")
        elif not services.blobs.exists(item.parts_digest):
            raise LocalPartsError("сохранённые части пакета не найдены в хранилище")
    except BlobError as ex:
        raise LocalPartsError(str(ex)) from None


def video_chunk(services, item: OutboxItem) -> tuple[dict[str, bytes], int]:
    """``meta.json`` + ``data`` of the chunk at ``item.offset``, decrypting only that range of the blob."""
    end = min(item.offset + CHUNK_SIZE, item.file_size)
    try:
        data = b"".join(services.blobs.open_range(item.file_digest, item.offset, end - 1)) \
            if end > item.offset else b""
    except BlobError as ex:
        raise LocalPartsError(str(ex)) from None
    if len(data) != end - item.offset:
        raise LocalPartsError("файл видеозаписи короче, чем поставленный в очередь")
    stored = item_meta(item)
    meta = ChunkMeta(part_id=item.file_digest, offset=item.offset, total_size=item.file_size,
                     title=str(stored.get("title") or item.title), meta=dict(stored.get("meta") or {}))
    return {PART_CHUNK_META: meta.to_bytes(), PART_CHUNK_DATA: data}, len(data)


def item_parts(services, item: OutboxItem) -> tuple[dict[str, bytes], int]:
    """The parts of the item's next bundle and, for a video part, the length of its data."""
    if item.kind == KIND_VIDEO_PART:
        return video_chunk(services, item)
    try:
        return unpack_parts(services.blobs.read(item.parts_digest)), 0
    except (BlobError, PartsBlobError) as ex:
        raise LocalPartsError(str(ex)) from None


# --- the steps ----------------------------------------------------------------------------------

def _first_pending() -> OutboxItem | None:
    return OutboxItem.select().where(OutboxItem.state == OutboxState.PENDING).order_by(OutboxItem.id).first()


def fix_serial(services, item_id: int, link_id: int) -> OutboxItem | None:
    """Give the item its serial and bundle id (kept until acknowledged); None if it is no longer pending."""
    with write_transaction(services.db):
        item = OutboxItem.get_or_none(OutboxItem.id == item_id)
        if item is None or item.state != OutboxState.PENDING:
            return None
        if item.serial is None:
            link = RegistryLink.get_by_id(link_id)
            item.serial, item.bundle_id = link.next_serial, uuid.uuid4().hex
            link.next_serial += 1
            link.save()
            item.save()
    return item


def _refuse(services, item: OutboxItem, link_id: int, reason: str, *, answered: bool, now: dt.datetime) -> None:
    """Mark the item refused; its serial goes back to the counter when the registry did not take it."""
    with write_transaction(services.db):
        fresh = OutboxItem.get_by_id(item.id)
        link = RegistryLink.get_by_id(link_id)
        if fresh.serial is not None and link.next_serial == fresh.serial + 1:
            link.next_serial = fresh.serial
        fresh.state, fresh.last_error, fresh.done_at = OutboxState.REFUSED, reason, now
        if answered:
            link.last_contact_at = now
        link.last_error = f"«{fresh.title}»: {reason}"
        fresh.save()
        link.save()


def _postpone(services, item: OutboxItem, link_id: int, reason: str, now: dt.datetime) -> dt.datetime:
    with write_transaction(services.db):
        fresh = OutboxItem.get_by_id(item.id)
        fresh.attempts += 1
        base = dt.timedelta(seconds=services.config.federation_retry_base_seconds)
        fresh.next_attempt_at = retry.next_attempt_at(now, fresh.attempts, base)
        fresh.last_error = reason
        fresh.save()
        link = RegistryLink.get_by_id(link_id)
        link.last_error = reason
        link.save()
    return fresh.next_attempt_at


def _next_offset(ack: dict[str, Any], item: OutboxItem, sent: int) -> int:
    value = ack.get("next_offset")
    if value is None and ack["status"] == ACK_HELD:
        value = item.offset + sent  # held: appended once the missing serials arrive
    if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= item.file_size):
        raise ProtocolError("Реестр не сообщил, с какого места продолжать передачу видеозаписи")
    return value


def _accept(services, item: OutboxItem, link_id: int, ack: dict[str, Any], sent: int, now: dt.datetime) -> bool:
    """Apply an accepting ack in one transaction; True when the item is complete."""
    offset = _next_offset(ack, item, sent) if item.kind == KIND_VIDEO_PART else None
    with write_transaction(services.db):
        fresh = OutboxItem.get_by_id(item.id)
        fresh.ack, fresh.attempts, fresh.last_error = json.dumps(ack, ensure_ascii=False), 0, None
        complete = True
        if offset is not None:
            fresh.offset = offset
            complete = offset == fresh.file_size
            if not complete:  # the next chunk is a new bundle with a new serial
                fresh.serial = fresh.bundle_id = None
                fresh.next_attempt_at = now
        if complete:
            fresh.state, fresh.done_at = OutboxState.DONE, now
        fresh.save()
        if complete and fresh.kind == KIND_EXAM_RESULT:
            submission = SpkSubmission.get_or_none(SpkSubmission.id == item_meta(fresh).get("submission"))
            if submission is not None and submission.sent_at is None:
                submission.sent_at, submission.bundle_serial = now, item.serial
                submission.save()
        link = RegistryLink.get_by_id(link_id)
        link.last_contact_at, link.last_error = now, None
        link.save()
    return complete


def push(services, *, keys: ApplianceKeys, link: RegistryLink, timeout: float = DEFAULT_TIMEOUT,
         retries: int = DEFAULT_RETRIES, limit: int | None = None, now: dt.datetime | None = None) -> PushReport:
    """Send the items that are due, in order, until the queue is empty, the registry is silent, or
    `limit` bundles were acknowledged. Never raises for a network problem: the report says what happened."""
    report = PushReport()
    signing, hpke = registry_signing_key(link), registry_hpke_key(link)
    with open_client(link, keys) as client:
        while limit is None or report.sent < limit:
            moment = now or _now()
            item = _first_pending()
            if item is None:
                break
            if item.next_attempt_at > moment:
                report.retry_at = item.next_attempt_at
                break
            try:
                check_local(services, item)
                item = fix_serial(services, item.id, link.id)
                if item is None:
                    continue
                parts, sent = item_parts(services, item)
                data = build_bundle(item.kind, link.appliance_id, item.serial, parts, keys.signing_key, hpke,
                                    bundle_id=item.bundle_id)
            except (LocalPartsError, BundleError) as ex:
                reason = f"Пакет не собран на устройстве: {ex}"
                _refuse(services, item, link.id, reason, answered=False, now=moment)
                report.refusals.append(f"«{item.title}»: {reason}")
                continue
            try:
                ack = read_ack(client.send(data, timeout=timeout, retries=retries), signing, bundle_id=item.bundle_id)
                if ack.get("status") not in ACCEPTED:
                    raise ProtocolError(f"Реестр ответил на пакет неожиданным статусом «{ack.get('status')}»")
                if item.kind == KIND_VIDEO_PART:
                    _next_offset(ack, item, sent)  # a bad offset is a protocol fault, checked before anything changes
            except BundleRefusedError as ex:
                log.warning("Реестр отклонил пакет «%s» (номер %s): %s", item.title, item.serial, ex.reason)
                _refuse(services, item, link.id, ex.reason, answered=True, now=moment)
                report.refusals.append(f"«{item.title}»: {ex.reason}")
                continue
            except (RegistryUnreachableError, ProtocolError) as ex:
                report.retry_at = _postpone(services, item, link.id, str(ex), moment)
                report.unreachable, report.error = isinstance(ex, RegistryUnreachableError), str(ex)
                break
            if _accept(services, item, link.id, ack, sent, now or _now()):
                report.done += 1
            report.sent += 1
            version = ack.get("reference_version")
            if isinstance(version, int) and not isinstance(version, bool):
                report.reference_version = max(report.reference_version, version)
    return report
