"""Экзаменационные группы, экспертная комиссия, участники и коды доступа."""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.models.applications import Application
from core.models.organisations import Organisation, _now
from core.models.qualifications import Qualification
from core.models.users import User

GROUP_THEORY = "theory"
GROUP_PRACTICE = "practice"
GROUP_KIND_TITLES = {GROUP_THEORY: "Теория", GROUP_PRACTICE: "Практика"}


class ExamGroup(AuditedModel):
    """Экзаменационная группа: one qualification, one venue, one date and time, a commission."""

    kind = peewee.CharField(max_length=16)
    cok = peewee.ForeignKeyField(Organisation, backref="exam_groups", on_delete="RESTRICT")
    venue = peewee.ForeignKeyField(Organisation, backref="venue_exam_groups", on_delete="RESTRICT")
    qualification = peewee.ForeignKeyField(Qualification, on_delete="RESTRICT")
    starts_at = peewee.DateTimeField(index=True)
    duration_minutes = peewee.SmallIntegerField(default=120)
    seats = peewee.SmallIntegerField()
    order_number = peewee.CharField(max_length=32, null=True)  # Приказ о проведении НОК
    order_date = peewee.DateField(null=True)
    order_pdf = peewee.CharField(max_length=64, null=True)
    order_signed_at = peewee.DateTimeField(null=True)
    started_at = peewee.DateTimeField(null=True)  # «Начать экзамен»
    created_at = peewee.DateTimeField(default=_now)


class CommissionMember(AuditedModel):
    """Член экспертной комиссии группы; exactly one is the chair."""

    group = peewee.ForeignKeyField(ExamGroup, backref="commission", on_delete="CASCADE")
    expert = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    is_chair = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("group", "expert"), True),)


class Admission:
    PENDING = "pending"
    ADMITTED = "admitted"
    REFUSED = "refused"
    TITLES = {PENDING: "Не рассмотрен", ADMITTED: "Допущен", REFUSED: "Не допущен"}


class GroupMember(AuditedModel):
    """A candidate in an exam group: admission verdict and the one-time access code."""

    group = peewee.ForeignKeyField(ExamGroup, backref="members", on_delete="CASCADE")
    application = peewee.ForeignKeyField(Application, backref="group_memberships", on_delete="CASCADE")
    admission = peewee.CharField(max_length=16, default=Admission.PENDING)
    refusal_reason = peewee.TextField(null=True)
    access_code = peewee.CharField(max_length=16, null=True, unique=True)
    code_issued_at = peewee.DateTimeField(null=True)
    code_used_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("group", "application"), True),)
        audit_masked = ("access_code",)
