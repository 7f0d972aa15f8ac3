"""What a ЦОК offers: qualifications with their КОС state, prices, and the venues' exam schedule.

Seed 002: the ЦОК sets «Стоимость экзамена» per qualification and sees «Статус КОС»; a
venue keeps «дни и время проведения экзаменов». A ЦОК offers only qualifications of its
own СПК; a venue schedules only what its ЦОК offers; a ЦОК edits its venues' schedules,
never another ЦОК's. A time an applicant already chose cannot be removed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import peewee

from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (Application, ExamSlot, Organisation, OrgKind, Price, Qualification, QualificationOffer,
                         User)
from core.services.applicant_profile import parse_date  # noqa: F401  (exam groups and schedule use it from here)
from core.services.scheduling import RELEASED_STATUSES, SlotView
from core.workflow import FINAL_STATUSES, Status

MAX_AMOUNT = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
MAX_SEATS = 500
MAX_SLOTS_AT_ONCE = 500
MAX_RANGE_DAYS = 366
WEEKDAY_TITLES = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_AMOUNT = re.compile(r"(-?)([0-9]+)(?:[.,]([0-9]+))?")
_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])")
# Applications still in play: a slot they chose must stay, a qualification they seek must stay offered.
_CLOSED = [s.value for s in FINAL_STATUSES | {Status.DRAFT}]


# --- parsing form values ------------------------------------------------------------------------

def parse_amount(value: str | Decimal, field: str = "amount") -> Decimal:
    """Rubles with kopecks as Russians type them: «15 000,50», «15000.5», «15 000 ₽»."""
    if isinstance(value, Decimal):
        text = str(value)
    else:
        text = _SPACES.sub("", str(value or "")).removesuffix("₽").removesuffix("руб.").removesuffix("руб")
    if not text:
        raise ValidationError("Укажите стоимость экзамена в рублях, например 15 000,50.", field=field)
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise ValidationError("Стоимость указывается числом в рублях, копейки — через запятую: 15 000,50.",
                              field=field)
    if match.group(1):
        raise ValidationError("Стоимость не может быть отрицательной.", field=field)
    kopecks = match.group(3) or ""
    if len(kopecks) > 2:
        raise ValidationError("После запятой — не более двух цифр (копейки).", field=field)
    try:
        amount = Decimal(f"{match.group(2)}.{kopecks or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError("Стоимость указана неверно.", field=field) from None
    if amount > MAX_AMOUNT:
        raise ValidationError("Стоимость слишком большая.", field=field)
    return amount


def parse_times(value: str, field: str = "times") -> list[dt.time]:
    """Start times «09:00, 14:30» (commas or spaces between them), sorted, without repeats."""
    parts = [p for p in re.split(r"[,;\s]+", (value or "").strip()) if p]
    if not parts:
        raise ValidationError("Укажите время начала экзамена, например 09:00 или 09:00, 14:00.", field=field)
    times = set()
    for part in parts:
        match = _TIME.fullmatch(part)
        if not match:
            raise ValidationError(f"Время «{part}» указано неверно: ожидается ЧЧ:ММ, например 09:00.", field=field)
        times.add(dt.time(int(match.group(1)), int(match.group(2))))
    return sorted(times)


def parse_seats(value: str | int, field: str = "seats") -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_SEATS:
        raise ValidationError(f"Число мест — целое число от 1 до {MAX_SEATS}.", field=field)
    return int(text)


# --- who may do what ----------------------------------------------------------------------------

def _staff_of(actor: User, organisation_id: int) -> bool:
    return actor.is_staff and actor.is_active and actor.organisation_id == organisation_id


def centre_of(organisation: Organisation) -> int | None:
    """Id of the ЦОК whose offers apply: the ЦОК itself, or a venue's parent ЦОК."""
    if organisation.kind == OrgKind.COK.value:
        return organisation.id
    if organisation.kind == OrgKind.VENUE.value:
        return organisation.parent_id
    return None


def _require_cok(actor: User, cok: Organisation) -> None:
    if cok.kind != OrgKind.COK.value or not _staff_of(actor, cok.id):
        raise PermissionDeniedError("Квалификации и стоимость экзаменов изменяет только сотрудник ЦОК.")


def _offered(cok_id: int, qualification: Qualification) -> bool:
    return QualificationOffer.select().where((QualificationOffer.cok == cok_id)
                                             & (QualificationOffer.qualification == qualification)).exists()


# --- qualifications and prices ------------------------------------------------------------------

@dataclass(frozen=True)
class OfferRow:
    """One line of «Квалификации»: the offer, its qualification and its price (if set)."""

    offer: QualificationOffer
    qualification: Qualification
    price: Decimal | None

    @property
    def kos_loaded(self) -> bool:
        return self.offer.kos_loaded_at is not None


def list_offers(organisation: Organisation) -> list[OfferRow]:
    """The qualifications the ЦОК (or a venue's ЦОК) offers, with prices, in one query."""
    cok_id = centre_of(organisation)
    query = (QualificationOffer.select(QualificationOffer, Qualification, Price)
             .join(Qualification).switch(QualificationOffer)
             .join(Price, peewee.JOIN.LEFT_OUTER, attr="price_row",
                   on=(Price.qualification == QualificationOffer.qualification) & (Price.cok == QualificationOffer.cok))
             .where(QualificationOffer.cok == cok_id)
             .order_by(Qualification.code))
    return [OfferRow(offer, offer.qualification, offer.price_row.amount if offer.price_row else None)
            for offer in query]


def available_qualifications(cok: Organisation) -> list[Qualification]:
    """Active qualifications of the ЦОК's СПК that it does not offer yet (the «Добавить» list)."""
    offered = QualificationOffer.select(QualificationOffer.qualification).where(QualificationOffer.cok == cok.id)
    return list(Qualification.select().where((Qualification.spk == cok.parent_id) & Qualification.is_active
                                             & Qualification.id.not_in(offered)).order_by(Qualification.code))


def offered_qualification(organisation: Organisation, qualification_id: int | str | None,
                          field: str = "qualification") -> Qualification:
    """The qualification with this id if the organisation's ЦОК offers it, else a field error."""
    try:
        qid = int(qualification_id or 0)
    except (TypeError, ValueError):
        qid = 0
    found = (Qualification.select().join(QualificationOffer)
             .where((Qualification.id == qid) & (QualificationOffer.cok == centre_of(organisation))).first())
    if found is None:
        raise ValidationError("Выберите квалификацию из списка квалификаций ЦОК.", field=field)
    return found


def offer_qualification(actor: User, cok: Organisation, qualification: Qualification) -> QualificationOffer:
    """Add a qualification of the ЦОК's СПК to what the ЦОК assesses (КОС not loaded yet)."""
    _require_cok(actor, cok)
    if qualification.spk_id != cok.parent_id or not qualification.is_active:
        raise ValidationError("Можно добавить только действующую квалификацию вашего СПК.", field="qualification")
    with write_transaction():
        if _offered(cok.id, qualification):
            raise ValidationError("Эта квалификация уже есть в списке ЦОК.", field="qualification")
        return QualificationOffer.create(cok=cok, qualification=qualification)


def withdraw_qualification(actor: User, cok: Organisation, qualification: Qualification) -> None:
    """Stop offering a qualification; refused while applications for it are in progress.

    Its future exam times nobody chose go with it; the price stays for a later return.
    """
    _require_cok(actor, cok)
    with write_transaction():
        offer = QualificationOffer.get_or_none((QualificationOffer.cok == cok.id)
                                               & (QualificationOffer.qualification == qualification))
        if offer is None:
            raise NotFoundError("Квалификация не найдена в списке ЦОК.")
        busy = Application.select().where((Application.cok == cok.id) & (Application.qualification == qualification)
                                          & Application.status.not_in(_CLOSED)).count()
        if busy:
            raise ValidationError(f"Нельзя убрать квалификацию: по ней есть заявления в работе ({busy}).",
                                  field="qualification")
        venues = Organisation.select(Organisation.id).where(Organisation.parent == cok.id)
        chosen = Application.select(Application.slot).where(Application.slot.is_null(False))
        for slot in ExamSlot.select().where(ExamSlot.venue.in_(venues) & (ExamSlot.qualification == qualification)
                                            & ExamSlot.id.not_in(chosen)):
            slot.delete_instance()
        offer.delete_instance()


def set_price(actor: User, cok: Organisation, qualification: Qualification, amount: str | Decimal) -> Price:
    """Set «Стоимость экзамена» of an offered qualification (rubles with kopecks, ≥ 0)."""
    _require_cok(actor, cok)
    value = parse_amount(amount)
    with write_transaction():
        if not _offered(cok.id, qualification):
            raise NotFoundError("Квалификация не найдена в списке ЦОК.")
        price = Price.get_or_none((Price.cok == cok.id) & (Price.qualification == qualification))
        if price is None:
            return Price.create(cok=cok, qualification=qualification, amount=value)
        if Decimal(price.amount) != value:
            price.amount = value
            price.save()
        return price


# --- the schedule -------------------------------------------------------------------------------

def schedule_venues(actor: User) -> list[Organisation]:
    """Venues whose schedule the actor edits: a venue its own; a ЦОК all its active venues."""
    if not actor.is_staff or not actor.organisation_id:
        return []
    org = actor.organisation
    if org.kind == OrgKind.VENUE.value:
        return [org]
    if org.kind == OrgKind.COK.value:
        return list(Organisation.select().where((Organisation.parent == org.id) & (Organisation.kind == OrgKind.VENUE.value)
                                                & Organisation.is_active).order_by(Organisation.short_name))
    return []


def _venue_ids(actor: User) -> set[int]:
    return {v.id for v in schedule_venues(actor)}


def schedule_venue(actor: User, venue_id: int | str | None) -> Organisation:
    """The venue with this id if the actor schedules it; others look «not found»."""
    try:
        vid = int(venue_id or 0)
    except (TypeError, ValueError):
        vid = 0
    for venue in schedule_venues(actor):
        if venue.id == vid:
            return venue
    raise ValidationError("Выберите площадку из списка.", field="venue")


def get_slot(actor: User, slot_id: int) -> ExamSlot:
    slot = ExamSlot.get_or_none(ExamSlot.id == slot_id)
    if slot is None or slot.venue_id not in _venue_ids(actor):
        raise NotFoundError("Время экзамена не найдено.")
    return slot


def _check_slot_args(actor: User, venue: Organisation, qualification: Qualification, seats: int) -> None:
    if venue.id not in _venue_ids(actor):
        raise NotFoundError("Площадка не найдена.")
    if not _offered(venue.parent_id, qualification):
        raise ValidationError("ЦОК не проводит экзамены по этой квалификации.", field="qualification")
    parse_seats(seats)


def add_slot(actor: User, venue: Organisation, qualification: Qualification, starts_at: dt.datetime,
             seats: int) -> ExamSlot:
    """Add one exam time at a venue; refused in the past or when the same time already exists."""
    _check_slot_args(actor, venue, qualification, seats)
    if starts_at.date() < dt.date.today():
        raise ValidationError("Нельзя назначить экзамен на прошедшую дату.", field="date_from")
    with write_transaction():
        if ExamSlot.select().where((ExamSlot.venue == venue) & (ExamSlot.qualification == qualification)
                                   & (ExamSlot.starts_at == starts_at)).exists():
            raise ValidationError("Это время экзамена уже есть в расписании.", field="times")
        return ExamSlot.create(venue=venue, qualification=qualification, starts_at=starts_at, seats=seats)


@dataclass(frozen=True)
class SlotBatch:
    created: int
    skipped: int  # already in the schedule


def add_slots(actor: User, venue: Organisation, qualification: Qualification, date_from: dt.date,
              date_to: dt.date, weekdays: set[int], times: list[dt.time], seats: int) -> SlotBatch:
    """Add every time × every chosen weekday (0 = Monday) between two dates; existing ones stay.

    One form fills a term's schedule: «с 01.03 по 31.05, Пн и Ср, 09:00 и 14:00, 10 мест».
    """
    _check_slot_args(actor, venue, qualification, seats)
    if date_from < dt.date.today():
        raise ValidationError("Нельзя назначить экзамен на прошедшую дату.", field="date_from")
    if date_to < date_from:
        raise ValidationError("Дата окончания раньше даты начала.", field="date_to")
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise ValidationError("Период — не более одного года.", field="date_to")
    if not weekdays or not weekdays <= set(range(7)):
        raise ValidationError("Отметьте хотя бы один день недели.", field="weekdays")
    if not times:
        raise ValidationError("Укажите время начала экзамена.", field="times")
    wanted = [dt.datetime.combine(date_from + dt.timedelta(days=n), t)
              for n in range((date_to - date_from).days + 1)
              if (date_from + dt.timedelta(days=n)).weekday() in weekdays for t in times]
    if not wanted:
        raise ValidationError("В выбранном периоде нет отмеченных дней недели.", field="weekdays")
    if len(wanted) > MAX_SLOTS_AT_ONCE:
        raise ValidationError(f"Слишком много экзаменов за раз ({len(wanted)}); не более {MAX_SLOTS_AT_ONCE}.",
                              field="date_to")
    with write_transaction():
        existing = {s.starts_at for s in ExamSlot.select(ExamSlot.starts_at).where(
            (ExamSlot.venue == venue) & (ExamSlot.qualification == qualification)
            & ExamSlot.starts_at.between(wanted[0], wanted[-1]))}
        fresh = [when for when in wanted if when not in existing]
        for when in fresh:
            ExamSlot.create(venue=venue, qualification=qualification, starts_at=when, seats=seats)
    return SlotBatch(created=len(fresh), skipped=len(wanted) - len(fresh))


def remove_slot(actor: User, slot: ExamSlot) -> None:
    """Remove an exam time nobody chose; refused once an applicant picked it."""
    if slot.venue_id not in _venue_ids(actor):
        raise NotFoundError("Время экзамена не найдено.")
    with write_transaction():
        taken = Application.select().where((Application.slot == slot.id)
                                           & Application.status.not_in(RELEASED_STATUSES)).count()
        if taken:
            raise ValidationError(f"Нельзя удалить время экзамена: его уже выбрали соискатели ({taken}).")
        slot.delete_instance()


def list_slots(venue: Organisation | list[Organisation], start: dt.date, days: int = 7) -> list[SlotView]:
    """Exam times of one venue (or several) from `start` for `days` days, with taken seats: one query."""
    venues = venue if isinstance(venue, list) else [venue]
    since = dt.datetime.combine(start, dt.time())
    until = since + dt.timedelta(days=days)
    taken = peewee.fn.COUNT(Application.id).alias("taken")
    query = (ExamSlot.select(ExamSlot, Qualification, Organisation, taken)
             .join(Qualification).switch(ExamSlot).join(Organisation)
             .switch(ExamSlot)
             .join(Application, peewee.JOIN.LEFT_OUTER,
                   on=(Application.slot == ExamSlot.id) & Application.status.not_in(RELEASED_STATUSES))
             .where(ExamSlot.venue.in_([v.id for v in venues]) & (ExamSlot.starts_at >= since)
                    & (ExamSlot.starts_at < until))
             .group_by(ExamSlot.id, Qualification.id, Organisation.id)
             .order_by(ExamSlot.starts_at, Organisation.short_name, Qualification.code))
    return [SlotView(slot, slot.taken, slot.seats) for slot in query]
