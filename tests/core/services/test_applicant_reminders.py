"""Письмо за день до экзамена: who gets it, what it says, and that it goes once per exam date."""
import datetime as dt

import pytest

from core.audit import AuditRecord
from core.models import (Application, ExamGroup, ExamSlot, GroupMember, OrgKind, OutgoingMail, ProfStandard,
                         Qualification, Role)
from core.models.applications import FORM_PORTFOLIO
from core.services.reminders import REMINDER_ACTION, queue_exam_reminders
from core.workflow import Status

TODAY = dt.date(2026, 3, 11)
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture
def world(sqlcipher_db, factory):
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    venue = factory.org(OrgKind.VENUE, parent=cok, full_name="ООО «Сириус»",
                        actual_address="г. Москва, Ленинградский пр-т, д. 47, офис 518")
    hall = factory.org(OrgKind.VENUE, parent=cok, full_name="Площадка «Зал 2»", legal_address="г. Тверь, ул. Мира, 1")
    standard = ProfStandard.create(code="40.115", name="Сварщик")
    qual = Qualification.create(spk=spk, prof_standard=standard, code="40.11500.03", name="Сварщик", level=3)
    counter = iter(range(1, 100))

    def application(status, *, at=None, form="practice"):
        n = next(counter)
        user = factory.user(Role.APPLICANT, email=f"person{n}@mail.ru")
        slot = None
        if at is not None:
            slot, _ = ExamSlot.get_or_create(venue=venue, qualification=qual, starts_at=at, defaults={"seats": 5})
        return Application.create(applicant=user, cok=cok, venue=venue, qualification=qual, status=status.value,
                                  number=f"З-2026-{n:06d}", slot=slot, practical_form=form)

    def group_member(application, at):
        group = ExamGroup.create(kind="theory", cok=cok, venue=hall, qualification=qual, starts_at=at, seats=10)
        return GroupMember.create(group=group, application=application)

    return application, group_member


def test_reminders_go_once_to_tomorrows_candidates(world):
    application, group_member = world
    nine = dt.datetime.combine(TOMORROW, dt.time(9, 0))
    chosen = application(Status.PAID_DATE_CONFIRMATION, at=nine, form=FORM_PORTFOLIO)
    scheduled = application(Status.EXAM_SCHEDULED, at=nine)
    application(Status.WITHDRAWN, at=nine)
    application(Status.PAID_DATE_AGREEMENT, at=nine)
    application(Status.EXAM_SCHEDULED, at=nine + dt.timedelta(days=1))
    grouped = application(Status.EXAM_SCHEDULED)
    group_member(grouped, dt.datetime.combine(TOMORROW, dt.time(14, 30)))

    assert queue_exam_reminders(TODAY) == 3
    letters = {m.recipient: m for m in OutgoingMail.select()}
    assert set(letters) == {chosen.applicant.email, scheduled.applicant.email, grouped.applicant.email}
    first = letters[chosen.applicant.email]
    assert first.subject == "Экзамен завтра, 12.03.2026 в 09:00"
    assert "Ленинградский пр-т, д. 47" in first.body and "паспорт" in first.body and chosen.number in first.body
    assert "портфолио на бумажном носителе" in first.body
    assert "портфолио" not in letters[scheduled.applicant.email].body
    assert "14:30" in letters[grouped.applicant.email].body and "г. Тверь" in letters[grouped.applicant.email].body
    assert AuditRecord.select().where(AuditRecord.action == REMINDER_ACTION).count() == 3

    assert queue_exam_reminders(TODAY) == 0, "повторный запуск ничего не отправляет"
    assert OutgoingMail.select().count() == 3


def test_a_moved_exam_date_gets_a_new_letter(world):
    application, _ = world
    moved = application(Status.PAID_DATE_CONFIRMATION, at=dt.datetime.combine(TOMORROW, dt.time(9)))
    assert queue_exam_reminders(TODAY) == 1
    later = TOMORROW + dt.timedelta(days=7)
    ExamSlot.update(starts_at=dt.datetime.combine(later, dt.time(10))).where(ExamSlot.id == moved.slot_id).execute()
    assert queue_exam_reminders(TODAY) == 0
    assert queue_exam_reminders(later - dt.timedelta(days=1)) == 1
    assert OutgoingMail.select().count() == 2


def test_nothing_tomorrow_sends_nothing(world):
    assert queue_exam_reminders(TODAY) == 0
    assert not OutgoingMail.select().exists()
