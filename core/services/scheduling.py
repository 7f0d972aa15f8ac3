"""Запись на экзамен: the venue's free times for a qualification and the applicant's choice of one.

The calendar shows «09:00 (3/5)» — taken/seats — as employers and applicants know it (seeds
003, 004). Seats taken are counted from applications holding the slot, in one grouped query,
and the choice re-counts them under the write lock so two people never get the last seat.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee

from core.db import database, is_sqlite, write_transaction
from core.exceptions import PermissionDeniedError, ValidationError
from core.models import Application, ExamSlot, Organisation, Qualification, User
from core.services.applications import change_status
from core.workflow import ActorKind, Status

if TYPE_CHECKING:
    from core.plugins import PluginHost

# An application holds its slot's seat in every status but these (the date is released or dropped).
RELEASED_STATUSES = (Status.WITHDRAWN.value, Status.PAID_DATE_AGREEMENT.value)


def local_now() -> dt.datetime:
    """Slot times are the venue's wall-clock time (the appliance stands at the venue), not UTC."""
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class SlotView:
    """One exam time with the seats taken, for the calendar."""

    slot: ExamSlot
    taken: int
    seats: int

    @property
    def free(self) -> bool:
        return self.taken < self.seats

    @property
    def label(self) -> str:
        return f"{self.slot.starts_at:%H:%M} ({self.taken}/{self.seats})"


def _holding(slot_ids=None) -> peewee.Expression:
    condition = Application.status.not_in(RELEASED_STATUSES)
    return condition if slot_ids is None else condition & (Application.slot.in_(slot_ids))


def free_slots(venue: Organisation, qualification: Qualification, *, start: dt.date,
               days: int = 60) -> list[SlotView]:
    """Every slot of the venue for the qualification from `start` for `days` days, with seats taken.

    Full slots are included (the calendar shows them disabled); `SlotView.free` tells them apart.
    """
    begin = dt.datetime.combine(start, dt.time.min)
    taken = peewee.fn.COUNT(Application.id)
    query = (ExamSlot.select(ExamSlot, taken.alias("taken"))
             .join(Application, peewee.JOIN.LEFT_OUTER,
                   on=((Application.slot == ExamSlot.id) & _holding()))
             .where((ExamSlot.venue == venue) & (ExamSlot.qualification == qualification)
                    & (ExamSlot.starts_at >= max(begin, local_now()))
                    & (ExamSlot.starts_at < begin + dt.timedelta(days=days)))
             .group_by(ExamSlot.id)
             .order_by(ExamSlot.starts_at))
    return [SlotView(slot, slot.taken, slot.seats) for slot in query]


def _check_actor(actor_kind: ActorKind, actor: User | None, application: Application) -> None:
    if actor_kind is ActorKind.APPLICANT and (actor is None or application.applicant_id != actor.id):
        raise PermissionDeniedError("Выбрать дату может только сам соискатель.")
    if actor_kind is ActorKind.EMPLOYER and (actor is None or application.employer_id != actor.organisation_id):
        raise PermissionDeniedError("Выбрать дату может только работодатель, оплачивающий экзамен.")


def _locked_slot(slot_id: int) -> ExamSlot | None:
    """Read the slot inside the write transaction; PostgreSQL locks its row until the commit."""
    query = ExamSlot.select().where(ExamSlot.id == slot_id)
    if not is_sqlite(database.obj):
        query = query.for_update()
    return query.first()


def when_text(moment: dt.datetime) -> str:
    return f"{moment:%d.%m.%Y} в {moment:%H:%M}"


def choose_slot(actor_kind: ActorKind, actor: User | None, application: Application, slot: ExamSlot,
                plugins: "PluginHost") -> Application:
    """Take a seat in `slot` and move the application to «Оплачено. Подтверждение даты».

    Refuses (Russian `ValidationError`) a slot of another venue or qualification, a past one
    and a full one; the count happens under the write lock, so the last seat goes to one person.
    """
    _check_actor(actor_kind, actor, application)
    with write_transaction():
        current = Application.get_by_id(application.id)
        if Status(current.status) is not Status.PAID_DATE_AGREEMENT:
            raise ValidationError("Дату экзамена выбирают после оплаты, в статусе «Оплачено. Согласование даты».",
                                  field="slot")
        locked = _locked_slot(slot.id)
        if locked is None or locked.venue_id != current.venue_id or locked.qualification_id != current.qualification_id:
            raise ValidationError("Это время относится к другой площадке или квалификации.", field="slot")
        if locked.starts_at <= local_now():
            raise ValidationError("Это время уже прошло: выберите другое.", field="slot")
        taken = (Application.select().where(_holding([locked.id]) & (Application.id != current.id)).count())
        if taken >= locked.seats:
            raise ValidationError(f"На {when_text(locked.starts_at)} свободных мест нет: выберите другое время.",
                                  field="slot")
        current.slot = locked
        current.save()
        change_status(current, Status.PAID_DATE_CONFIRMATION, actor_kind, actor, plugins,
                      comment=f"Выбрана дата экзамена: {when_text(locked.starts_at)}")
    return current


def release_slot(actor_kind: ActorKind, actor: User | None, application: Application,
                 plugins: "PluginHost") -> Application:
    """«Изменить дату»: give the seat back and return to «Оплачено. Согласование даты»."""
    _check_actor(actor_kind, actor, application)
    with write_transaction():
        current = Application.get_by_id(application.id)
        change_status(current, Status.PAID_DATE_AGREEMENT, actor_kind, actor, plugins,
                      comment="Соискатель выбирает другую дату")
        current.slot = None
        current.save()
    return current
