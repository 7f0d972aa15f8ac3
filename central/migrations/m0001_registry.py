"""Central migration 1: appliances, bundles, results, protocols, certificates, НАРК, plan-schedule."""
from __future__ import annotations

import peewee

VERSION = 1
DESCRIPTION = "Комплексы и пакеты, результаты, протоколы СПК, свидетельства, выгрузка в НАРК"


def apply(db: peewee.Database) -> None:
    from central.models import CENTRAL_MODELS

    db.create_tables(CENTRAL_MODELS, safe=True)
