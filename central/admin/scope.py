"""What belongs to a СПК: its ЦОК (parent = СПК), their venues (parent = ЦОК) and their appliances.

Anything outside answers `NotFoundError`, so another СПК's row looks exactly like a missing one.
"""
from __future__ import annotations

import peewee

from central.models import Appliance
from core.exceptions import NotFoundError
from core.models import Organisation, OrgKind


def coks_of(spk: Organisation) -> peewee.ModelSelect:
    """ЦОК of the СПК (a query, so callers filter and paginate in the database)."""
    return Organisation.select().where((Organisation.kind == OrgKind.COK.value) & (Organisation.parent == spk))


def venues_of(spk: Organisation) -> peewee.ModelSelect:
    """Venues of the СПК's ЦОК."""
    cok_ids = Organisation.select(Organisation.id).where((Organisation.kind == OrgKind.COK.value)
                                                         & (Organisation.parent == spk))
    return Organisation.select().where((Organisation.kind == OrgKind.VENUE.value) & Organisation.parent.in_(cok_ids))


def centre_ids(spk: Organisation) -> peewee.ModelSelect:
    """Ids of every ЦОК and venue of the СПК (a subquery)."""
    cok_ids = Organisation.select(Organisation.id).where((Organisation.kind == OrgKind.COK.value)
                                                         & (Organisation.parent == spk))
    venue_ids = Organisation.select(Organisation.id).where((Organisation.kind == OrgKind.VENUE.value)
                                                           & Organisation.parent.in_(cok_ids))
    return cok_ids | venue_ids


def get_centre(spk: Organisation, org_id: int) -> Organisation:
    """A ЦОК or venue of this СПК; anything else is «not found»."""
    org = Organisation.get_or_none(Organisation.id == org_id)
    if org is not None and org.kind == OrgKind.VENUE.value and org.parent_id:
        cok = Organisation.get_or_none(Organisation.id == org.parent_id)
        if cok is not None and cok.kind == OrgKind.COK.value and cok.parent_id == spk.id:
            return org
    if org is not None and org.kind == OrgKind.COK.value and org.parent_id == spk.id:
        return org
    raise NotFoundError("ЦОК или площадка не найдены.")


def get_cok(spk: Organisation, org_id: int) -> Organisation:
    org = get_centre(spk, org_id)
    if org.kind != OrgKind.COK.value:
        raise NotFoundError("ЦОК не найден.")
    return org


def appliances_of(spk: Organisation) -> peewee.ModelSelect:
    """Appliances enrolled for the СПК's ЦОК and venues."""
    return Appliance.select().where(Appliance.organisation.in_(centre_ids(spk)))


def get_appliance(spk: Organisation, appliance_pk: int) -> Appliance:
    found = appliances_of(spk).where(Appliance.id == appliance_pk).first()
    if found is None:
        raise NotFoundError("Комплекс не найден.")
    return found
