"""The registry's database opens from DATABASE_URL on PostgreSQL and SQLite with the same schema."""
import uuid

import pytest

from central.database import DATABASE_URL_ENV, database_url, open_central_database
from core.audit import verify_chain
from core.db import open_database_url
from core.migrations import CORE_MIGRATIONS, SchemaMigration
from core.models import Organisation, OrgKind, ProfStandard, Qualification


def _exercise(db):
    with db.connection_context():
        spk = Organisation.create(kind=OrgKind.SPK.value, full_name="СПК сварки", short_name="СПК сварки")
        std = ProfStandard.create(code="40.002", name="Сварщик")
        Qualification.create(spk=spk, prof_standard=std, code="40.00200.03",
                             name="Сварщик ручной дуговой сварки плавящимся покрытым электродом", level=3)
        assert Qualification.select().count() == 1
        assert verify_chain() == 3
        assert SchemaMigration.select().where(SchemaMigration.component == "core").count() == 1 + len(CORE_MIGRATIONS)


def test_sqlite_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert database_url().startswith("sqlite:///") and database_url().endswith("var/central.db")
    db = open_central_database()
    _exercise(db)
    open_central_database()  # second start: nothing to migrate, nothing duplicated
    with db.connection_context():
        assert Organisation.select().count() == 1


@pytest.mark.postgres
def test_postgresql_from_database_url(postgres_admin_url, monkeypatch):
    name = f"nok_central_{uuid.uuid4().hex[:10]}"
    admin = open_database_url(postgres_admin_url)
    admin.connect()
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    try:
        monkeypatch.setenv(DATABASE_URL_ENV, postgres_admin_url.rsplit("/", 1)[0] + f"/{name}")
        db = open_central_database()
        _exercise(db)
        db.close()
    finally:
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
