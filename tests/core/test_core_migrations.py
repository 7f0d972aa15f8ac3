"""An install made by an older release migrates to exactly the schema a fresh install gets."""
import secrets
import uuid

import peewee
import pytest

from core.db import open_appliance_database, open_database_url
from core.migrations import CORE_MIGRATIONS, Component, migrate
from core.models import ADMISSION_MODELS, CORE_MODELS, FOUNDATION_MODELS


def _schema(db: peewee.Database) -> dict[str, set[tuple[str, bool]]]:
    with db.connection_context():
        return {table: {(c.name, c.null) for c in db.get_columns(table)} for table in sorted(db.get_tables())}


def _old_release(db: peewee.Database) -> None:
    """What release 0.1 (foundation only) left on disk: baseline tables, no migrations applied."""
    from core.models import Organisation, User

    migrate(db, [Component("core", FOUNDATION_MODELS, [])])
    with db.connection_context():
        for model, column in ((Organisation, "facsimile_digest"), (User, "facsimile_digest")):
            db.execute_sql(f'ALTER TABLE "{model._meta.table_name}" DROP COLUMN "{column}"')


def _check(old: peewee.Database, fresh: peewee.Database) -> None:
    _old_release(old)
    done = migrate(old, [Component("core", CORE_MODELS, CORE_MIGRATIONS)])
    assert done == [f"core: миграция {m.version} — {m.description}" for m in CORE_MIGRATIONS]
    migrate(fresh, [Component("core", CORE_MODELS, CORE_MIGRATIONS)])
    assert _schema(old) == _schema(fresh)


def test_release_0_2_gets_only_the_exam_day_migration(tmp_path):
    """An install of release 0.2 (admission flow) applies migration 2 alone and ends with the fresh schema."""
    old = open_appliance_database(tmp_path / "old.db", secrets.token_hex(32))
    fresh = open_appliance_database(tmp_path / "fresh.db", secrets.token_hex(32))
    migrate(old, [Component("core", FOUNDATION_MODELS + ADMISSION_MODELS, CORE_MIGRATIONS[:1])])
    done = migrate(old, [Component("core", CORE_MODELS, CORE_MIGRATIONS)])
    assert done == [f"core: миграция 2 — {CORE_MIGRATIONS[1].description}"]
    migrate(fresh, [Component("core", CORE_MODELS, CORE_MIGRATIONS)])
    assert _schema(old) == _schema(fresh)


def test_sqlcipher_old_install_matches_fresh(tmp_path):
    _check(open_appliance_database(tmp_path / "old.db", secrets.token_hex(32)),
           open_appliance_database(tmp_path / "fresh.db", secrets.token_hex(32)))


@pytest.mark.postgres
def test_postgresql_old_install_matches_fresh(postgres_admin_url):
    admin = open_database_url(postgres_admin_url)
    admin.connect()
    names = [f"nok_mig_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    for name in names:
        admin.execute_sql(f'CREATE DATABASE "{name}"')
    base = postgres_admin_url.rsplit("/", 1)[0]
    dbs = [open_database_url(f"{base}/{name}") for name in names]
    try:
        _check(*dbs)
    finally:
        for db in dbs:
            db.close()
        for name in names:
            admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
