"""Письмо за день до экзамена: date, time and place, and what to bring (seed 004, п. 4–5).

Run once a day (or more often: it is idempotent) by `nok mail remind`. Each application gets
the letter once per exam date; the audit log remembers it (action «exam_reminder»), so a
repeated run, a second worker or a restart sends nothing twice, while a moved exam date
gets a new letter.
"""
from __future__ import annotations

import datetime as dt
import json

from core import audit
from core.db import write_transaction
from core.models import (Application, AuditRecord, ExamGroup, ExamSlot, GroupMember, Organisation, Qualification,
                         User)
from core.models.applications import FORM_PORTFOLIO
from core.services.notify import queue_mail
from core.workflow import Status

REMINDER_ACTION = "exam_reminder"
# Applications whose exam date is set (chosen by the applicant or given by the group).
REMINDED_STATUSES = (Status.PAID_DATE_CONFIRMATION.value, Status.EXAM_SCHEDULED.value)


def _exams_on(day: dt.date) -> dict[int, tuple[Application, dt.datetime, Organisation]]:
    """Application id → (application, start, venue) for exams on `day`; a group's time wins over a slot's."""
    begin = dt.datetime.combine(day, dt.time.min)
    end = begin + dt.timedelta(days=1)
    venue = Organisation.alias()
    found: dict[int, tuple[Application, dt.datetime, Organisation]] = {}
    by_slot = (Application.select(Application, ExamSlot, User, Qualification, venue)
               .join(ExamSlot, on=(Application.slot == ExamSlot.id))
               .switch(Application).join(User, on=(Application.applicant == User.id))
               .switch(Application).join(Qualification)
               .switch(ExamSlot).join(venue, on=(ExamSlot.venue == venue.id))
               .where((ExamSlot.starts_at >= begin) & (ExamSlot.starts_at < end)
                      & Application.status.in_(REMINDED_STATUSES)))
    for app in by_slot:
        found[app.id] = (app, app.slot.starts_at, app.slot.venue)
    by_group = (GroupMember.select(GroupMember, ExamGroup, Application, User, Qualification, venue)
                .join(ExamGroup)
                .join(venue, on=(ExamGroup.venue == venue.id))
                .switch(GroupMember).join(Application)
                .join(User, on=(Application.applicant == User.id))
                .switch(Application).join(Qualification)
                .where((ExamGroup.starts_at >= begin) & (ExamGroup.starts_at < end)
                       & Application.status.in_(REMINDED_STATUSES)))
    for member in by_group:
        found[member.application.id] = (member.application, member.group.starts_at, member.group.venue)
    return found


def _already_reminded(ids: list[int], day: dt.date) -> set[int]:
    rows = (AuditRecord.select(AuditRecord.entity_id, AuditRecord.data)
            .where((AuditRecord.action == REMINDER_ACTION) & (AuditRecord.entity == "application")
                   & AuditRecord.entity_id.in_([str(i) for i in ids])))
    return {int(row.entity_id) for row in rows if json.loads(row.data).get("exam_date") == day.isoformat()}


def _letter(application: Application, starts_at: dt.datetime, venue: Organisation) -> tuple[str, str]:
    address = venue.actual_address or venue.legal_address or "адрес уточните в ЦОК"
    bring = ["паспорт;", "логин и пароль от личного кабинета соискателя НОК-Платформы;",
             "заверенную копию трудовой книжки на бумажном носителе;"]
    if application.practical_form == FORM_PORTFOLIO:
        bring.append("портфолио на бумажном носителе;")
    items = "\n".join(f"{n}. {text}" for n, text in enumerate(bring, 1))
    number = application.number or f"№ {application.id}"
    body = (f"Здравствуйте, {application.applicant.full_name}!\n\n"
            f"Напоминаем: завтра, {starts_at:%d.%m.%Y} в {starts_at:%H:%M}, — профессиональный экзамен "
            f"по квалификации «{application.qualification.title}» (заявление {number}).\n\n"
            f"Место проведения: {venue.full_name}, {address}.\n\n"
            f"При себе иметь:\n{items}\n\n"
            "Приходите заранее: к экзамену допускают по документу, удостоверяющему личность.")
    return f"Экзамен завтра, {starts_at:%d.%m.%Y} в {starts_at:%H:%M}", body


def queue_exam_reminders(today: dt.date) -> int:
    """Queue the letter to every applicant whose exam is tomorrow and who has not had it; return how many."""
    tomorrow = today + dt.timedelta(days=1)
    exams = _exams_on(tomorrow)
    if not exams:
        return 0
    done = _already_reminded(list(exams), tomorrow)
    queued = 0
    with write_transaction():
        for app_id, (application, starts_at, venue) in sorted(exams.items()):
            if app_id in done:
                continue
            subject, body = _letter(application, starts_at, venue)
            queue_mail(application.applicant.email, subject, body)
            audit.record(REMINDER_ACTION, "application", app_id,
                         {"exam_date": tomorrow.isoformat(), "recipient": application.applicant.email})
            queued += 1
    return queued
