"""What one СПК may see: results of its own qualifications (or, unmatched, of its ЦОК)."""
from __future__ import annotations

import peewee

from central.models import CentralResult
from core.models import Organisation, Qualification

CokOrg = Organisation.alias("cok_org")


def spk_condition(spk: Organisation) -> peewee.Expression:
    """The condition `spk_results` applies (for queries that select CentralResult with other tables)."""
    own_qualifications = Qualification.select(Qualification.id).where(Qualification.spk == spk.id)
    own_coks = CokOrg.select(CokOrg.id).where(CokOrg.parent == spk.id)
    return (CentralResult.qualification.in_(own_qualifications)
            | (CentralResult.qualification.is_null() & CentralResult.cok.in_(own_coks)))


def spk_results(spk: Organisation) -> peewee.ModelSelect:
    """CentralResult rows of this СПК: `qualification.spk == spk`, or no qualification and `cok.parent == spk`."""
    return CentralResult.select().where(spk_condition(spk))


def spk_of(result: CentralResult) -> Organisation | None:
    """The СПК a result belongs to: its qualification's, else its ЦОК's parent."""
    if result.qualification_id:
        return result.qualification.spk
    return result.cok.parent if result.cok.parent_id else None
