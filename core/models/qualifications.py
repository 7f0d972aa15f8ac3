"""Professional standards and qualifications (справочник СПК)."""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.models.organisations import Organisation


class ProfStandard(AuditedModel):
    """Профессиональный стандарт: code, name and the order that approved it."""

    code = peewee.CharField(max_length=16, unique=True)  # e.g. «40.054»
    name = peewee.CharField(max_length=500)
    approval_order = peewee.CharField(max_length=300, null=True)  # «приказ Минтруда России от … № …н»

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Qualification(AuditedModel):
    """Квалификация: belongs to one профстандарт and one СПК, has a level 1–9.

    `code` is the registry code `NN.NNNNN.NN`; `validity_years` is the certificate's
    validity, which also drives how long exam materials are kept (law.md).
    """

    spk = peewee.ForeignKeyField(Organisation, backref="qualifications", on_delete="RESTRICT")
    prof_standard = peewee.ForeignKeyField(ProfStandard, backref="qualifications", on_delete="RESTRICT")
    code = peewee.CharField(max_length=16, unique=True)
    name = peewee.CharField(max_length=500)
    level = peewee.SmallIntegerField()
    validity_years = peewee.SmallIntegerField(default=3)
    is_active = peewee.BooleanField(default=True)

    class Meta:
        constraints = [peewee.Check("level BETWEEN 1 AND 9")]

    @property
    def title(self) -> str:
        """Name as documents print it: «Специалист по охране труда (6 уровень квалификации)»."""
        return f"{self.name} ({self.level} уровень квалификации)"

    def __str__(self) -> str:
        return self.title
