"""Deadlines of Постановление № 1204 as the ЦОК's pages show them, with the СПК's own terms.

The СПК may set its terms (the registry sends them with the reference snapshot, kept in
`RegistryLink.settings`); until it does, the law's defaults apply: 10 days to decide on the
documents (п. 9), 7 days after the exam to send the results to the СПК (п. 15), and so on
(../shared/docs/law.md). The helpers return None when a deadline does not apply to the
application's status, so templates show nothing for it.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Iterable

import peewee

from core.documents.texts import date_words
from core.models import Application, ExamAttempt, ExamGroup, GroupMember
from core.workflow import Status
from federation.models import RegistryLink
from federation.reference_format import DEFAULT_SETTINGS

# After the exam and before «Передано в СПК»: the ЦОК still has to send the result.
AWAITING_SPK = frozenset({Status.THEORY_FAILED, Status.PRACTICE_PASSED, Status.PRACTICE_FAILED,
                          Status.COMMISSION_DECIDED})


@dataclass(frozen=True)
class Deadline:
    """One deadline of an application: `title` is the Russian line the page shows."""

    code: str  # documents | to_spk
    title: str
    due: dt.date
    overdue: bool
    days_left: int


def appliance_settings(services: Any = None) -> dict[str, int]:
    """The СПК's terms from the last applied snapshot, the law's defaults for anything missing."""
    link = RegistryLink.select(RegistryLink.settings).order_by(RegistryLink.id).first()
    settings = dict(DEFAULT_SETTINGS)
    if link is not None:
        try:
            stored = json.loads(link.settings or "{}")
        except ValueError:
            stored = {}
        if isinstance(stored, dict):
            settings.update({k: v for k, v in stored.items() if k in DEFAULT_SETTINGS and isinstance(v, int)})
    return settings


def _local_date(value: dt.datetime | dt.date | None) -> dt.date | None:
    """Stored times are UTC; deadlines count the appliance's calendar days."""
    if value is None or not isinstance(value, dt.datetime):
        return value
    return value.replace(tzinfo=dt.timezone.utc).astimezone().date()


def _deadline(code: str, due: dt.date, today: dt.date | None, open_title: str, late_title: str) -> Deadline:
    today = today or dt.date.today()
    days_left = (due - today).days
    return Deadline(code, late_title if days_left < 0 else open_title, due, days_left < 0, days_left)


def documents_due(application: Application, settings: dict[str, int], today: dt.date | None = None) -> Deadline | None:
    """«Решение по документам — до …»: submitted + days_documents, while the application is «На рассмотрении»."""
    if application.status != Status.SUBMITTED.value or application.submitted_at is None:
        return None
    due = _local_date(application.submitted_at) + dt.timedelta(days=settings["days_documents"])
    late = max(0, ((today or dt.date.today()) - due).days)
    return _deadline("documents", due, today, f"Решение по документам — до {date_words(due)}",
                     f"Решение по документам — до {date_words(due)}, просрочено на {late} дн.")


def _as_date(value: Any) -> dt.date | None:
    """An aggregate of a datetime column (SQLite hands it back as text) as the day it names."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.date() if isinstance(value, dt.datetime) else value


def last_exam_dates(application_ids: Iterable[int]) -> dict[int, dt.date]:
    """The day of each application's last exam stage (group start, the appliance's clock): one query."""
    ids = list(application_ids)
    if not ids:
        return {}
    last = peewee.fn.MAX(ExamGroup.starts_at)
    query = (GroupMember.select(GroupMember.application, last.alias("last"))
             .join(ExamGroup, on=(GroupMember.group == ExamGroup.id)).switch(GroupMember)
             .join(ExamAttempt, on=(ExamAttempt.member == GroupMember.id))
             .where(GroupMember.application.in_(ids)).group_by(GroupMember.application))
    return {row.application_id: _as_date(row.last) for row in query}


def last_exam_date(application: Application) -> dt.date | None:
    """The day of the application's last exam stage (list pages use `last_exam_dates` for the page)."""
    return last_exam_dates([application.id]).get(application.id)


def spk_due(application: Application, settings: dict[str, int], exam_date: dt.date | dt.datetime | None = None,
            today: dt.date | None = None) -> Deadline | None:
    """«Отправить в СПК — до …» / «Срок отправки в СПК истёк …»: exam + days_to_spk, until «Передано в СПК»."""
    if Status(application.status) not in AWAITING_SPK:
        return None
    if isinstance(exam_date, dt.datetime):
        exam_date = exam_date.date()
    exam_date = exam_date or last_exam_date(application)
    if exam_date is None:
        return None
    due = exam_date + dt.timedelta(days=settings["days_to_spk"])
    return _deadline("to_spk", due, today, f"Отправить в СПК — до {date_words(due)}",
                     f"Срок отправки в СПК истёк {date_words(due)}")
