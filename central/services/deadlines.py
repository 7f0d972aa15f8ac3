"""Сроки Постановления №1204 and Приказа 725н as the СПК set them: when each result is due.

Every term counts in calendar days from the exam (the last stage's date), a duplicate from its
request. Lists filter «только просроченные» in the database: for each status the due date
becomes a bound on `exam_date` computed here (today − days), so no date arithmetic runs in SQL
and the same condition works on SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

import peewee

from central.models import Certificate, CertificateStatus, CentralResult, ResultStatus, SpkSettings
from core.db import write_transaction
from core.documents.texts import date_words
from core.models import Organisation

SPK_DECISION, ISSUE, DUPLICATE = "spk_decision", "issue", "duplicate"
_TITLES = {SPK_DECISION: "Решение СПК", ISSUE: "Выдача документа", DUPLICATE: "Выдача дубликата"}
ISSUE_STATUSES = (ResultStatus.IN_PROTOCOL, ResultStatus.SENT_TO_NARK, ResultStatus.REGISTERED)
_UNKNOWN = object()


@dataclass
class DeadlineInfo:
    code: str
    title: str  # «Решение СПК — до 5 декабря 2026 г.»
    due: dt.date
    overdue: bool
    days_left: int  # negative once overdue

    @property
    def state_text(self) -> str:
        """«Просрочено на 3 дн.», «Последний день», «Осталось 4 дн.» — next to the title in lists."""
        if self.overdue:
            return f"Просрочено на {-self.days_left} дн."
        if self.days_left == 0:
            return "Последний день"
        return f"Осталось {self.days_left} дн."


def settings_for(spk: Organisation) -> SpkSettings:
    """The СПК's terms, created with the defaults of law.md the first time they are asked for."""
    found = SpkSettings.get_or_none(SpkSettings.spk == spk.id)
    if found is not None:
        return found
    with write_transaction():
        found = SpkSettings.get_or_none(SpkSettings.spk == spk.id)
        if found is None:
            found = SpkSettings(spk=spk)
            found.save()
    return found


def _info(code: str, due: dt.date, today: dt.date) -> DeadlineInfo:
    left = (due - today).days
    return DeadlineInfo(code=code, title=f"{_TITLES[code]} — до {date_words(due)}", due=due, overdue=left < 0,
                        days_left=left)


def pending_duplicate_on(result: CentralResult) -> dt.date | None:
    """The request date of a duplicate still awaiting its number, if any (annotated by lists)."""
    annotated = getattr(result, "duplicate_requested_on", _UNKNOWN)
    if annotated is not _UNKNOWN:
        return _as_date(annotated)
    row = (Certificate.select(Certificate.duplicate_requested_at)
           .where((Certificate.result == result.id) & Certificate.is_duplicate
                  & (Certificate.status == CertificateStatus.AWAITING_NUMBER))
           .order_by(Certificate.duplicate_requested_at).first())
    return row.duplicate_requested_at if row else None


def duplicate_request_subquery() -> peewee.SelectQuery:
    """Earliest pending duplicate request of the outer CentralResult row (a correlated subquery)."""
    return (Certificate.select(peewee.fn.MIN(Certificate.duplicate_requested_at))
            .where((Certificate.result == CentralResult.id) & Certificate.is_duplicate
                   & (Certificate.status == CertificateStatus.AWAITING_NUMBER)))


def result_deadline(result: CentralResult, settings: SpkSettings,
                    today: dt.date | None = None) -> DeadlineInfo | None:
    """The next term the СПК must meet for this result; None when nothing is due."""
    today = today or dt.date.today()
    requested = pending_duplicate_on(result)
    if requested is not None:
        return _info(DUPLICATE, requested + dt.timedelta(days=settings.days_duplicate), today)
    if result.status == ResultStatus.RECEIVED:
        return _info(SPK_DECISION, result.exam_date + dt.timedelta(days=settings.days_spk_decision), today)
    if result.status in ISSUE_STATUSES:
        return _info(ISSUE, result.exam_date + dt.timedelta(days=settings.days_issue), today)
    return None


def sent_late(result: CentralResult, settings: SpkSettings) -> bool:
    """Whether the ЦОК sent the protocol and materials later than `days_to_spk` after the exam."""
    received = result.received_at.date() if isinstance(result.received_at, dt.datetime) else result.received_at
    return received > result.exam_date + dt.timedelta(days=settings.days_to_spk)


def overdue_condition(settings: SpkSettings, today: dt.date | None = None) -> peewee.Expression:
    """SQL condition «the result's current term has passed», one branch per status.

    A result is overdue when its due date (exam + days) is before today, i.e. the exam was
    before today − days; a pending duplicate counts from its request.
    """
    today = today or dt.date.today()
    decision_bound = today - dt.timedelta(days=settings.days_spk_decision)
    issue_bound = today - dt.timedelta(days=settings.days_issue)
    duplicate_bound = today - dt.timedelta(days=settings.days_duplicate)
    late_duplicates = (Certificate.select(Certificate.result)
                       .where(Certificate.is_duplicate & (Certificate.status == CertificateStatus.AWAITING_NUMBER)
                              & (Certificate.duplicate_requested_at < duplicate_bound)))
    branches = [
        (CentralResult.status == ResultStatus.RECEIVED) & (CentralResult.exam_date < decision_bound),
        CentralResult.status.in_(ISSUE_STATUSES) & (CentralResult.exam_date < issue_bound),
        CentralResult.id.in_(late_duplicates),
    ]
    return functools.reduce(operator.or_, branches)


def _as_date(value) -> dt.date | None:
    """SQLite hands an aggregate of a date column back as text."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
