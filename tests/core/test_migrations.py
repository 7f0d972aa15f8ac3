"""Versioned migrations: fresh installs stamp, existing installs run what is pending, newer is refused."""
import secrets

import peewee
import pytest

from core.db import BaseModel, open_appliance_database
from core.exceptions import MigrationError
from core.migrations import Component, SchemaMigration, migrate, pending
from core.models import CORE_MODELS
from core.plugin_api import Migration
from playhouse.migrate import SqliteMigrator, migrate as run_ops


class Gadget(BaseModel):
    name = peewee.CharField()


def _add_colour(db):
    run_ops(SqliteMigrator(db).add_column("gadget", "colour", peewee.CharField(default="серый")))


@pytest.fixture
def plain_db(tmp_path):
    return open_appliance_database(tmp_path / "m.db", secrets.token_hex(32))


def test_fresh_install_creates_tables_and_stamps(plain_db):
    core = Component("core", list(CORE_MODELS), [])
    gadgets = Component("gadgets", [Gadget], [Migration("gadgets", 1, "Цвет", _add_colour)])
    done = migrate(plain_db, [core, gadgets])
    assert done == [f"core: созданы таблицы ({len(CORE_MODELS)})", "gadgets: созданы таблицы (1)"]
    with plain_db.connection_context():
        assert {(r.component, r.version) for r in SchemaMigration.select()} == {
            ("core", 0), ("gadgets", 0), ("gadgets", 1)}
    assert migrate(plain_db, [core, gadgets]) == []
    assert pending(plain_db, [core, gadgets]) == []


def test_existing_install_runs_pending_migration(plain_db):
    migrate(plain_db, [Component("gadgets", [Gadget], [])])
    with plain_db.connection_context():
        Gadget.create(name="станок")
    later = Component("gadgets", [Gadget], [Migration("gadgets", 1, "Цвет", _add_colour)])
    assert pending(plain_db, [later]) == ["gadgets: 1"]
    assert migrate(plain_db, [later]) == ["gadgets: миграция 1 — Цвет"]
    with plain_db.connection_context():
        assert plain_db.execute_sql("SELECT name, colour FROM gadget").fetchall() == [("станок", "серый")]


def test_failed_migration_rolls_back_and_is_not_stamped(plain_db):
    migrate(plain_db, [Component("gadgets", [Gadget], [])])

    def broken(db):
        db.execute_sql("ALTER TABLE gadget ADD COLUMN weight INTEGER")
        raise RuntimeError("сбой посреди миграции")

    with pytest.raises(RuntimeError):
        migrate(plain_db, [Component("gadgets", [Gadget], [Migration("gadgets", 1, "Вес", broken)])])
    with plain_db.connection_context():
        columns = [c.name for c in plain_db.get_columns("gadget")]
        assert "weight" not in columns
    assert pending(plain_db, [Component("gadgets", [Gadget], [Migration("gadgets", 1, "Вес", broken)])]) == [
        "gadgets: 1"]


def test_newer_schema_is_refused(plain_db):
    migrate(plain_db, [Component("gadgets", [Gadget], [Migration("gadgets", 1, "Цвет", _add_colour)])])
    with pytest.raises(MigrationError, match="новее программы"):
        migrate(plain_db, [Component("gadgets", [Gadget], [])])


def test_bad_version_numbers_are_refused(plain_db):
    with pytest.raises(MigrationError, match="уникальны"):
        migrate(plain_db, [Component("g", [Gadget], [Migration("g", 1, "a", _add_colour),
                                                      Migration("g", 1, "b", _add_colour)])])
