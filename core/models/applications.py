"""Заявления соискателей, групповые заявки работодателей, их документы и история статусов."""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.db import BaseModel
from core.models.catalog import ExamSlot
from core.models.organisations import Organisation, _now
from core.models.qualifications import ProfStandard, Qualification
from core.models.users import User

PAYER_SELF = "self"
PAYER_EMPLOYER = "employer"
FORM_PRACTICE = "practice"
FORM_PORTFOLIO = "portfolio"
PAYER_TITLES = {PAYER_SELF: "Соискатель (за свой счёт)", PAYER_EMPLOYER: "Работодатель"}
PRACTICAL_FORM_TITLES = {FORM_PRACTICE: "Практическое задание", FORM_PORTFOLIO: "Защита портфолио"}


class GroupApplication(AuditedModel):
    """Групповая заявка работодателя: one профстандарт, rows qualification × people × venue."""

    number = peewee.CharField(max_length=32, unique=True, null=True)
    employer = peewee.ForeignKeyField(Organisation, backref="group_applications", on_delete="RESTRICT")
    cok = peewee.ForeignKeyField(Organisation, backref="incoming_group_applications", on_delete="RESTRICT")
    prof_standard = peewee.ForeignKeyField(ProfStandard, on_delete="RESTRICT")
    status = peewee.CharField(max_length=32, index=True)
    payment_terms = peewee.CharField(max_length=16, default="prepayment")  # prepayment | postpayment
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    created_at = peewee.DateTimeField(default=_now)
    submitted_at = peewee.DateTimeField(null=True)


class GroupApplicationRow(AuditedModel):
    """One row of a group application: how many people for which qualification at which venue."""

    group_application = peewee.ForeignKeyField(GroupApplication, backref="rows", on_delete="CASCADE")
    qualification = peewee.ForeignKeyField(Qualification, on_delete="RESTRICT")
    venue = peewee.ForeignKeyField(Organisation, on_delete="RESTRICT")
    people_count = peewee.SmallIntegerField()


class Application(AuditedModel):
    """Заявление на прохождение профессионального экзамена по одной квалификации.

    `full_name`, `snils` and `personal_data` are the snapshot taken when the applicant
    sends it (the cabinet may change later; the application keeps what was reviewed).
    """

    number = peewee.CharField(max_length=32, unique=True, null=True)
    applicant = peewee.ForeignKeyField(User, backref="applications", on_delete="RESTRICT")
    cok = peewee.ForeignKeyField(Organisation, backref="applications", on_delete="RESTRICT")
    venue = peewee.ForeignKeyField(Organisation, backref="venue_applications", on_delete="RESTRICT")
    qualification = peewee.ForeignKeyField(Qualification, backref="applications", on_delete="RESTRICT")
    payer = peewee.CharField(max_length=16, default=PAYER_SELF)
    employer = peewee.ForeignKeyField(Organisation, null=True, backref="employee_applications", on_delete="RESTRICT")
    group_application = peewee.ForeignKeyField(GroupApplication, null=True, backref="applications",
                                               on_delete="SET NULL")
    practical_form = peewee.CharField(max_length=16, default=FORM_PRACTICE)
    portfolio_link = peewee.CharField(max_length=500, null=True)
    portfolio_digest = peewee.CharField(max_length=64, null=True)
    status = peewee.CharField(max_length=32)
    full_name = peewee.CharField(max_length=300, default="", index=True)
    snils = peewee.CharField(max_length=11, null=True)
    personal_data = peewee.TextField(default="{}")  # JSON snapshot of the cabinet blocks
    consent_accuracy_at = peewee.DateTimeField(null=True)
    consent_pd_at = peewee.DateTimeField(null=True)
    consent_text_version = peewee.CharField(max_length=32, null=True)
    slot = peewee.ForeignKeyField(ExamSlot, null=True, backref="applications", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=_now, index=True)
    submitted_at = peewee.DateTimeField(null=True, index=True)
    updated_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = (  # the queue filters by these and orders by submission (bench/queue_list.py)
            (("cok", "status", "submitted_at"), False),
            (("venue", "status", "submitted_at"), False),
            (("cok", "submitted_at"), False),
            (("venue", "submitted_at"), False),
            (("cok", "qualification", "status", "submitted_at"), False),
        )


class DocumentReview:
    """Review states of an application document."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    TITLES = {PENDING: "Не проверен", ACCEPTED: "Принято", REJECTED: "Отклонено"}


class ApplicationDocument(AuditedModel):
    """A document inside an application (copied from the cabinet), with the ЦОК's verdict."""

    application = peewee.ForeignKeyField(Application, backref="documents", on_delete="CASCADE")
    kind = peewee.CharField(max_length=32)
    title = peewee.CharField(max_length=300)
    filename = peewee.CharField(max_length=255)
    content_type = peewee.CharField(max_length=64)
    size = peewee.IntegerField()
    digest = peewee.CharField(max_length=64)
    review = peewee.CharField(max_length=16, default=DocumentReview.PENDING)
    reject_reason = peewee.TextField(null=True)
    reviewed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    reviewed_at = peewee.DateTimeField(null=True)
    replaced_at = peewee.DateTimeField(null=True)


class ApplicationStatusChange(BaseModel):
    """История статусов заявления (what the applicant sees as the status line)."""

    application = peewee.ForeignKeyField(Application, backref="status_history", on_delete="CASCADE")
    from_status = peewee.CharField(max_length=32, null=True)
    to_status = peewee.CharField(max_length=32)
    actor = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    actor_label = peewee.CharField(max_length=320)
    comment = peewee.TextField(null=True)
    at = peewee.DateTimeField(default=_now)
