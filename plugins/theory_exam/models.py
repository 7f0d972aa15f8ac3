"""Tables of the theory_exam plugin (component ``theory_exam``)."""
from __future__ import annotations

import json
from typing import Any

import peewee

from core.models import Kos, Qualification, User
from core.models.organisations import _now
from core.plugin_api import BaseModel


class TheoryTrial(BaseModel):
    """Пробный экзамен: an applicant's practice run on the КОС's sample questions.

    Kept apart from exam attempts (it decides nothing and is never scored into a result):
    the questions with their keys (shown after «Завершить») and the answers as JSON.
    """

    applicant = peewee.ForeignKeyField(User, on_delete="CASCADE")
    qualification = peewee.ForeignKeyField(Qualification, on_delete="CASCADE")
    kos = peewee.ForeignKeyField(Kos, on_delete="CASCADE")
    seed = peewee.BigIntegerField()
    content = peewee.TextField()  # {"questions": [...variant questions with "key"...], "max_points": n}
    answers = peewee.TextField(default="{}")
    started_at = peewee.DateTimeField(default=_now)
    finished_at = peewee.DateTimeField(null=True)
    points = peewee.DecimalField(max_digits=8, decimal_places=2, null=True)
    max_points = peewee.DecimalField(max_digits=8, decimal_places=2, null=True)
    correct = peewee.IntegerField(null=True)

    class Meta:
        table_name = "theory_exam_trial"
        indexes = ((("applicant", "started_at"), False),)

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.content)

    @property
    def given(self) -> dict[str, Any]:
        return json.loads(self.answers or "{}")
