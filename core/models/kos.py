"""КОС — комплект оценочных средств of a qualification, stored as one validated document.

The content is our canonical JSON (docs/kos-format.md): theory bank in sections with a test
specification and sample questions, practical tasks with criteria, portfolio requirements,
required documents and legal acts. A КОС is stored whole, so an import either lands
completely or not at all, and an exam attempt pins the exact version it was built from.
"""
from __future__ import annotations

import json
from typing import Any

import peewee

from core.audit import AuditedModel
from core.models.organisations import _now
from core.models.qualifications import Qualification
from core.models.users import User


class Kos(AuditedModel):
    """One version of the КОС of a qualification; the newest loaded one is current."""

    qualification = peewee.ForeignKeyField(Qualification, backref="kos_versions", on_delete="RESTRICT")
    version = peewee.CharField(max_length=32)
    title = peewee.CharField(max_length=500)
    content = peewee.TextField()  # canonical JSON, see docs/kos-format.md
    sha256 = peewee.CharField(max_length=64)
    source_format = peewee.CharField(max_length=16, default="json")  # json, qti, moodle
    is_current = peewee.BooleanField(default=True, index=True)
    loaded_at = peewee.DateTimeField(default=_now)
    loaded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("qualification", "version"), True),)
        audit_masked = ("content",)  # the sha256 identifies it; the bank itself stays out of the log

    @property
    def data(self) -> dict[str, Any]:
        """The parsed canonical document (cached per instance)."""
        cached = self.__dict__.get("_data")
        if cached is None or cached[0] != self.content:
            cached = (self.content, json.loads(self.content))
            self.__dict__["_data"] = cached
        return cached[1]
