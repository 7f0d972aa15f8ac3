"""What a ЦОК offers: prices, exam schedule slots, КОС status per qualification; the experts."""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.models.organisations import Organisation, _now
from core.models.qualifications import Qualification
from core.models.users import User


class Price(AuditedModel):
    """Стоимость экзамена по квалификации у ЦОК (рубли с копейками)."""

    cok = peewee.ForeignKeyField(Organisation, backref="prices", on_delete="CASCADE")
    qualification = peewee.ForeignKeyField(Qualification, backref="prices", on_delete="CASCADE")
    amount = peewee.DecimalField(max_digits=12, decimal_places=2)
    vat_included = peewee.BooleanField(default=False)  # most ЦОК are «НДС не облагается»

    class Meta:
        indexes = ((("cok", "qualification"), True),)


class QualificationOffer(AuditedModel):
    """A qualification a ЦОК assesses, with the state of its КОС («Выгружен» or not)."""

    cok = peewee.ForeignKeyField(Organisation, backref="offers", on_delete="CASCADE")
    qualification = peewee.ForeignKeyField(Qualification, backref="offers", on_delete="CASCADE")
    kos_loaded_at = peewee.DateTimeField(null=True)
    kos_version = peewee.CharField(max_length=32, null=True)

    class Meta:
        indexes = ((("cok", "qualification"), True),)


class ExamSlot(AuditedModel):
    """Время экзамена: a date and time at a venue for a qualification, with a number of seats.

    The calendar shows «09:00 (taken/seats)»; `taken` is counted from applications.
    """

    venue = peewee.ForeignKeyField(Organisation, backref="slots", on_delete="CASCADE")
    qualification = peewee.ForeignKeyField(Qualification, backref="slots", on_delete="CASCADE")
    starts_at = peewee.DateTimeField(index=True)
    seats = peewee.SmallIntegerField()

    class Meta:
        indexes = ((("venue", "qualification", "starts_at"), True),)


class ExpertCertificate(AuditedModel):
    """An expert's right to assess one qualification, valid from–to (by a СПК protocol).

    An expert may sit on a commission only for a qualification they hold a certificate for,
    valid on the exam date.
    """

    expert = peewee.ForeignKeyField(User, backref="expert_certificates", on_delete="CASCADE")
    qualification = peewee.ForeignKeyField(Qualification, backref="expert_certificates", on_delete="CASCADE")
    valid_from = peewee.DateField()
    valid_to = peewee.DateField()
    protocol_number = peewee.CharField(max_length=50)
    protocol_date = peewee.DateField()
    created_at = peewee.DateTimeField(default=_now)
