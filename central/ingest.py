"""Приём пакетов реестром: the handler behind the ZeroMQ receiver (`BundleServer`).

For every bundle: find the appliance by its CURVE key (active only), parse with a size limit, check
the header names that appliance, verify the signature with its pinned key and open the payload with
the registry's HPKE key; then apply the serial rules (`central.serials`). A bundle is stored in one
transaction — the kind's handler, the journal row, the appliance's serial — and the signed ack is
made only after the commit, so «stored» always means stored. Bundles held behind a gap are applied,
in order, once the gap is filled. Every refusal is journaled (`RefusedBundle`) and logged, and raised
as `BundleRefusedError` with the Russian reason, which the server sends back.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import peewee
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from central import revisions, serials
from central.models import Appliance, HeldBundle, ReceivedBundle, RefusedBundle
from central.results_ingest import integer, load_json_part, store_result
from central.schedule_ingest import store_schedule
from central.serials import SerialDecision
from central.snapshot import build_snapshot
from central.video_ingest import duplicate_extras, store_chunk
from core import audit
from core.bundle import DEFAULT_MAX_SIZE, BundleHeader, OpenedBundle, build_bundle, parse_bundle, verify_and_open
from core.context import Services
from core.db import is_sqlite, write_transaction
from core.exceptions import PermanentError, PluginError, TransientError
from core.models.organisations import _now
from federation import protocol as p
from federation.keys import RegistryKeys

log = logging.getLogger(__name__)

Handler = Callable[[Services, Appliance, OpenedBundle, list], dict]
HANDLERS: dict[str, Handler] = {
    p.KIND_EXAM_RESULT: store_result,
    p.KIND_VIDEO_PART: store_chunk,
    p.KIND_EXAM_SCHEDULE: store_schedule,
}
ACCEPTED_KINDS = frozenset(HANDLERS) | {p.KIND_REFERENCE_REQUEST}


class BundleRefusedError(PermanentError):
    """Реестр отклонил пакет; `reason` is the Russian text the appliance shows."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Arrival:
    """What is known about a bundle so far: enough to journal a refusal at any step."""

    size: int
    sha256: str
    client_key: str | None
    appliance: Appliance | None = None
    header: BundleHeader | None = None


@contextlib.contextmanager
def thread_connection(db: peewee.Database) -> Iterator[None]:
    """Use this thread's connection, opening (and afterwards closing) one if there is none."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened:
            db.close()


def _naive_utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None)


class Ingestor:
    """The registry's bundle handler: `handle(data, client_key) -> ack` for `BundleServer`."""

    def __init__(self, services: Services, registry_keys: RegistryKeys, *, max_size: int = DEFAULT_MAX_SIZE):
        self.services = services
        self.keys = registry_keys
        self.max_size = max_size

    # --- entry point ----------------------------------------------------------------------------

    def handle(self, data: bytes, client_key: str | None) -> bytes:
        data = bytes(data)
        arrival = _Arrival(len(data), hashlib.sha256(data).hexdigest(), client_key)
        with thread_connection(self.services.db):
            try:
                return self._handle(data, arrival)
            except PermanentError as ex:
                raise self._refusal(arrival, ex) from None

    def _handle(self, data: bytes, arrival: _Arrival) -> bytes:
        appliance = Appliance.get_or_none(Appliance.curve_public_key == (arrival.client_key or ""))
        if appliance is None:
            raise BundleRefusedError("Комплекс с этим ключом подключения не зарегистрирован в реестре.")
        arrival.appliance = appliance
        if not appliance.is_active:
            raise BundleRefusedError("Комплекс отозван СПК; пакеты от него не принимаются.")
        header = parse_bundle(data, max_size=self.max_size).header
        arrival.header = header
        if header.appliance_id != appliance.appliance_id:
            raise BundleRefusedError(f"Идентификатор комплекса в пакете («{header.appliance_id}») не совпадает "
                                     f"с ключом подключения («{appliance.appliance_id}»).")
        if header.kind not in ACCEPTED_KINDS:
            raise BundleRefusedError(f"Пакеты вида «{header.kind}» от комплекса не принимаются.")
        opened = self._open(appliance, data)
        with audit.acting_as(audit.Actor(None, f"комплекс {appliance.appliance_id}")):
            if header.kind == p.KIND_REFERENCE_REQUEST:
                return self._reference(appliance, opened)
            return self._serial(appliance, opened, data, arrival)

    def _open(self, appliance: Appliance, data: bytes) -> OpenedBundle:
        try:
            signer = Ed25519PublicKey.from_public_bytes(bytes.fromhex(appliance.signing_public_key))
        except ValueError:
            raise BundleRefusedError("Закреплённый ключ подписи комплекса повреждён; подключите комплекс заново.") \
                from None
        return verify_and_open(data, signer_public_key=signer, registry_private_key=self.keys.hpke_key,
                               max_size=self.max_size)

    def _ack(self, status: str, header: BundleHeader, **extra: Any) -> bytes:
        extra.setdefault("reference_version", revisions.current_version())
        return p.make_ack(self.keys.signing_key, status=status, bundle_id=header.bundle_id, serial=header.serial,
                          **extra)

    # --- serial kinds ---------------------------------------------------------------------------

    def _serial(self, appliance: Appliance, opened: OpenedBundle, data: bytes, arrival: _Arrival) -> bytes:
        header = opened.header
        after_commit: list[Callable[[], None]] = []
        with write_transaction(self.services.db):
            app = self._locked(appliance.id)
            decision = serials.decide(header.serial, header.bundle_id, app.last_serial, app.last_bundle_id,
                                      self._seen)
            if decision is SerialDecision.APPLY:
                extras = self._apply(app, opened, arrival.size, arrival.sha256, after_commit)
                status = p.ACK_STORED
            elif decision is SerialDecision.DUPLICATE:
                extras = self._duplicate_extras(app, opened)
                self._touch(app)
                status = p.ACK_DUPLICATE
            elif decision is SerialDecision.HOLD:
                self._hold(app, header, data)
                extras, status = {}, p.ACK_HELD
            elif decision is SerialDecision.REPLAY:
                raise BundleRefusedError(serials.replay_reason(header.serial))
            else:
                raise BundleRefusedError(serials.rollback_reason(header.serial, app.last_serial))
        self._run(after_commit)
        if status == p.ACK_STORED:
            try:
                self._apply_held(appliance.id)
            except Exception:  # this bundle is committed and must be acknowledged; the held ones wait
                log.exception("Ожидающие пакеты комплекса %s не применены; повторим при следующем пакете",
                              appliance.appliance_id)
        return self._ack(status, header, **extras)

    def _locked(self, pk: int) -> Appliance:
        """The appliance row, locked for this transaction on PostgreSQL (SQLite writers are serialised)."""
        query = Appliance.select().where(Appliance.id == pk)
        if not is_sqlite(self.services.db):
            query = query.for_update()
        return query.get()

    @staticmethod
    def _seen(bundle_id: str) -> bool:
        return ReceivedBundle.select().where(ReceivedBundle.bundle_id == bundle_id).exists()

    @staticmethod
    def _touch(app: Appliance) -> None:
        app.last_contact_at = _now()
        app.save()

    def _apply(self, app: Appliance, opened: OpenedBundle, size: int, sha256: str,
               after_commit: list[Callable[[], None]]) -> dict[str, Any]:
        """Store one bundle in the caller's transaction: kind handler, journal, serial, plugins."""
        header = opened.header
        extras = HANDLERS[header.kind](self.services, app, opened, after_commit)
        ReceivedBundle.create(appliance=app, serial=header.serial, bundle_id=header.bundle_id, kind=header.kind,
                              created_at=_naive_utc(header.created_at), size=size, sha256=sha256)
        app.last_serial = header.serial
        app.last_bundle_id = header.bundle_id
        app.last_contact_at = _now()
        app.save()
        try:
            self.services.plugins.bundle_received(opened)
        except PluginError as ex:  # the hook's contract: a failure rolls back and the sender resends
            raise TransientError(f"Пакет не сохранён: {ex}") from ex
        return extras

    def _duplicate_extras(self, app: Appliance, opened: OpenedBundle) -> dict[str, Any]:
        if opened.header.kind == p.KIND_VIDEO_PART:
            return duplicate_extras(self.services, app, opened)
        return {}

    def _hold(self, app: Appliance, header: BundleHeader, data: bytes) -> None:
        held = HeldBundle.get_or_none(HeldBundle.appliance == app, HeldBundle.serial == header.serial)
        if held is not None:
            if held.bundle_id != header.bundle_id:
                raise BundleRefusedError(f"Пакет № {header.serial} уже ожидает пропущенных номеров, "
                                         "но с другим идентификатором.")
        else:
            HeldBundle.create(appliance=app, serial=header.serial, bundle_id=header.bundle_id,
                              blob_digest=self.services.blobs.put(data).digest)
        self._touch(app)

    def _apply_held(self, pk: int) -> None:
        """Apply the held bundles that now follow the committed serial, each in its own transaction."""
        while True:
            held, data = None, b""
            try:
                after_commit: list[Callable[[], None]] = []
                with write_transaction(self.services.db):
                    app = self._locked(pk)
                    held = HeldBundle.get_or_none(HeldBundle.appliance == app,
                                                  HeldBundle.serial == app.last_serial + 1)
                    if held is None:
                        return
                    data = self.services.blobs.read(held.blob_digest)
                    opened = self._open(app, data)
                    if opened.header.bundle_id != held.bundle_id or opened.header.serial != held.serial:
                        raise BundleRefusedError("Сохранённый пакет не соответствует записи об ожидании.")
                    if self._seen(held.bundle_id):
                        raise BundleRefusedError(serials.replay_reason(held.serial))
                    self._apply(app, opened, len(data), hashlib.sha256(data).hexdigest(), after_commit)
                    held.delete_instance()
                self._run(after_commit)
                self._drop_blob(held.blob_digest)
            except PermanentError as ex:
                if held is None:
                    log.error("Ожидающие пакеты комплекса %s не прочитаны: %s", pk, ex)
                    return
                self._skip_held(pk, held, data, ex)

    def _skip_held(self, pk: int, held: HeldBundle, data: bytes, ex: PermanentError) -> None:
        """A held bundle the handler refuses: journal it and consume its serial (its sender was told «held»)."""
        self._after_refusal(ex)
        reason = f"{ex} (пакет ожидал пропущенных номеров; его номер пропущен)"
        with write_transaction(self.services.db):
            app = self._locked(pk)
            RefusedBundle.create(appliance=app, curve_public_key=app.curve_public_key, serial=held.serial,
                                 bundle_id=held.bundle_id, kind=None, reason=reason, size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest())
            if app.last_serial + 1 == held.serial:
                app.last_serial = held.serial
                app.last_bundle_id = held.bundle_id
                app.save()
            HeldBundle.delete().where(HeldBundle.id == held.id).execute()
        log.warning("Ожидавший пакет № %s комплекса %s отклонён: %s", held.serial, app.appliance_id, ex)
        self._drop_blob(held.blob_digest)

    def _drop_blob(self, digest: str) -> None:
        if not HeldBundle.select().where(HeldBundle.blob_digest == digest).exists():
            self.services.blobs.delete(digest)

    @staticmethod
    def _run(actions: list[Callable[[], None]]) -> None:
        for action in actions:
            try:
                action()
            except Exception:  # committed already: a leftover temporary file is not worth an error
                log.exception("Действие после сохранения пакета не выполнено")

    # --- reference data -------------------------------------------------------------------------

    def _reference(self, appliance: Appliance, opened: OpenedBundle) -> bytes:
        """Answer `up_to_date` or a reference snapshot sealed to the appliance; nothing is journaled."""
        request = load_json_part(opened, p.PART_REQUEST, "запрос справочников")
        have = integer(request.get("have_version"), "have_version", high=2**63 - 1)
        with write_transaction(self.services.db):
            app = self._locked(appliance.id)
            app.last_contact_at = _now()
            app.snapshot_version = have
            app.save()
        version = revisions.current_version()
        if have >= version:
            return self._ack(p.ACK_UP_TO_DATE, opened.header, version=version, reference_version=version)
        snapshot, parts = build_snapshot(self.services, appliance)
        version = snapshot["version"]
        bundle = build_bundle(p.KIND_REFERENCE_SNAPSHOT, p.REGISTRY_SENDER_ID, version,
                              {**parts, p.PART_SNAPSHOT: p.canonical_json(snapshot)}, self.keys.signing_key,
                              X25519PublicKey.from_public_bytes(bytes.fromhex(appliance.hpke_public_key)))
        return self._ack(p.ACK_SNAPSHOT, opened.header, version=version, reference_version=version,
                         snapshot_b64=base64.b64encode(bundle).decode("ascii"))

    # --- refusals -------------------------------------------------------------------------------

    @staticmethod
    def _after_refusal(ex: PermanentError) -> None:
        cleanup = getattr(ex, "on_refused", None)
        if cleanup is not None:
            try:
                cleanup()
            except Exception:
                log.exception("Не удалось прибрать после отклонённого пакета")

    def _refusal(self, arrival: _Arrival, ex: PermanentError) -> BundleRefusedError:
        """Journal and log a refusal (after the rollback); return it as `BundleRefusedError` to raise."""
        reason = str(ex) or "Пакет отклонён реестром."
        self._after_refusal(ex)
        header = arrival.header
        with write_transaction(self.services.db):
            RefusedBundle.create(
                appliance=arrival.appliance, curve_public_key=arrival.client_key[:40] if arrival.client_key else None,
                serial=header.serial if header else None, bundle_id=header.bundle_id if header else None,
                kind=header.kind[:32] if header else None, reason=reason, size=arrival.size, sha256=arrival.sha256)
        who = arrival.appliance.appliance_id if arrival.appliance else arrival.client_key
        log.warning("Пакет от комплекса %s отклонён: %s", who, reason)
        return ex if isinstance(ex, BundleRefusedError) else BundleRefusedError(reason)
