"""Запись на экзамен: seats counted in one grouped query, the last seat goes to one person, on both databases."""
import datetime as dt

import pytest

from core.exceptions import PermissionDeniedError, ValidationError
from core.models import Application, ApplicationStatusChange, ExamSlot, OrgKind, ProfStandard, Qualification, Role
from core.plugins import PluginHost
from core.services.scheduling import choose_slot, free_slots, release_slot
from core.testing import count_queries
from core.workflow import ActorKind, Status

AGREEMENT, CONFIRMATION = Status.PAID_DATE_AGREEMENT, Status.PAID_DATE_CONFIRMATION
PLUGINS = PluginHost.with_plugins({})
TOMORROW = dt.date.today() + dt.timedelta(days=1)


class World:
    def __init__(self, factory):
        self.factory = factory
        spk = factory.org(OrgKind.SPK)
        self.cok = factory.org(OrgKind.COK, parent=spk)
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok)
        self.other_venue = factory.org(OrgKind.VENUE, parent=self.cok)
        standard = ProfStandard.create(code="40.115", name="Сварщик")
        self.qual = Qualification.create(spk=spk, prof_standard=standard, code="40.11500.03", name="Сварщик", level=3)
        self.other_qual = Qualification.create(spk=spk, prof_standard=standard, code="40.11500.04",
                                               name="Сварщик-оператор", level=4)
        self.count = 0

    def slot(self, day=TOMORROW, hour=9, seats=2, venue=None, qual=None):
        return ExamSlot.create(venue=venue or self.venue, qualification=qual or self.qual,
                               starts_at=dt.datetime.combine(day, dt.time(hour)), seats=seats)

    def application(self, status=AGREEMENT, slot=None):
        self.count += 1
        user = self.factory.user(Role.APPLICANT, email=f"person{self.count}@mail.ru")
        return Application.create(applicant=user, cok=self.cok, venue=self.venue, qualification=self.qual,
                                  status=status.value, number=f"З-2026-{self.count:06d}", slot=slot)


@pytest.fixture
def world(db, factory):
    return World(factory)


def test_free_slots_count_seats_in_one_query(world, db):
    morning, noon = world.slot(hour=9, seats=2), world.slot(hour=12, seats=1)
    world.slot(hour=10, venue=world.other_venue)
    world.slot(hour=11, qual=world.other_qual)
    world.slot(day=TOMORROW + dt.timedelta(days=61))
    world.slot(day=TOMORROW - dt.timedelta(days=2))
    world.application(CONFIRMATION, slot=morning)
    world.application(Status.EXAM_SCHEDULED, slot=noon)
    world.application(Status.WITHDRAWN, slot=morning)
    world.application(AGREEMENT, slot=morning)  # released its date: does not hold a seat
    with count_queries(db) as queries:
        views = free_slots(world.venue, world.qual, start=TOMORROW)
    assert len(queries) == 1
    assert [(v.slot.id, v.taken, v.seats, v.free) for v in views] == [(morning.id, 1, 2, True), (noon.id, 1, 1, False)]
    assert views[0].label == "09:00 (1/2)" and views[1].label == "12:00 (1/1)"
    assert free_slots(world.venue, world.qual, start=TOMORROW, days=0) == []


def test_choose_slot_takes_a_seat_and_moves_the_status(world):
    slot = world.slot(seats=1)
    application = world.application()
    choose_slot(ActorKind.APPLICANT, application.applicant, application, slot, PLUGINS)
    stored = Application.get_by_id(application.id)
    assert stored.status == CONFIRMATION.value and stored.slot_id == slot.id
    change = ApplicationStatusChange.get(ApplicationStatusChange.application == application)
    assert "Выбрана дата экзамена" in change.comment
    late = world.application()
    with pytest.raises(ValidationError, match="свободных мест нет"):
        choose_slot(ActorKind.APPLICANT, late.applicant, late, slot, PLUGINS)
    assert Application.get_by_id(late.id).slot_id is None
    release_slot(ActorKind.APPLICANT, application.applicant, stored, PLUGINS)
    assert Application.get_by_id(application.id).slot_id is None
    choose_slot(ActorKind.APPLICANT, late.applicant, late, slot, PLUGINS)
    assert Application.get_by_id(late.id).status == CONFIRMATION.value


def test_choose_slot_refusals(world):
    application = world.application()
    with pytest.raises(ValidationError, match="другой площадке"):
        choose_slot(ActorKind.APPLICANT, application.applicant, application, world.slot(venue=world.other_venue),
                    PLUGINS)
    with pytest.raises(ValidationError, match="другой площадке или квалификации"):
        choose_slot(ActorKind.APPLICANT, application.applicant, application, world.slot(qual=world.other_qual),
                    PLUGINS)
    past = ExamSlot.create(venue=world.venue, qualification=world.qual, seats=5,
                           starts_at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="уже прошло"):
        choose_slot(ActorKind.APPLICANT, application.applicant, application, past, PLUGINS)
    unpaid = world.application(Status.AWAITING_PAYMENT)
    with pytest.raises(ValidationError, match="после оплаты"):
        choose_slot(ActorKind.APPLICANT, unpaid.applicant, unpaid, world.slot(), PLUGINS)
    stranger = world.application().applicant
    with pytest.raises(PermissionDeniedError):
        choose_slot(ActorKind.APPLICANT, stranger, application, world.slot(hour=15), PLUGINS)
    with pytest.raises(PermissionDeniedError):
        choose_slot(ActorKind.EMPLOYER, world.factory.user(Role.ADMIN, world.factory.org(OrgKind.EMPLOYER)),
                    application, world.slot(hour=16), PLUGINS)
    assert Application.get_by_id(application.id).status == AGREEMENT.value
