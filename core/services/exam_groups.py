"""Экзаменационные группы — theory and practice groups of a ЦОК and its venues (seed 002).

A group is one qualification at one venue at one date and time, with a number of seats
and an expert commission of experts certified for that qualification on that date, exactly
one of them the chair. Paid applications join a theory group (status «Экзамен назначен»); on
the day each candidate is admitted by identity document (1204 п. 10) or refused with a reason;
the ЦОК's order (Приказ о проведении НОК) is generated and signed with its facsimile; and
«Начать экзамен» issues each admitted candidate a one-time access code.

A practice group works the same way for candidates whose theory is passed, but joining,
leaving and admission leave the status at «Теория сдана» (`core.services.practice_groups`).

Staff of the ЦОК see all its groups; staff of a venue see the groups held there. Another
organisation's group or member answers «not found». Every status change goes through
`core.services.applications.change_status`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import peewee

from core import audit
from core.db import is_sqlite, write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.documents.exam_order import render_exam_order_pdf
from core.models import (Admission, Application, CommissionMember, ExamGroup, ExamSlot, GroupApplication, GroupMember,
                         Invoice, Organisation, OrgKind, Qualification, Role, User)
from core.models.billing import TERMS_POSTPAYMENT
from core.models.exams import GROUP_KIND_TITLES
from core.models.organisations import _now
from core.services import access_codes, catalog, practice_groups
from core.services.access import get_application, visible_applications
from core.services.applications import change_status
from core.services.experts import experts_valid_for
from core.services.list_filters import within_days
from core.services.practice_groups import is_practice
from core.services.scheduling import local_now
from core.workflow import ActorKind, Status

if TYPE_CHECKING:
    from core.blobstore import BlobStore
    from core.plugins import PluginHost

PAGE_SIZE = 25
SCHEDULABLE = (Status.PAID_DATE_AGREEMENT, Status.PAID_DATE_CONFIRMATION)


class PaymentState:
    """Payment state of a group member, as the group page shows it."""

    PAID = "paid"
    POSTPAYMENT = "postpayment"
    UNPAID = "unpaid"
    TITLES = {PAID: "Оплачено", POSTPAYMENT: "Постоплата", UNPAID: "Не оплачено"}
    CLEARED = frozenset({PAID, POSTPAYMENT})


@dataclass(frozen=True)
class GroupForm:
    """What the group form carries, as typed; the service parses and checks it."""

    date: str
    time: str
    duration_minutes: str
    venue: str
    seats: str
    qualification: str
    expert_ids: tuple[str, ...] = ()
    chair_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupFilter:
    """Filters of the groups list."""

    qualification: int | None = None
    venue: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


# --- who sees what ------------------------------------------------------------------------------

def _staff_org(actor: User) -> Organisation:
    if Role(actor.role) not in (Role.ADMIN, Role.OPERATOR) or not actor.organisation_id:
        raise PermissionDeniedError("Экзаменационные группы доступны сотрудникам ЦОК и площадок.")
    org = actor.organisation
    if org.kind not in (OrgKind.COK.value, OrgKind.VENUE.value):
        raise PermissionDeniedError("Экзаменационные группы доступны сотрудникам ЦОК и площадок.")
    return org


def _visible_clause(actor: User) -> peewee.Expression:
    org = _staff_org(actor)
    return (ExamGroup.cok == org.id) if org.kind == OrgKind.COK.value else (ExamGroup.venue == org.id)


def _kind(kind: str) -> str:
    if kind not in GROUP_KIND_TITLES:
        raise NotFoundError("Раздел не найден.")
    return kind


def get_group(actor: User, kind: str, group_id: int) -> ExamGroup:
    """The group if `actor` may open it (right organisation and section), else `NotFoundError`."""
    group = ExamGroup.select().where((ExamGroup.id == group_id) & (ExamGroup.kind == _kind(kind))
                                     & _visible_clause(actor)).first()
    if group is None:
        raise NotFoundError("Экзаменационная группа не найдена.")
    return group


def get_member(group: ExamGroup, member_id: int) -> GroupMember:
    member = GroupMember.get_or_none((GroupMember.id == member_id) & (GroupMember.group == group.id))
    if member is None:
        raise NotFoundError("Соискатель в группе не найден.")
    member.group = group
    return member


def _check_visible(actor: User, group: ExamGroup) -> ExamGroup:
    return get_group(actor, group.kind, group.id)


def _check_open(actor: User, group: ExamGroup) -> None:
    """Visible and not started (as stored now): the composition, details and order may still change."""
    if _check_visible(actor, group).started_at is not None:
        raise ValidationError("Экзамен уже начат: группу изменить нельзя.")


# --- choices ------------------------------------------------------------------------------------

def venue_choices(actor: User) -> list[Organisation]:
    """The ЦОК's active venues; a venue's staff only their own venue."""
    _staff_org(actor)
    return catalog.schedule_venues(actor)


def qualification_choices(actor: User) -> list[Qualification]:
    """The qualifications the ЦОК assesses (its «Квалификации»)."""
    return [row.qualification for row in catalog.list_offers(_staff_org(actor))]


def expert_choices(qualification: Qualification | None, on: dt.date | None) -> list[User]:
    """Whom the form may offer for the commission (empty until qualification and date are known)."""
    if qualification is None or on is None:
        return []
    return experts_valid_for(qualification, on)


# --- the list -----------------------------------------------------------------------------------

def list_groups(actor: User, kind: str, flt: GroupFilter, page: int = 1) -> tuple[list[ExamGroup], int]:
    """One page of groups (newest date first) with `taken` seats, filtered in the database."""
    clauses = [ExamGroup.kind == _kind(kind), _visible_clause(actor)]
    if flt.qualification:
        clauses.append(ExamGroup.qualification == flt.qualification)
    if flt.venue:
        clauses.append(ExamGroup.venue == flt.venue)
    clauses += within_days(ExamGroup.starts_at, flt.date_from, flt.date_to)
    taken = (GroupMember.select(peewee.fn.COUNT(GroupMember.id)).where(GroupMember.group == ExamGroup.id))
    venue = Organisation.alias()
    query = (ExamGroup.select(ExamGroup, Qualification, venue, taken.alias("taken"))
             .join(Qualification, on=ExamGroup.qualification).switch(ExamGroup)
             .join(venue, on=ExamGroup.venue)
             .where(*clauses).order_by(ExamGroup.starts_at.desc(), ExamGroup.id.desc()))
    total = ExamGroup.select().where(*clauses).count()
    return list(query.paginate(max(page, 1), PAGE_SIZE)), total


# --- creating and editing -----------------------------------------------------------------------

def _read_form(actor: User, form: GroupForm) -> dict:
    day = catalog.parse_date(form.date, "date", "Дата экзамена")
    try:
        at = dt.datetime.strptime((form.time or "").strip(), "%H:%M").time()
    except ValueError:
        raise ValidationError("Укажите время начала экзамена в формате ЧЧ:ММ.", "time") from None
    try:
        duration = int((form.duration_minutes or "").strip())
    except ValueError:
        duration = 0
    if not 10 <= duration <= 720:
        raise ValidationError("Продолжительность экзамена — от 10 до 720 минут.", "duration_minutes")
    _staff_org(actor)
    return {"starts_at": dt.datetime.combine(day, at), "duration_minutes": duration,
            "seats": catalog.parse_seats(form.seats), "venue": catalog.schedule_venue(actor, form.venue),
            "qualification": catalog.offered_qualification(actor.organisation, form.qualification)}


def create_group(actor: User, kind: str, form: GroupForm) -> ExamGroup:
    """«+ Создать новую группу»: the group and its commission, or nothing and a Russian error."""
    values = _read_form(actor, form)
    if values["starts_at"] < local_now():
        raise ValidationError("Дата и время экзамена уже прошли.", "date")
    with write_transaction():
        group = ExamGroup.create(kind=_kind(kind), cok=catalog.centre_of(actor.organisation), **values)
        set_commission(actor, group, form.expert_ids, form.chair_ids)
    return group


def update_group(actor: User, group: ExamGroup, form: GroupForm) -> ExamGroup:
    """Save the edited group; seats never below its members, venue and qualification fixed once filled."""
    _check_open(actor, group)
    values = _read_form(actor, form)
    taken = GroupMember.select().where(GroupMember.group == group.id).count()
    if values["seats"] < taken:
        raise ValidationError(f"В группе уже {taken} соискател(ей): мест не может быть меньше.", "seats")
    if taken and (values["venue"].id != group.venue_id or values["qualification"].id != group.qualification_id):
        raise ValidationError("Пока в группе есть соискатели, площадку и квалификацию изменить нельзя.",
                              "qualification")
    before = _details(group)
    with write_transaction():
        for name, value in values.items():
            setattr(group, name, value)
        changed = _details(group) != before
        group.save()
        if set_commission(actor, group, form.expert_ids, form.chair_ids) or changed:
            _invalidate_order(group)
    return group


def _details(group: ExamGroup) -> tuple:
    return group.starts_at, group.duration_minutes, group.venue_id, group.qualification_id


def _ids(values: Iterable | int | str | None, field: str, message: str) -> list[int]:
    if values is None or isinstance(values, (int, str)):
        values = [] if values in (None, "") else [values]
    out: list[int] = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(message, field) from None
        if number not in out:
            out.append(number)
    return out


def set_commission(actor: User, group: ExamGroup, expert_ids: Iterable, chair_id) -> bool:
    """Make the commission exactly `expert_ids` with `chair_id` the chair; True if it changed.

    Only experts certified for the group's qualification on its date qualify (seed 002:
    «активное свидетельство по данной квалификации»). `chair_id` may come as several
    values from a tampered form: more than one chair is refused, as is none.
    """
    _check_open(actor, group)
    ids = _ids(expert_ids, "experts", "Эксперт выбран неверно.")
    chairs = _ids(chair_id, "chair", "Председатель комиссии выбран неверно.")
    if not ids:
        raise ValidationError("Выберите хотя бы одного эксперта в экспертную комиссию.", "experts")
    if not chairs:
        raise ValidationError("Назначьте председателя экспертной комиссии.", "chair")
    if len(chairs) > 1:
        raise ValidationError("Председатель экспертной комиссии может быть только один.", "chair")
    if chairs[0] not in ids:
        raise ValidationError("Председатель должен входить в состав экспертной комиссии.", "chair")
    on = group.starts_at.date()
    valid = {u.id for u in experts_valid_for(group.qualification, on)}
    invalid = [i for i in ids if i not in valid]
    if invalid:
        names = ", ".join(u.full_name for u in User.select(User.full_name).where(User.id.in_(invalid))) or "выбранные"
        raise ValidationError(f"Эксперты без действующего на {on:%d.%m.%Y} свидетельства эксперта по квалификации "
                              f"«{group.qualification.title}»: {names}.", "experts")
    changed = False
    with write_transaction():
        current = {m.expert_id: m for m in CommissionMember.select().where(CommissionMember.group == group.id)}
        for expert_id, member in current.items():
            if expert_id not in ids:
                member.delete_instance()
                changed = True
        for expert_id in ids:
            member = current.get(expert_id) or CommissionMember(group=group, expert=expert_id)
            if member.id is None or member.is_chair != (expert_id == chairs[0]):
                member.is_chair = expert_id == chairs[0]
                member.save()
                changed = True
    return changed


def commission_of(group: ExamGroup) -> list[CommissionMember]:
    """The commission, chair first, with the experts loaded in the same query."""
    return list(CommissionMember.select(CommissionMember, User).join(User, on=CommissionMember.expert)
                .where(CommissionMember.group == group.id)
                .order_by(CommissionMember.is_chair.desc(), User.full_name))


# --- members ------------------------------------------------------------------------------------

def members_of(group: ExamGroup) -> list[GroupMember]:
    """The members with their applications and applicants (one query), by ФИО.

    Members of a practice group also carry `practice` (`PracticeProgress`) for the group page.
    """
    members = list(GroupMember.select(GroupMember, Application, User).join(Application)
                   .join(User, on=Application.applicant).where(GroupMember.group == group.id)
                   .order_by(Application.full_name, GroupMember.id))
    if is_practice(group):
        practice_groups.attach_progress(group, members)
    return members


def payment_states(applications: Iterable[Application]) -> dict[int, str]:
    """`PaymentState.*` per application id: a paid invoice, else postpayment terms, else unpaid.

    An employer's group application pays for all its applications; two queries whatever
    the number of applications.
    """
    apps = list(applications)
    group_apps = {a.group_application_id for a in apps if a.group_application_id}
    invoices = list(Invoice.select(Invoice.application, Invoice.group_application, Invoice.paid_at,
                                   Invoice.payment_terms)
                    .where(Invoice.cancelled_at.is_null()
                           & (Invoice.application.in_([a.id for a in apps])
                              | Invoice.group_application.in_(list(group_apps)))))
    postpaid_groups = {g.id for g in GroupApplication.select(GroupApplication.id).where(
        GroupApplication.id.in_(list(group_apps)) & (GroupApplication.payment_terms == TERMS_POSTPAYMENT))}
    states = {}
    for app in apps:
        own = [i for i in invoices if i.application_id == app.id
               or (app.group_application_id and i.group_application_id == app.group_application_id)]
        if any(i.paid_at for i in own):
            states[app.id] = PaymentState.PAID
        elif any(i.payment_terms == TERMS_POSTPAYMENT for i in own) or app.group_application_id in postpaid_groups:
            states[app.id] = PaymentState.POSTPAYMENT
        else:
            states[app.id] = PaymentState.UNPAID
    return states


def eligible_applications(actor: User, group: ExamGroup, page: int = 1,
                          name: str = "") -> tuple[list[Application], int]:
    """Applications that fit the group, paginated: paid ones waiting for a date (those who chose
    its date first) for theory; theory passed and in no other practice group for practice."""
    _check_visible(actor, group)
    day = dt.datetime.combine(group.starts_at.date(), dt.time.min)
    chose_day = peewee.Case(None, [((ExamSlot.starts_at >= day) & (ExamSlot.starts_at < day + dt.timedelta(days=1)),
                                    0)], 1)
    clauses = [Application.cok == group.cok_id, Application.venue == group.venue_id,
               Application.qualification == group.qualification_id]
    if is_practice(group):
        clauses += practice_groups.eligible_clauses(group)
    else:
        clauses.append(Application.status.in_([s.value for s in SCHEDULABLE]))
    if name.strip():
        clauses.append(Application.full_name.contains(name.strip()))
    base = visible_applications(actor).where(*clauses)
    query = (base.select(Application, ExamSlot, User).join(ExamSlot, peewee.JOIN.LEFT_OUTER, on=Application.slot)
             .switch(Application).join(User, on=Application.applicant)
             .order_by(chose_day, Application.submitted_at, Application.id))
    return list(query.paginate(max(page, 1), PAGE_SIZE)), base.count()


def eligible_groups(actor: User, kind: str, application: Application) -> list[ExamGroup]:
    """Open groups an application may join (for «Группа» → «Изменить» in the queue), soonest first."""
    venue = Organisation.alias()
    return list(ExamGroup.select(ExamGroup, venue).join(venue, on=ExamGroup.venue).where(
        (ExamGroup.kind == _kind(kind)) & _visible_clause(actor) & ExamGroup.started_at.is_null()
        & (ExamGroup.cok == application.cok_id) & (ExamGroup.venue == application.venue_id)
        & (ExamGroup.qualification == application.qualification_id) & (ExamGroup.starts_at >= local_now())
    ).order_by(ExamGroup.starts_at))


def _locked(group: ExamGroup) -> ExamGroup:
    """Re-read the group under a row lock (PostgreSQL); SQLite's write lock is already held."""
    query = ExamGroup.select().where(ExamGroup.id == group.id)
    return query.get() if is_sqlite(ExamGroup._meta.database.obj) else query.for_update().get()


def _invalidate_order(group: ExamGroup) -> None:
    """The order lists the group as it was: after a change it must be generated and signed again."""
    if group.order_pdf or group.order_signed_at:
        group.order_pdf = None
        group.order_signed_at = None
        group.save()


def assign_application(actor: User, group: ExamGroup, application: Application,
                       plugins: "PluginHost") -> GroupMember:
    """Put a paid application into the group: «Экзамен назначен» (a practice group takes
    «Теория сдана» and leaves the status as it is)."""
    _check_open(actor, group)
    application = get_application(actor, application.id)
    if (application.cok_id, application.venue_id) != (group.cok_id, group.venue_id):
        raise ValidationError("Заявление подано в другой ЦОК или на другую площадку.")
    if application.qualification_id != group.qualification_id:
        raise ValidationError("Квалификация заявления не совпадает с квалификацией группы.")
    if is_practice(group):
        practice_groups.check_candidate(group, application)
    elif Status(application.status) not in SCHEDULABLE:
        raise ValidationError("В группу включают только оплаченные заявления, ожидающие даты экзамена; "
                              f"статус этого заявления — «{Status(application.status).title}».")
    with write_transaction():
        if GroupMember.select().where(GroupMember.group == group.id).count() >= _locked(group).seats:
            raise ValidationError("В группе нет свободных мест.")
        member = GroupMember.get_or_none((GroupMember.group == group.id) & (GroupMember.application == application.id))
        member = member or GroupMember(group=group, application=application)
        member.admission, member.refusal_reason, member.access_code = Admission.PENDING, None, None
        member.save()
        _invalidate_order(group)
        when = f"{group.starts_at:%d.%m.%Y %H:%M}, {group.venue.short_name}"
        if is_practice(group):  # the status stays «Теория сдана»
            audit.record("practice_group_assigned", "application", application.id, {"group": group.id, "when": when})
        else:
            change_status(application, Status.EXAM_SCHEDULED, ActorKind.CENTRE, actor, plugins,
                          comment=f"Экзамен {when}")
    return member


def remove_member(actor: User, member: GroupMember, plugins: "PluginHost") -> None:
    """«Исключить»: the application goes back to choosing a date; an admitted candidate stays.

    From a practice group anyone may be removed before the start; the status stays «Теория сдана».
    """
    _check_open(actor, member.group)
    application = member.application
    if is_practice(member.group):
        with write_transaction():
            member.delete_instance()
            _invalidate_order(member.group)
            audit.record("practice_group_removed", "application", application.id, {"group": member.group_id})
        return
    if Status(application.status) not in (Status.EXAM_SCHEDULED, Status.NOT_ADMITTED):
        raise ValidationError("Соискатель уже допущен к экзамену: исключить его из группы нельзя.")
    with write_transaction():
        member.delete_instance()
        _invalidate_order(member.group)
        change_status(application, Status.PAID_DATE_AGREEMENT, ActorKind.CENTRE, actor, plugins,
                      comment="Исключён из экзаменационной группы")
        application.slot = None  # the date is agreed anew, as after «Изменить дату»
        application.save()


# --- admission ----------------------------------------------------------------------------------

def _pending(actor: User, member: GroupMember) -> None:
    _check_visible(actor, member.group)
    if member.admission != Admission.PENDING:
        raise ValidationError(f"Решение о допуске уже принято: «{Admission.TITLES[member.admission]}».")


def admit(actor: User, member: GroupMember, plugins: "PluginHost", *, identity_confirmed: bool) -> GroupMember:
    """«Допустить»: identity checked by document (1204 п. 10) and the exam paid for.

    A candidate admitted after «Начать экзамен» gets a code at once.
    """
    _pending(actor, member)
    if not identity_confirmed:
        raise ValidationError("Отметьте, что личность подтверждена по документу, удостоверяющему личность.",
                              "identity_confirmed")
    application = member.application
    if payment_states([application])[application.id] not in PaymentState.CLEARED:
        raise ValidationError("Экзамен не оплачен: допустить можно только оплатившего соискателя "
                              "(или при постоплате по договору).")
    with write_transaction():
        member.admission, member.refusal_reason = Admission.ADMITTED, None
        member.save()
        audit.record("identity_checked", "group_member", member.id, {"document": "удостоверение личности"})
        if not is_practice(member.group):  # a practice candidate stays «Теория сдана»
            change_status(application, Status.ADMITTED, ActorKind.CENTRE, actor, plugins,
                          comment="Личность подтверждена по документу, удостоверяющему личность")
        if member.group.started_at is not None:
            access_codes.issue_code(member)
    return member


def refuse(actor: User, member: GroupMember, plugins: "PluginHost", reason: str) -> GroupMember:
    """«Не допустить»: the reason is required and reaches the applicant's letter."""
    _pending(actor, member)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError("Укажите причину отказа в допуске.", "reason")
    with write_transaction():
        member.admission, member.refusal_reason = Admission.REFUSED, reason
        member.save()
        if is_practice(member.group):  # no status for it: the applicant hears by letter
            practice_groups.mail_refusal(member, reason)
        else:
            change_status(member.application, Status.NOT_ADMITTED, ActorKind.CENTRE, actor, plugins, comment=reason)
    return member


def regenerate_code(actor: User, member: GroupMember) -> str:
    """A new code for one candidate (a lost slip); the old code stops working."""
    _check_visible(actor, member.group)
    return access_codes.issue_code(member)


# --- the order and the start --------------------------------------------------------------------

def generate_order(actor: User, group: ExamGroup, number: str, order_date: str, blobs: "BlobStore") -> ExamGroup:
    """Number and date → the Приказ о проведении НОК as PDF in the blob store (unsigned)."""
    _check_open(actor, group)
    number = (number or "").strip()
    if not number or len(number) > 32:
        raise ValidationError("Укажите номер приказа (не более 32 символов).", "order_number")
    group.order_number = number
    group.order_date = catalog.parse_date(order_date, "order_date", "Дата приказа")
    if not GroupMember.select().where(GroupMember.group == group.id).exists():
        raise ValidationError("В группе нет соискателей: сначала включите их в группу.", "order_number")
    digest = blobs.put(render_exam_order_pdf(group)).digest
    with write_transaction():
        group.order_pdf, group.order_signed_at = digest, None
        group.save()
    return group


def sign_order(actor: User, group: ExamGroup, blobs: "BlobStore") -> ExamGroup:
    """«Подписать факсимиле»: the order again, with the ЦОК signer's drawn signature."""
    _check_open(actor, group)
    if not group.order_pdf:
        raise ValidationError("Сначала сформируйте приказ: укажите его номер и дату.", "order_number")
    cok = group.cok
    if not cok.facsimile_digest:
        raise ValidationError(f"У {cok.short_name} нет факсимиле подписи: его рисуют в разделе «Ваша подпись» "
                              "личного кабинета ЦОК.")
    digest = blobs.put(render_exam_order_pdf(group, facsimile_png=blobs.read(cok.facsimile_digest))).digest
    with write_transaction():
        group.order_pdf, group.order_signed_at = digest, _now()
        group.save()
    return group


def order_pdf(actor: User, group: ExamGroup, blobs: "BlobStore") -> bytes:
    _check_visible(actor, group)
    if not group.order_pdf:
        raise NotFoundError("Приказ ещё не сформирован.")
    audit.record("download", "exam_order", group.id, {"signed": group.order_signed_at is not None})
    return blobs.read(group.order_pdf)


def start_exam(actor: User, group: ExamGroup) -> list[GroupMember]:
    """«Начать экзамен»: a signed order and admitted candidates, each of whom gets a code."""
    _check_open(actor, group)
    if group.order_signed_at is None:
        raise ValidationError("Сначала сформируйте приказ о проведении НОК и подпишите его факсимиле.")
    admitted = list(GroupMember.select().where((GroupMember.group == group.id)
                                               & (GroupMember.admission == Admission.ADMITTED)))
    if not admitted:
        raise ValidationError("Нет допущенных соискателей: допустите хотя бы одного.")
    with write_transaction():
        group.started_at = _now()
        group.save()
        for member in admitted:
            member.group = group
            access_codes.issue_code(member)
    return admitted
