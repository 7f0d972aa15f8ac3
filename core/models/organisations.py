"""Organisations: СПК, ЦОК, Площадка, Работодатель — with the requisites documents need."""
from __future__ import annotations

import datetime as dt
import enum

import peewee

from core.audit import AuditedModel


class OrgKind(str, enum.Enum):
    SPK = "spk"
    COK = "cok"
    VENUE = "venue"
    EMPLOYER = "employer"

    @property
    def title(self) -> str:
        return ORG_KIND_TITLES[self]


ORG_KIND_TITLES = {
    OrgKind.SPK: "СПК",
    OrgKind.COK: "ЦОК",
    OrgKind.VENUE: "Площадка",
    OrgKind.EMPLOYER: "Работодатель",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class Organisation(AuditedModel):
    """Организация — СПК, ЦОК, экзаменационная площадка или работодатель.

    A venue (Площадка) belongs to its ЦОК, a ЦОК to its СПК (`parent`). The contact,
    requisites and signer fields fill contracts, invoices, orders and protocols, so data
    typed once here reaches every document (seeds 002 «Ваш профиль», 003 «Профиль»).
    """

    kind = peewee.CharField(max_length=16, index=True, choices=[(k.value, k.title) for k in OrgKind])
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    full_name = peewee.CharField(max_length=500)
    short_name = peewee.CharField(max_length=200)
    registry_number = peewee.CharField(max_length=64, null=True)  # ЦОК's number in the НАРК registry
    inn = peewee.CharField(max_length=12, null=True, index=True)
    kpp = peewee.CharField(max_length=9, null=True)
    ogrn = peewee.CharField(max_length=15, null=True)
    # Contacts (used by the contract)
    phone = peewee.CharField(max_length=32, null=True)
    email = peewee.CharField(max_length=320, null=True)
    website = peewee.CharField(max_length=200, null=True)
    legal_address = peewee.TextField(null=True)
    actual_address = peewee.TextField(null=True)
    actual_same_as_legal = peewee.BooleanField(default=False)
    # Bank requisites (used by the invoice)
    bank_name = peewee.CharField(max_length=300, null=True)
    bik = peewee.CharField(max_length=9, null=True)
    settlement_account = peewee.CharField(max_length=20, null=True)
    corr_account = peewee.CharField(max_length=20, null=True)
    # People and authority
    head_name = peewee.CharField(max_length=200, null=True)
    head_position = peewee.CharField(max_length=200, null=True)
    authority_document = peewee.CharField(max_length=300, null=True)  # «Устав», «доверенность № … от …»
    accountant_name = peewee.CharField(max_length=200, null=True)
    hr_head_name = peewee.CharField(max_length=200, null=True)
    contact_name = peewee.CharField(max_length=200, null=True)
    # Documents (contract preamble and signer; СПК protocol members)
    contract_preamble = peewee.TextField(null=True)
    signer_name = peewee.CharField(max_length=200, null=True)
    signer_position = peewee.CharField(max_length=200, null=True)
    chair_name = peewee.CharField(max_length=200, null=True)
    secretary_name = peewee.CharField(max_length=200, null=True)
    voting_members = peewee.TextField(null=True)
    facsimile_digest = peewee.CharField(max_length=64, null=True)  # drawn signature of the signer (PNG)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=_now)

    @property
    def kind_enum(self) -> OrgKind:
        return OrgKind(self.kind)

    @property
    def kind_title(self) -> str:
        return ORG_KIND_TITLES[OrgKind(self.kind)]

    def __str__(self) -> str:
        return self.short_name
