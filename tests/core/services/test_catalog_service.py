"""Offers, prices and the schedule: the rules of `core.services.catalog`."""
import datetime as dt
from decimal import Decimal

import pytest

from centre_services_world import ServicesWorld
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import ExamSlot, Price, QualificationOffer
from core.services import catalog as svc
from core.workflow import Status

MONDAY = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())


@pytest.fixture
def world(sqlcipher_db, factory):
    return ServicesWorld(factory)


@pytest.mark.parametrize(("typed", "expected"), [
    ("15 000,50", "15000.50"), ("15\u00a0000.5", "15000.50"), ("0", "0.00"), ("12 500,00 ₽", "12500.00"),
    ("7000 руб.", "7000.00"), (Decimal("99.9"), "99.90"),
])
def test_parse_amount(typed, expected):
    assert svc.parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["", "-1", "1,2,3", "1.005", "абв", "1e5", "10000000000"])
def test_parse_amount_refuses(typed):
    with pytest.raises(ValidationError):
        svc.parse_amount(typed)


def test_parse_times():
    assert svc.parse_times("14:30, 9.00 09:00") == [dt.time(9), dt.time(14, 30)]
    for bad in ("", "24:00", "9", "09:60"):
        with pytest.raises(ValidationError):
            svc.parse_times(bad)


def test_offers_and_prices(world):
    svc.set_price(world.operator, world.cok, world.qual, "9 000")
    svc.set_price(world.admin, world.cok, world.qual, "9 500,50")
    assert [(r.qualification.id, r.price, r.kos_loaded) for r in svc.list_offers(world.cok)] == [
        (world.qual.id, Decimal("9500.50"), False)]
    assert [r.price for r in svc.list_offers(world.venue)] == [Decimal("9500.50")]  # the venue sees its ЦОК's
    assert svc.available_qualifications(world.cok) == [world.qual2]
    with pytest.raises(NotFoundError):
        svc.set_price(world.admin, world.cok, world.qual2, "1")  # not offered
    with pytest.raises(PermissionDeniedError):
        svc.set_price(world.venue_admin, world.venue, world.qual, "1")
    with pytest.raises(PermissionDeniedError):
        svc.set_price(world.other_admin, world.cok, world.qual, "1")
    svc.offer_qualification(world.admin, world.cok, world.qual2)
    with pytest.raises(ValidationError):
        svc.offer_qualification(world.admin, world.cok, world.qual2)
    with pytest.raises(ValidationError):
        svc.offer_qualification(world.far_admin, world.far_cok, world.qual)  # another СПК's qualification
    svc.withdraw_qualification(world.admin, world.cok, world.qual2)
    assert Price.select().count() == 1


def test_withdraw_refused_while_applications_are_in_progress(world):
    world.application(status=Status.AWAITING_PAYMENT)
    with pytest.raises(ValidationError, match="в работе"):
        svc.withdraw_qualification(world.admin, world.cok, world.qual)
    assert QualificationOffer.select().count() == 1


def test_slots_added_listed_and_removed(world):
    batch = svc.add_slots(world.admin, world.venue, world.qual, MONDAY, MONDAY + dt.timedelta(days=13), {0, 3},
                          [dt.time(9), dt.time(13)], 4)
    assert (batch.created, batch.skipped) == (8, 0)
    again = svc.add_slots(world.venue_admin, world.venue, world.qual, MONDAY, MONDAY, {0}, [dt.time(9)], 4)
    assert (again.created, again.skipped) == (0, 1)
    rows = svc.list_slots(world.venue, MONDAY, 7)
    assert [r.slot.starts_at.strftime("%a %H:%M") for r in rows] == ["Mon 09:00", "Mon 13:00", "Thu 09:00", "Thu 13:00"]
    chosen = rows[0].slot
    world.application(status=Status.PAID_DATE_CONFIRMATION, slot=chosen)
    world.application(status=Status.WITHDRAWN, slot=chosen)
    rows = svc.list_slots([world.venue], MONDAY, 7)
    assert (rows[0].taken, rows[0].seats, rows[0].free, rows[1].taken) == (1, 4, True, 0)
    with pytest.raises(ValidationError, match="выбрали соискатели"):
        svc.remove_slot(world.admin, chosen)
    svc.remove_slot(world.venue_admin, rows[1].slot)
    assert ExamSlot.select().count() == 7


def test_slot_rules(world):
    one = svc.add_slot(world.admin, world.venue, world.qual, dt.datetime.combine(MONDAY, dt.time(10)), 3)
    with pytest.raises(ValidationError, match="уже есть"):
        svc.add_slot(world.admin, world.venue, world.qual, one.starts_at, 3)
    with pytest.raises(ValidationError, match="прошедшую"):
        svc.add_slot(world.admin, world.venue, world.qual, dt.datetime(2020, 1, 1, 10), 3)
    with pytest.raises(ValidationError, match="не проводит"):
        svc.add_slot(world.admin, world.venue, world.qual2, one.starts_at, 3)
    with pytest.raises(ValidationError, match="Число мест"):
        svc.add_slot(world.admin, world.venue, world.qual, one.starts_at, 0)
    with pytest.raises(ValidationError, match="не более"):
        svc.add_slots(world.admin, world.venue, world.qual, MONDAY, MONDAY + dt.timedelta(days=300),
                      set(range(7)), [dt.time(h) for h in range(8, 12)], 3)
    for stranger in (world.other_admin, world.far_admin):
        with pytest.raises(NotFoundError):
            svc.get_slot(stranger, one.id)
        with pytest.raises(NotFoundError):
            svc.remove_slot(stranger, one)
        with pytest.raises(NotFoundError):
            svc.add_slot(stranger, world.venue, world.qual, one.starts_at, 3)
    assert [v.id for v in svc.schedule_venues(world.admin)] == [world.venue.id]
    assert [v.id for v in svc.schedule_venues(world.venue_admin)] == [world.venue.id]


def test_list_slots_on_both_backends(db, factory):
    """The grouped count of taken seats is valid SQL for PostgreSQL too (the registry's plan-schedule)."""
    world = ServicesWorld(factory)
    slot = svc.add_slot(world.admin, world.venue, world.qual, dt.datetime.combine(MONDAY, dt.time(10)), 3)
    world.application(status=Status.EXAM_SCHEDULED, slot=slot)
    assert [(r.slot.id, r.taken, r.slot.qualification.code, r.slot.venue.id) for r in
            svc.list_slots(world.venue, MONDAY, 7)] == [(slot.id, 1, "40.05400.01", world.venue.id)]
    assert [r.price for r in svc.list_offers(world.cok)] == [None]
