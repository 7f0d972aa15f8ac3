"""Versioned schema migrations for the core and every plugin (`nok migrate`, also run at start).

Models are the single source of truth for a fresh install: a component seen for the first
time gets its tables created from the current models and all its known migrations marked
as applied (like Alembic's «create_all + stamp»). An existing install runs only the
migrations it has not applied yet, in version order, each in its own transaction.
Version 0 of every component is its baseline record, so a component that had no
migrations when installed still gets its later ones run. See docs/adr/0002.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee

from core.db import BaseModel, use_database, write_transaction
from core.exceptions import MigrationError
from core.plugin_api import Migration

BASELINE_VERSION = 0


class SchemaMigration(BaseModel):
    """One applied migration of one component."""

    component = peewee.CharField(max_length=64)
    version = peewee.IntegerField()
    description = peewee.CharField(max_length=300)
    applied_at = peewee.DateTimeField()

    class Meta:
        indexes = ((("component", "version"), True),)


@dataclass
class Component:
    """The core or one plugin: its tables and its ordered migrations."""

    name: str
    models: list[type[peewee.Model]] = field(default_factory=list)
    migrations: list[Migration] = field(default_factory=list)


from core.migrations import m0001_admission, m0002_exam_day  # noqa: E402

# Migrations of the core, newest last. Add one per schema change of a core model.
CORE_MIGRATIONS: list[Migration] = [
    Migration("core", m0001_admission.VERSION, m0001_admission.DESCRIPTION, m0001_admission.apply),
    Migration("core", m0002_exam_day.VERSION, m0002_exam_day.DESCRIPTION, m0002_exam_day.apply),
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _check_versions(component: Component) -> None:
    versions = [m.version for m in component.migrations]
    if len(set(versions)) != len(versions) or any(v <= BASELINE_VERSION for v in versions):
        raise MigrationError(f"Компонент {component.name}: номера миграций должны быть уникальны и больше нуля.")
    for migration in component.migrations:
        if migration.component != component.name:
            raise MigrationError(f"Миграция {migration.component}/{migration.version} передана компоненту {component.name}.")


def migrate(db: peewee.Database, components: list[Component]) -> list[str]:
    """Bring the schema of every component up to date; return what was done, in Russian."""
    use_database(db)
    done: list[str] = []
    with db.connection_context():
        with write_transaction(db):
            db.create_tables([SchemaMigration], safe=True)
        for component in components:
            _check_versions(component)
            done.extend(_migrate_component(db, component))
    return done


def _migrate_component(db: peewee.Database, component: Component) -> list[str]:
    applied = {row.version for row in SchemaMigration.select(SchemaMigration.version)
               .where(SchemaMigration.component == component.name)}
    known = {m.version for m in component.migrations} | {BASELINE_VERSION}
    newer = sorted(applied - known)
    if newer:
        raise MigrationError(
            f"База данных новее программы: компонент «{component.name}» уже на версии {newer[-1]}. "
            "Обновите НОК-Платформу.")
    if BASELINE_VERSION not in applied:
        with write_transaction(db):
            db.create_tables(component.models, safe=True)
            _stamp(component.name, BASELINE_VERSION, "Создание таблиц")
            for migration in component.migrations:
                _stamp(component.name, migration.version, migration.description)
        return [f"{component.name}: созданы таблицы ({len(component.models)})"]
    done = []
    for migration in sorted(component.migrations, key=lambda m: m.version):
        if migration.version in applied:
            continue
        with write_transaction(db):
            migration.apply(db)
            _stamp(component.name, migration.version, migration.description)
        done.append(f"{component.name}: миграция {migration.version} — {migration.description}")
    return done


def _stamp(component: str, version: int, description: str) -> None:
    SchemaMigration.create(component=component, version=version, description=description, applied_at=_now())


def pending(db: peewee.Database, components: list[Component]) -> list[str]:
    """List migrations not applied yet (without applying them)."""
    use_database(db)
    with db.connection_context():
        if not SchemaMigration.table_exists():
            return [c.name for c in components]
        rows = {(r.component, r.version) for r in SchemaMigration.select()}
    out = []
    for component in components:
        if (component.name, BASELINE_VERSION) not in rows:
            out.append(f"{component.name}: создание таблиц")
            continue
        out += [f"{component.name}: {m.version}" for m in component.migrations if (component.name, m.version) not in rows]
    return out
