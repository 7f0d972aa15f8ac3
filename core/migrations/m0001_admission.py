"""Core migration 1: tables of the applicant-to-admission flow and facsimile signatures."""
from __future__ import annotations

import peewee
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

VERSION = 1
DESCRIPTION = "Заявления, документы, счета, экзаменационные группы, факсимиле"


def apply(db: peewee.Database) -> None:
    from core.models import ADMISSION_MODELS, Organisation, User

    migrator = SqliteMigrator(db) if isinstance(db, peewee.SqliteDatabase) else PostgresqlMigrator(db)
    existing = {c.name for c in db.get_columns("organisation")}
    ops = []
    if "facsimile_digest" not in existing:
        ops.append(migrator.add_column("organisation", "facsimile_digest", Organisation.facsimile_digest))
    if "facsimile_digest" not in {c.name for c in db.get_columns("user")}:
        ops.append(migrator.add_column("user", "facsimile_digest", User.facsimile_digest))
    migrate(*ops)
    db.create_tables(ADMISSION_MODELS, safe=True)
