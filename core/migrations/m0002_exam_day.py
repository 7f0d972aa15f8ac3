"""Core migration 2: КОС, exam attempts and answers, kiosk sign-in, commission decisions."""
from __future__ import annotations

import peewee

VERSION = 2
DESCRIPTION = "КОС, попытки экзамена и ответы, решения экспертной комиссии, протоколы"


def apply(db: peewee.Database) -> None:
    from core.models import EXAM_DAY_MODELS

    db.create_tables(EXAM_DAY_MODELS, safe=True)
