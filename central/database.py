"""The central registry's database: PostgreSQL in production, SQLite for the demo.

Same core models and migrations as the appliance, so data typed on an appliance keeps its
shape in the registry, plus the registry's own tables (component «central»).
"""
from __future__ import annotations

import os
from pathlib import Path

import peewee

from core.db import open_database_url, use_database
from core.migrations import CORE_MIGRATIONS, Component, migrate
from core.models import CORE_MODELS
from central.migrations import CENTRAL_MIGRATIONS
from central.models import CENTRAL_MODELS

DATABASE_URL_ENV = "DATABASE_URL"
DEFAULT_SQLITE = Path("var") / "central.db"


def database_url() -> str:
    """`DATABASE_URL` if set, else a SQLite file under ./var for the demo."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE.absolute()}"


def central_components() -> list[Component]:
    return [Component("core", list(CORE_MODELS), list(CORE_MIGRATIONS)),
            Component("central", list(CENTRAL_MODELS), list(CENTRAL_MIGRATIONS))]


def open_central_database(url: str | None = None) -> peewee.Database:
    """Open the registry's database, migrate it and bind the models to it."""
    db = open_database_url(url or database_url())
    migrate(db, central_components())
    return use_database(db)
