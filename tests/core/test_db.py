"""The encrypted store: SQLCipher really encrypts, refuses a wrong key, runs in WAL mode."""
import secrets

import pytest

from core.db import open_appliance_database, open_database_url, sqlcipher_passphrase
from core.exceptions import ConfigError, WrongKeyError


def test_file_is_encrypted_and_wrong_key_is_refused(tmp_path):
    path = tmp_path / "a.db"
    key = secrets.token_hex(32)
    db = open_appliance_database(path, key)
    db.connect()
    db.execute_sql("CREATE TABLE person (name TEXT)")
    db.execute_sql("INSERT INTO person VALUES ('Сидоров Пётр Алексеевич')")
    db.close()

    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert "Сидоров".encode() not in raw

    with pytest.raises(WrongKeyError, match="ключ не подходит"):
        open_appliance_database(path, secrets.token_hex(32))

    again = open_appliance_database(path, key)
    with again.connection_context():
        assert again.execute_sql("SELECT name FROM person").fetchone() == ("Сидоров Пётр Алексеевич",)


def test_wal_mode_and_foreign_keys(tmp_path):
    db = open_appliance_database(tmp_path / "b.db", secrets.token_hex(32))
    with db.connection_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_passphrase_key_is_accepted_with_lowered_kdf(tmp_path):
    db = open_appliance_database(tmp_path / "c.db", "длинная фраза-пароль 42", kdf_iter=1000)
    with db.connection_context():
        db.execute_sql("CREATE TABLE t (x)")
    with pytest.raises(WrongKeyError):
        open_appliance_database(tmp_path / "c.db", "другая фраза", kdf_iter=1000)


def test_raw_key_syntax():
    key = "ab" * 32
    assert sqlcipher_passphrase(key) == f"x'{key}'"
    assert sqlcipher_passphrase("фраза") == "фраза"
    with pytest.raises(ConfigError):
        sqlcipher_passphrase("  ")


def test_database_url_schemes(tmp_path):
    assert open_database_url(f"sqlite:///{tmp_path}/x.db").database == f"{tmp_path}/x.db"
    pg = open_database_url("postgresql://u:p%40ss@127.0.0.1:5433/nok")
    assert (pg.database, pg.connect_params["user"], pg.connect_params["password"], pg.connect_params["port"]) == (
        "nok", "u", "p@ss", 5433)
    with pytest.raises(ConfigError, match="Неподдерживаемый"):
        open_database_url("mysql://x/y")


def _synchronous(db) -> int:
    return db.execute_sql("PRAGMA synchronous").fetchone()[0]


def test_commits_are_fsynced_unless_the_transaction_is_relaxed(tmp_path):
    """FULL (2) by default; a relaxed write runs at NORMAL (1) and puts FULL back, even on error."""
    from core.db import write_transaction

    db = open_appliance_database(tmp_path / "sync.db", secrets.token_hex(32))
    db.connect()
    db.execute_sql("CREATE TABLE t (v TEXT)")
    assert _synchronous(db) == 2
    with write_transaction(db):
        assert _synchronous(db) == 2
    with write_transaction(db, relaxed=True):
        assert _synchronous(db) == 1
        with write_transaction(db):  # nested: the outermost call decides
            db.execute_sql("INSERT INTO t VALUES ('x')")
            assert _synchronous(db) == 1
    assert _synchronous(db) == 2
    with pytest.raises(RuntimeError):
        with write_transaction(db, relaxed=True):
            raise RuntimeError("откат")
    assert _synchronous(db) == 2
    assert db.execute_sql("SELECT count(*) FROM t").fetchone()[0] == 1


def test_writers_queue_on_a_file_lock(tmp_path):
    """Concurrent writers wait on `<db>-writer` (flock) instead of SQLite's sleeping busy handler."""
    import fcntl
    import os
    import threading

    from core.db import write_transaction

    path = tmp_path / "queue.db"
    key = secrets.token_hex(32)
    db = open_appliance_database(path, key)
    db.connect()
    db.execute_sql("CREATE TABLE t (v TEXT)")
    lock = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another worker is writing
    done = threading.Event()

    def writer():
        other = open_appliance_database(path, key)
        other.connect()
        with write_transaction(other):
            other.execute_sql("INSERT INTO t VALUES ('y')")
        other.close()
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert not done.wait(0.3)  # queued behind the lock
    os.close(lock)
    assert done.wait(10)
    thread.join()
    assert db.execute_sql("SELECT count(*) FROM t").fetchone()[0] == 1
