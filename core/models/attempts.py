"""Попытки этапов экзамена: what a candidate was given, answered and scored.

An attempt belongs to a candidate of an exam group (`GroupMember`) and one stage (the exam
type code of a plugin: ``theory``, ``practice``, ``portfolio``). Core stores what the exam
type's provider built (``content``, including the key, never shown to the candidate), the
seed that rebuilds it, the server-clock deadline and the score. Answers are rows of their
own, written one by one the moment they are given, so nothing answered is lost by a closed
browser or a crashed station.
"""
from __future__ import annotations

import json
from typing import Any

import peewee

from core.audit import AuditedModel
from core.db import BaseModel
from core.models.exams import GroupMember
from core.models.kos import Kos
from core.models.organisations import _now
from core.models.users import User


class FinishReason:
    SUBMITTED = "submitted"  # the candidate pressed «Завершить»
    TIMEOUT = "timeout"  # the server clock reached the deadline
    STAFF = "staff"  # closed by the operator
    SCORED = "scored"  # practice/portfolio: the commission's marks are complete
    TITLES = {SUBMITTED: "Завершено соискателем", TIMEOUT: "Истекло время", STAFF: "Завершено оператором",
              SCORED: "Оценено комиссией"}


class ExamAttempt(AuditedModel):
    """One candidate's attempt at one stage; unique per (member, stage)."""

    member = peewee.ForeignKeyField(GroupMember, backref="attempts", on_delete="CASCADE")
    stage = peewee.CharField(max_length=32)  # ExamType.code
    kos = peewee.ForeignKeyField(Kos, on_delete="RESTRICT")
    seed = peewee.BigIntegerField()
    content = peewee.TextField()  # JSON returned by ExamType.build_attempt
    started_at = peewee.DateTimeField(default=_now)
    deadline_at = peewee.DateTimeField(null=True)  # UTC, naive; None = no time limit
    finished_at = peewee.DateTimeField(null=True, index=True)
    finish_reason = peewee.CharField(max_length=16, null=True)
    points = peewee.DecimalField(max_digits=8, decimal_places=2, null=True)
    max_points = peewee.DecimalField(max_digits=8, decimal_places=2, null=True)
    passed = peewee.BooleanField(null=True)
    details = peewee.TextField(null=True)  # JSON ExamScore.details

    class Meta:
        indexes = ((("member", "stage"), True),)
        audit_masked = ("content",)

    @property
    def data(self) -> dict[str, Any]:
        """The parsed content, cached per instance (read-only: build a new dict to change it)."""
        cached = self.__dict__.get("_data")
        if cached is None or cached[0] is not self.content:
            cached = (self.content, json.loads(self.content))
            self.__dict__["_data"] = cached
        return cached[1]

    @property
    def score_details(self) -> dict[str, Any]:
        return json.loads(self.details) if self.details else {}


class AttemptAnswer(BaseModel):
    """The candidate's current answer to one question; rewritten in place when changed.

    Not audited row by row (hundreds per second on exam day): the row carries its own time
    and revision count, and the attempt's start and finish are audited.
    """

    attempt = peewee.ForeignKeyField(ExamAttempt, backref="answers", on_delete="CASCADE")
    question_id = peewee.CharField(max_length=64)
    value = peewee.TextField()  # JSON, shape per question type (docs/kos-format.md)
    saved_at = peewee.DateTimeField(default=_now)
    revision = peewee.IntegerField(default=1)

    class Meta:
        indexes = ((("attempt", "question_id"), True),)


class AttemptFile(AuditedModel):
    """A file of an attempt: the candidate's practical result, a portfolio document."""

    attempt = peewee.ForeignKeyField(ExamAttempt, backref="files", on_delete="CASCADE")
    digest = peewee.CharField(max_length=64)  # blob store
    filename = peewee.CharField(max_length=255)
    content_type = peewee.CharField(max_length=100)
    size = peewee.BigIntegerField()
    uploaded_at = peewee.DateTimeField(default=_now)
    uploaded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")  # None: the candidate at the kiosk


class PracticeMark(AuditedModel):
    """An expert's mark for one criterion of a practical task or portfolio defence."""

    attempt = peewee.ForeignKeyField(ExamAttempt, backref="marks", on_delete="CASCADE")
    expert = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    criterion_id = peewee.CharField(max_length=64)
    points = peewee.DecimalField(max_digits=6, decimal_places=2)
    comment = peewee.TextField(null=True)
    saved_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = ((("attempt", "expert", "criterion_id"), True),)


class KioskSession(BaseModel):
    """A station's sign-in by access code: the cookie token (hashed) bound to one candidate."""

    token_hash = peewee.CharField(max_length=64, unique=True)
    member = peewee.ForeignKeyField(GroupMember, backref="kiosk_sessions", on_delete="CASCADE")
    csrf_token = peewee.CharField(max_length=64)
    client_ip = peewee.CharField(max_length=64, null=True)
    created_at = peewee.DateTimeField(default=_now)
    last_seen_at = peewee.DateTimeField(default=_now)
    closed_at = peewee.DateTimeField(null=True)


class KioskThrottle(BaseModel):
    """Failed code entries per station address: guessing is slowed down and then locked out."""

    client_ip = peewee.CharField(max_length=64, unique=True)
    failures = peewee.IntegerField(default=0)
    window_started_at = peewee.DateTimeField(default=_now)
    locked_until = peewee.DateTimeField(null=True)
