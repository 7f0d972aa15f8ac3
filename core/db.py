"""Database access: SQLCipher for the appliance, PostgreSQL or SQLite for the central registry.

All models bind to one `DatabaseProxy`; a process (or a test) decides which real database
it talks to with `use_database`. The appliance's key is either a raw 256-bit key (64 hex
characters, as `nok init` writes) — opened without key derivation, so a connection per
request costs well under a millisecond — or a passphrase, which SQLCipher stretches.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlparse

import peewee
from playhouse.sqlcipher_ext import SqlCipherDatabase

from core.exceptions import ConfigError, WrongKeyError

database = peewee.DatabaseProxy()

_RAW_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_SQLITE_PRAGMAS = [
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", 10_000),
    # FULL: a commit is on disk before the reply — an exam answer that got «Сохранено» survives a
    # power cut, not only a crash (ADR 0006; measured ~0.4 ms more per commit here).
    ("synchronous", "full"),
]


class BaseModel(peewee.Model):
    """Base of every table; bound to the process-wide database proxy."""

    class Meta:
        database = database
        legacy_table_names = False


def sqlcipher_passphrase(key: str) -> str:
    """Return what SQLCipher's `PRAGMA key` needs: raw-key syntax for 64 hex chars."""
    key = key.strip()
    if not key:
        raise ConfigError("Ключ базы данных пуст.")
    return f"x'{key}'" if _RAW_KEY.match(key) else key


def open_appliance_database(path: Path, key: str, *, kdf_iter: int | None = None) -> SqlCipherDatabase:
    """Open (creating if needed) the encrypted appliance database and check the key.

    Raises `WrongKeyError` with a Russian message when the key does not fit the file.
    """
    pragmas = [("cipher_log_level", "NONE")]
    if kdf_iter:
        pragmas.append(("kdf_iter", int(kdf_iter)))
    db = SqlCipherDatabase(str(path), passphrase=sqlcipher_passphrase(key), pragmas=pragmas + _SQLITE_PRAGMAS)
    check_key(db)
    return db


def check_key(db: peewee.Database) -> None:
    """Read the schema once so a wrong key fails here and not in the middle of a request."""
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except peewee.DatabaseError as ex:
        db.close()
        if "not a database" in str(ex) or "encrypted" in str(ex):
            raise WrongKeyError(
                "Не удалось открыть базу данных: ключ не подходит или файл повреждён. "
                "Проверьте файл ключа (nok.key) или переменную NOK_DB_KEY."
            ) from None
        raise
    finally:
        if not db.is_closed():
            db.close()


def open_database_url(url: str) -> peewee.Database:
    """Open the central registry's database from `DATABASE_URL` (postgresql:// or sqlite:///)."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        return peewee.PostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or None,
            port=parsed.port or None,
        )
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
        return peewee.SqliteDatabase(path or ":memory:", pragmas=_SQLITE_PRAGMAS)
    raise ConfigError(f"Неподдерживаемый адрес базы данных: {parsed.scheme or url!r} (ожидается postgresql:// или sqlite:///)")


def use_database(db: peewee.Database) -> peewee.Database:
    """Point every model at `db` for this process (or test)."""
    database.initialize(db)
    return db


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)


@contextlib.contextmanager
def write_transaction(db: peewee.Database | None = None, *, relaxed: bool = False) -> Iterator[None]:
    """Run a block that writes, taking SQLite's write lock up front.

    A deferred SQLite transaction that reads first and writes later can fail with
    SQLITE_BUSY when another worker wrote in between; `BEGIN IMMEDIATE` avoids that.
    Workers queue for the write lock on an OS file lock first (`_writer_queue`): SQLite's own
    busy handler sleeps 1–100 ms between retries, which under exam-day load (hundreds of
    answer saves a second from several workers) cost more than the writes. Nested calls
    become savepoints.

    Every commit is fsynced (`synchronous = FULL`, ADR 0006) unless the outermost call says
    `relaxed=True`: for writes that are cheap to redo and that nobody was told are kept (a
    station sign-in, an anonymous form session) SQLite's WAL default applies — safe against a
    crash of the process, and made durable by the next full commit, which flushes the log.
    """
    db = db or database.obj
    if db.in_transaction():
        with db.atomic():
            yield
        return
    if is_sqlite(db):
        with _writer_queue(db), _synchronous(db, "NORMAL" if relaxed else None), db.atomic(lock_type="IMMEDIATE"):
            yield
    else:
        with db.atomic():
            yield


@contextlib.contextmanager
def _synchronous(db: peewee.SqliteDatabase, level: str | None) -> Iterator[None]:
    """Lower the fsync level for one transaction (SQLite allows it only outside a transaction)."""
    if level is None:
        yield
        return
    db.execute_sql(f"PRAGMA synchronous = {level}")
    try:
        yield
    finally:
        db.execute_sql("PRAGMA synchronous = FULL")


@contextlib.contextmanager
def _writer_queue(db: peewee.SqliteDatabase) -> Iterator[None]:
    """Hold an exclusive `flock` on `<database>-writer` while writing: a waiting process is woken
    the moment the lock is released instead of polling. In-memory databases need no queue."""
    path = db.database
    if not path or path == ":memory:" or str(path).startswith("file::memory:"):
        yield
        return
    fd = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
