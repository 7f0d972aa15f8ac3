"""Federation migration 1: the link to the registry, the outbox, documents reported by the registry."""
from __future__ import annotations

import peewee

VERSION = 1
DESCRIPTION = "Подключение к реестру СПК, исходящая очередь, свидетельства из реестра"


def apply(db: peewee.Database) -> None:
    from federation.models import FEDERATION_MODELS

    db.create_tables(FEDERATION_MODELS, safe=True)
