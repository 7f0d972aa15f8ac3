"""Hash-chained audit log: who saw or changed what, and proof that nobody edited the log.

Every record stores the SHA-256 of its own canonical content together with the previous
record's hash; `AuditHead` keeps the hash and number of the newest record. Editing or
deleting any record, or cutting the tail, breaks the chain and `verify_chain` says where.
Records are written in the same transaction as the change they describe.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterator

import peewee

from core.db import BaseModel, database, write_transaction
from core.exceptions import AuditChainError

GENESIS_HASH = "0" * 64
MASK = "***"


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (id and email) or the system itself (a CLI command, a job)."""

    user_id: int | None
    label: str
    ip: str | None = None


SYSTEM = Actor(None, "система")
_current_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("nok_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current_actor.get()


def set_actor(actor: Actor) -> contextvars.Token:
    """Make `actor` current until `reset_actor(token)`; the web layer does this per request."""
    return _current_actor.set(actor)


def reset_actor(token: contextvars.Token) -> None:
    _current_actor.reset(token)


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Attribute every audit record written inside the block to `actor`."""
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


class AuditRecord(BaseModel):
    """Запись журнала аудита — one event: a change, a view of personal data, a login."""

    seq = peewee.BigIntegerField(unique=True)
    at = peewee.DateTimeField()
    actor_id = peewee.IntegerField(null=True, index=True)
    actor_label = peewee.CharField(max_length=320)
    ip = peewee.CharField(max_length=64, null=True)
    action = peewee.CharField(max_length=32, index=True)
    entity = peewee.CharField(max_length=64, index=True)
    entity_id = peewee.CharField(max_length=64, null=True)
    data = peewee.TextField(default="{}")
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


class AuditHead(BaseModel):
    """The newest record's number and hash; one row with id 1."""

    seq = peewee.BigIntegerField(default=0)
    hash = peewee.CharField(max_length=64, default=GENESIS_HASH)


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def compute_hash(prev_hash: str, seq: int, at: dt.datetime, actor_id: int | None, actor_label: str,
                 ip: str | None, action: str, entity: str, entity_id: str | None, data: str) -> str:
    body = canonical_json([prev_hash, seq, at.isoformat(), actor_id, actor_label, ip, action, entity, entity_id, data])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _locked_head() -> AuditHead:
    query = AuditHead.select().where(AuditHead.id == 1)
    if not isinstance(database.obj, peewee.SqliteDatabase):
        query = query.for_update()
    head = query.first()
    if head is None:
        head = AuditHead.create(id=1, seq=0, hash=GENESIS_HASH)
    return head


def record(action: str, entity: str, entity_id: Any = None, data: dict | None = None,
           actor: Actor | None = None) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction if there is one."""
    actor = actor or current_actor()
    with write_transaction():
        head = _locked_head()
        seq = head.seq + 1
        at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        payload = canonical_json(data or {})
        eid = None if entity_id is None else str(entity_id)
        digest = compute_hash(head.hash, seq, at, actor.user_id, actor.label, actor.ip, action, entity, eid, payload)
        rec = AuditRecord.create(seq=seq, at=at, actor_id=actor.user_id, actor_label=actor.label, ip=actor.ip,
                                 action=action, entity=entity, entity_id=eid, data=payload,
                                 prev_hash=head.hash, hash=digest)
        AuditHead.update(seq=seq, hash=digest).where(AuditHead.id == 1).execute()
    return rec


def verify_chain(batch: int = 5000) -> int:
    """Check the whole chain; return the number of records or raise `AuditChainError`."""
    prev_hash, expected_seq = GENESIS_HASH, 1
    query = AuditRecord.select().order_by(AuditRecord.seq)
    for rec in query.iterator():
        if rec.seq != expected_seq:
            raise AuditChainError(f"Журнал аудита нарушен: после записи №{expected_seq - 1} идёт №{rec.seq} (запись удалена).")
        if rec.prev_hash != prev_hash:
            raise AuditChainError(f"Журнал аудита нарушен: запись №{rec.seq} не продолжает предыдущую.")
        actual = compute_hash(rec.prev_hash, rec.seq, rec.at, rec.actor_id, rec.actor_label, rec.ip,
                              rec.action, rec.entity, rec.entity_id, rec.data)
        if actual != rec.hash:
            raise AuditChainError(f"Журнал аудита нарушен: запись №{rec.seq} изменена.")
        prev_hash, expected_seq = rec.hash, expected_seq + 1
    head = AuditHead.get_or_none(AuditHead.id == 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        raise AuditChainError(f"Журнал аудита нарушен: последние записи после №{expected_seq - 1} удалены.")
    return expected_seq - 1


class AuditedModel(BaseModel):
    """A table whose every insert, update and delete is written to the audit log.

    Fields named in `Meta.audit_masked` (passwords, tokens) are recorded as «***».
    Bulk `Model.update()`/`delete()` queries bypass this: services must use instances.
    """

    def _audit_values(self, names: list[str]) -> dict[str, Any]:
        masked = set(getattr(self._meta, "audit_masked", ()))
        values = {}
        for name in names:
            field = self._meta.fields.get(name)
            if field is None:
                continue
            raw = self.__data__.get(field.name)
            values[name] = MASK if name in masked and raw is not None else raw
        return values

    def save(self, force_insert: bool = False, only=None):
        creating = force_insert or self._pk is None
        changed = list(self._meta.fields) if creating else [f.name for f in self.dirty_fields]
        with write_transaction():
            rows = super().save(force_insert=force_insert, only=only)
            if creating or changed:
                record("create" if creating else "update", self._meta.table_name, self._pk,
                       self._audit_values(changed))
        return rows

    def delete_instance(self, recursive: bool = False, delete_nullable: bool = False):
        with write_transaction():
            rows = super().delete_instance(recursive=recursive, delete_nullable=delete_nullable)
            record("delete", self._meta.table_name, self._pk, {})
        return rows
