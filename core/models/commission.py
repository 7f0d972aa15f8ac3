"""Решение экспертной комиссии, протокол, передача результатов в СПК (seed 002)."""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.models.applications import Application
from core.models.exams import ExamGroup
from core.models.organisations import _now
from core.models.users import User


class Verdict:
    NONE = "none"
    PASSED = "passed"
    FAILED = "failed"
    TITLES = {NONE: "Не выбрано", PASSED: "Сдал", FAILED: "Не сдал"}


class ExpertDecision(AuditedModel):
    """One expert's decision on one candidate; the chair may set it for any expert."""

    application = peewee.ForeignKeyField(Application, backref="expert_decisions", on_delete="CASCADE")
    group = peewee.ForeignKeyField(ExamGroup, on_delete="CASCADE")  # the group whose commission decides
    expert = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    verdict = peewee.CharField(max_length=8, default=Verdict.NONE)
    comment = peewee.TextField(null=True)
    set_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")  # the chair, when not the expert
    saved_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = ((("application", "expert"), True),)


class CommissionResult(AuditedModel):
    """The commission's result for one candidate and what the ЦОК did with it."""

    application = peewee.ForeignKeyField(Application, backref="commission_results", unique=True, on_delete="CASCADE")
    group = peewee.ForeignKeyField(ExamGroup, on_delete="CASCADE")
    verdict = peewee.CharField(max_length=8)  # Verdict.PASSED / FAILED (majority, chair's casting vote)
    decided_at = peewee.DateTimeField(default=_now)
    returned_at = peewee.DateTimeField(null=True)  # «Вернуть на доработку»
    return_comment = peewee.TextField(null=True)
    sent_to_spk_at = peewee.DateTimeField(null=True)


class CommissionProtocol(AuditedModel):
    """Протокол экспертной комиссии of a group: generated PDF/DOCX, signed with facsimiles."""

    group = peewee.ForeignKeyField(ExamGroup, backref="protocols", unique=True, on_delete="CASCADE")
    number = peewee.CharField(max_length=32)
    protocol_date = peewee.DateField()
    pdf_digest = peewee.CharField(max_length=64, null=True)
    docx_digest = peewee.CharField(max_length=64, null=True)
    signed_at = peewee.DateTimeField(null=True)
    uploaded_digest = peewee.CharField(max_length=64, null=True)  # «Загрузить документ»: the scanned signed copy
    created_at = peewee.DateTimeField(default=_now)


class SpkSubmission(AuditedModel):
    """A result queued for the central СПК registry («Отправить в СПК»).

    The federation outbox (issue 6) picks unsent rows, seals them into a bundle and sets
    ``sent_at``; until then the row is the durable record that the ЦОК sent it.
    """

    application = peewee.ForeignKeyField(Application, backref="spk_submissions", on_delete="CASCADE")
    queued_at = peewee.DateTimeField(default=_now, index=True)
    queued_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    payload = peewee.TextField()  # JSON snapshot of the result as sent
    sent_at = peewee.DateTimeField(null=True, index=True)
    bundle_serial = peewee.BigIntegerField(null=True)


class GroupVideo(AuditedModel):
    """«Загрузить видео»: a recording of the whole group's exam uploaded by the operator."""

    group = peewee.ForeignKeyField(ExamGroup, backref="videos", on_delete="CASCADE")
    digest = peewee.CharField(max_length=64)
    filename = peewee.CharField(max_length=255)
    content_type = peewee.CharField(max_length=100)
    size = peewee.BigIntegerField()
    uploaded_at = peewee.DateTimeField(default=_now)
    uploaded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
