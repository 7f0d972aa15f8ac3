"""Групповая заявка работодателя: its status table, header, rows, documents and enrolled staff.

Seed 003: one профстандарт per group application; rows of qualification × number of people ×
venue; «Сохранить» keeps a draft, «Сохранить и отправить заявку» hands it to the ЦОК
(«На рассмотрении»); the ЦОК issues an invoice («Ожидает оплаты», порядок расчётов
предоплата/постоплата), payment makes it «Оплачено». The moves are one explicit table
(`GROUP_TRANSITIONS`), like `core.workflow` for single applications, so the ЦОК's pages and
billing move a group application only through `change_group_status`.

Each person of a row gets their own `Application` (payer = employer, `enrol`): the applicant
fills in personal data and gives their own consent in their cabinet (152-ФЗ, law.md).
"""
from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import peewee

from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (Application, ApplicationStatusChange, DocumentKind, GroupApplication, GroupApplicationRow,
                         Organisation, OrgKind, ProfStandard, Qualification, QualificationOffer, StoredDocument, User)
from core.models.applications import PAYER_EMPLOYER
from core.models.billing import TERMS_POSTPAYMENT, TERMS_PREPAYMENT, TERMS_TITLES
from core.models.organisations import _now
from core.services.applications import change_status
from core.services.notify import queue_mail
from core.workflow import FINAL_STATUSES, ActorKind, Status

if TYPE_CHECKING:
    from core.plugins import PluginHost

PAGE_SIZE = 25
MAX_PEOPLE_PER_ROW = 500


class GroupStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_FIX = "needs_fix"
    REJECTED = "rejected"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return GROUP_STATUS_TITLES[self]


GROUP_STATUS_TITLES = {
    GroupStatus.DRAFT: "Черновик",
    GroupStatus.SUBMITTED: "На рассмотрении",
    GroupStatus.NEEDS_FIX: "На доработке",
    GroupStatus.REJECTED: "Отклонена",
    GroupStatus.AWAITING_PAYMENT: "Ожидает оплаты",
    GroupStatus.PAID: "Оплачено",
    GroupStatus.COMPLETED: "Исполнена",
    GroupStatus.WITHDRAWN: "Отозвана",
}


@dataclass(frozen=True)
class GroupTransition:
    source: GroupStatus
    target: GroupStatus
    actors: frozenset[ActorKind]
    action: str  # the button, in Russian


_E, _C, _Y = ActorKind.EMPLOYER, ActorKind.CENTRE, ActorKind.SYSTEM
_G = GroupStatus
GROUP_TRANSITIONS: tuple[GroupTransition, ...] = tuple(GroupTransition(s, t, frozenset(a), name) for s, t, a, name in (
    (_G.DRAFT, _G.SUBMITTED, {_E}, "Сохранить и отправить заявку"),
    (_G.DRAFT, _G.WITHDRAWN, {_E}, "Удалить черновик"),
    (_G.SUBMITTED, _G.NEEDS_FIX, {_C}, "Вернуть на доработку"),
    (_G.SUBMITTED, _G.REJECTED, {_C}, "Отклонить заявку"),
    (_G.SUBMITTED, _G.AWAITING_PAYMENT, {_C}, "Выставить счёт"),
    (_G.SUBMITTED, _G.WITHDRAWN, {_E}, "Отозвать заявку"),
    (_G.NEEDS_FIX, _G.SUBMITTED, {_E}, "Отправить повторно"),
    (_G.NEEDS_FIX, _G.WITHDRAWN, {_E}, "Отозвать заявку"),
    (_G.AWAITING_PAYMENT, _G.PAID, {_C, _Y}, "Оплата подтверждена"),
    (_G.AWAITING_PAYMENT, _G.WITHDRAWN, {_E}, "Отозвать заявку"),
    (_G.PAID, _G.COMPLETED, {_C, _Y}, "Заявка исполнена"),
))
_BY_PAIR = {(t.source, t.target): t for t in GROUP_TRANSITIONS}
assert len(_BY_PAIR) == len(GROUP_TRANSITIONS), "a status pair is listed twice"

EDITABLE = frozenset({GroupStatus.DRAFT, GroupStatus.NEEDS_FIX})
# Sent and alive: its rows take the employer's staff (each person's own application).
ENROLLING = frozenset({GroupStatus.SUBMITTED, GroupStatus.NEEDS_FIX, GroupStatus.AWAITING_PAYMENT, GroupStatus.PAID})
# Member applications the employer may still withdraw together with the group application.
_WITHDRAWABLE_MEMBERS = frozenset({Status.DRAFT, Status.SUBMITTED, Status.NEEDS_FIX, Status.AWAITING_PAYMENT})
_ALIVE = Application.status.not_in([s.value for s in FINAL_STATUSES])


def find_group_transition(source: GroupStatus, target: GroupStatus) -> GroupTransition | None:
    return _BY_PAIR.get((source, target))


def group_actions(group: GroupApplication, actor: ActorKind) -> list[GroupTransition]:
    """The moves `actor` may make now (for buttons)."""
    return [t for t in GROUP_TRANSITIONS if t.source is GroupStatus(group.status) and actor in t.actors]


def change_group_status(group: GroupApplication, target: GroupStatus, actor_kind: ActorKind, actor: User | None,
                        plugins: "PluginHost", comment: str | None = None) -> GroupApplication:
    """Apply one move of `GROUP_TRANSITIONS` or refuse it in Russian; audit it and mail the other side.

    Sending needs rows and organisation documents; withdrawing withdraws the members'
    applications too (refused once one of them is paid: the ЦОК must settle that).
    """
    source = GroupStatus(group.status)
    transition = find_group_transition(source, target)
    if transition is None:
        raise ValidationError(f"Нельзя перевести групповую заявку из статуса «{source.title}» в «{target.title}».")
    if actor_kind not in transition.actors:
        raise PermissionDeniedError(f"Действие «{transition.action}» вам недоступно.")
    with write_transaction():
        if GroupApplication.get_by_id(group.id).status != source.value:  # another tab moved it meanwhile
            raise ValidationError("Статус заявки уже изменился: обновите страницу.")
        if target is GroupStatus.SUBMITTED:
            _check_ready_to_send(group)
            group.submitted_at = group.submitted_at or _now()
            group.number = group.number or f"ГЗ-{group.created_at:%Y}-{group.id:05d}"
        if target is GroupStatus.WITHDRAWN:
            _withdraw_members(group, actor, plugins)
        group.status = target.value
        group.save()
        audit.record("status", "group_application", group.id,
                     {"from": source.value, "to": target.value, "comment": comment or ""})
        _mail_other_side(group, actor_kind, target, comment)
    return group


def _check_ready_to_send(group: GroupApplication) -> None:
    if not group.rows.exists():
        raise ValidationError("Добавьте в заявку хотя бы одну квалификацию.", field="rows")
    if not organisation_documents(group.employer).exists():
        raise ValidationError("Прикрепите документы организации, необходимые для заключения договора.",
                              field="documents")


def _withdraw_members(group: GroupApplication, actor: User | None, plugins: "PluginHost") -> None:
    members = list(group.applications.where(_ALIVE))
    if any(Status(m.status) not in _WITHDRAWABLE_MEMBERS for m in members):
        raise ValidationError("Заявку нельзя отозвать: заявления соискателей по ней уже оплачены. Обратитесь в ЦОК.")
    for member in members:
        change_status(member, Status.WITHDRAWN, ActorKind.EMPLOYER, actor, plugins,
                      comment=f"Работодатель отозвал групповую заявку {group.number or group.id}.")


def _mail_other_side(group: GroupApplication, actor_kind: ActorKind, target: GroupStatus, comment: str | None) -> None:
    """The employer's move is news for the ЦОК, the ЦОК's for the employer (the organisation's email)."""
    recipient = group.cok if actor_kind is ActorKind.EMPLOYER else group.employer
    if not recipient.email:
        return
    label = group.number or f"№ {group.id}"
    body = (f"Групповая заявка {label} работодателя «{group.employer.short_name}» в {group.cok.short_name}: "
            f"статус «{target.title}».")
    if comment:
        body += f"\n\nКомментарий: {comment}"
    queue_mail(recipient.email, f"Групповая заявка {label}: {target.title}", body)


# --- reading ---------------------------------------------------------------------------------

def require_employer_staff(actor: User, organisation: Organisation) -> None:
    if (not actor.is_staff or actor.organisation_id != organisation.id
            or organisation.kind != OrgKind.EMPLOYER.value):
        raise PermissionDeniedError("Раздел доступен сотрудникам работодателя.")


def get_group(actor: User, organisation: Organisation, group_id: int) -> GroupApplication:
    """The organisation's group application; another employer's looks «not found»."""
    require_employer_staff(actor, organisation)
    group = GroupApplication.get_or_none((GroupApplication.id == group_id)
                                         & (GroupApplication.employer == organisation))
    if group is None:
        raise NotFoundError("Групповая заявка не найдена.")
    return group


@dataclass(frozen=True)
class GroupLine:
    """A line of «Мои заявки»: people declared / applications filed (seed 003)."""

    group: GroupApplication
    declared: int
    filed: int

    @property
    def status_title(self) -> str:
        return GroupStatus(self.group.status).title


def list_groups(actor: User, organisation: Organisation, *, page: int = 1,
                status: str = "") -> tuple[list[GroupLine], int]:
    """One page of the organisation's group applications, counted and filtered in the database."""
    require_employer_staff(actor, organisation)
    declared = (GroupApplicationRow.select(peewee.fn.COALESCE(peewee.fn.SUM(GroupApplicationRow.people_count), 0))
                .where(GroupApplicationRow.group_application == GroupApplication.id))
    filed = (Application.select(peewee.fn.COUNT(Application.id))
             .where((Application.group_application == GroupApplication.id)
                    & (Application.status != Status.WITHDRAWN.value)))
    cok = Organisation.alias()
    query = (GroupApplication.select(GroupApplication, cok, ProfStandard, declared.alias("declared"),
                                     filed.alias("filed"))
             .join(cok, on=(GroupApplication.cok == cok.id)).switch(GroupApplication).join(ProfStandard)
             .where(GroupApplication.employer == organisation)
             .order_by(GroupApplication.created_at.desc(), GroupApplication.id.desc()))
    if status in {s.value for s in GroupStatus}:
        query = query.where(GroupApplication.status == status)
    lines = [GroupLine(g, int(g.declared or 0), int(g.filed or 0)) for g in query.paginate(max(page, 1), PAGE_SIZE)]
    return lines, query.count()


@dataclass(frozen=True)
class RowLine:
    """A row with the applications it holds (seed 003 «Количество поданных заявок»)."""

    row: GroupApplicationRow
    filed: int

    @property
    def free(self) -> int:
        return max(self.row.people_count - self.filed, 0)

    @property
    def label(self) -> str:
        group = self.row.group_application
        return (f"{group.number or '№ ' + str(group.id)}: {self.row.qualification.title}, "
                f"{self.row.venue.short_name} (свободно мест: {self.free})")


def _rows(where) -> list[RowLine]:
    """Rows with qualification, venue and group loaded, and their filed counts, in three queries."""
    venue = Organisation.alias()
    rows = list(GroupApplicationRow.select(GroupApplicationRow, Qualification, venue, GroupApplication)
                .join(Qualification).switch(GroupApplicationRow)
                .join(venue, on=(GroupApplicationRow.venue == venue.id)).switch(GroupApplicationRow)
                .join(GroupApplication).where(where).order_by(GroupApplication.id, GroupApplicationRow.id))
    group_ids = {r.group_application_id for r in rows}
    counts = (Application.select(Application.group_application, Application.qualification, Application.venue,
                                 peewee.fn.COUNT(Application.id))
              .where(Application.group_application.in_(list(group_ids))
                     & (Application.status != Status.WITHDRAWN.value))
              .group_by(Application.group_application, Application.qualification, Application.venue).tuples())
    filed = {(g, q, v): n for g, q, v, n in counts} if group_ids else {}
    return [RowLine(r, filed.get((r.group_application_id, r.qualification_id, r.venue_id), 0)) for r in rows]


def members(group: GroupApplication) -> list[Application]:
    """The applications of the group's staff with qualification and venue (one query)."""
    venue = Organisation.alias()
    return list(Application.select(Application, Qualification, venue).join(Qualification).switch(Application)
                .join(venue, on=(Application.venue == venue.id)).where(Application.group_application == group)
                .order_by(Application.full_name, Application.id))


def row_lines(group: GroupApplication) -> list[RowLine]:
    return _rows(GroupApplicationRow.group_application == group)


def enrolling_rows(organisation: Organisation) -> list[RowLine]:
    """Rows of the organisation's sent, alive group applications (where staff can be enrolled)."""
    return _rows((GroupApplication.employer == organisation)
                 & GroupApplication.status.in_([s.value for s in ENROLLING]))


def get_enrolling_row(organisation: Organisation, row_id: object, *, field: str = "row") -> RowLine:
    """The chosen row if it belongs to one of the organisation's enrolling group applications and has room."""
    try:
        wanted = int(str(row_id))
    except ValueError:
        wanted = 0
    found = [line for line in enrolling_rows(organisation) if line.row.id == wanted]
    if not found:
        raise ValidationError("Выберите строку отправленной групповой заявки из списка.", field=field)
    if not found[0].free:
        raise _no_room(found[0].row, field)
    return found[0]


def _no_room(row: GroupApplicationRow, field: str = "row") -> ValidationError:
    return ValidationError(f"В строке заявки нет свободных мест: заявлено человек — {row.people_count}.", field=field)


# --- choices for the forms -------------------------------------------------------------------

def centre_choices() -> list[Organisation]:
    """Registered, active ЦОК an employer may address."""
    return list(Organisation.select().where((Organisation.kind == OrgKind.COK.value) & Organisation.is_active)
                .order_by(Organisation.short_name))


def prof_standard_choices() -> list[ProfStandard]:
    return list(ProfStandard.select().order_by(ProfStandard.code))


def _offered(cok_id: int, prof_standard_id: int) -> peewee.ModelSelect:
    return (Qualification.select().join(QualificationOffer, on=(QualificationOffer.qualification == Qualification.id))
            .where((Qualification.prof_standard == prof_standard_id) & Qualification.is_active
                   & (QualificationOffer.cok == cok_id)).order_by(Qualification.code))


def qualification_choices(group: GroupApplication) -> list[Qualification]:
    """Qualifications of the group's профстандарт that its ЦОК assesses (QualificationOffer)."""
    return list(_offered(group.cok_id, group.prof_standard_id))


def venue_choices(group: GroupApplication) -> list[Organisation]:
    """Exam venues (Площадки) of the group's ЦОК."""
    return list(Organisation.select().where((Organisation.kind == OrgKind.VENUE.value) & Organisation.is_active
                                            & (Organisation.parent == group.cok_id)).order_by(Organisation.short_name))


def _pick(choices: list, value: str | None, field: str, message: str):
    found = next((c for c in choices if str(c.id) == (value or "").strip()), None)
    if found is None:
        raise ValidationError(message, field=field)
    return found


# --- writing: header, rows -------------------------------------------------------------------

def _require_editable(group: GroupApplication) -> None:
    if GroupStatus(group.status) not in EDITABLE:
        raise ValidationError(f"Заявку в статусе «{GroupStatus(group.status).title}» изменить нельзя.")


def save_group(actor: User, organisation: Organisation, form: Mapping[str, str],
               group: GroupApplication | None = None) -> GroupApplication:
    """Create a draft (or change an editable one): ЦОК, профстандарт, порядок расчётов («Сохранить»)."""
    require_employer_staff(actor, organisation)
    cok = _pick(centre_choices(), form.get("cok"), "cok", "Выберите ЦОК из списка.")
    standard = _pick(prof_standard_choices(), form.get("prof_standard"), "prof_standard",
                     "Выберите профессиональный стандарт из списка.")
    if not _offered(cok.id, standard.id).exists():
        raise ValidationError(f"{cok.short_name} не проводит оценку квалификаций профстандарта «{standard.name}». "
                              "Выберите другой профстандарт или ЦОК.", field="prof_standard")
    terms = form.get("payment_terms") or ""
    if terms not in TERMS_TITLES:
        raise ValidationError("Выберите порядок расчётов: предоплата или постоплата.", field="payment_terms")
    with write_transaction():
        if group is None:
            return GroupApplication.create(employer=organisation, cok=cok, prof_standard=standard,
                                           status=GroupStatus.DRAFT.value, payment_terms=terms, created_by=actor)
        _require_editable(group)
        if group.rows.exists() and (group.cok_id, group.prof_standard_id) != (cok.id, standard.id):
            raise ValidationError("В заявку уже добавлены квалификации: чтобы сменить ЦОК или профстандарт, "
                                  "сначала удалите их.", field="cok" if group.cok_id != cok.id else "prof_standard")
        group.cok, group.prof_standard, group.payment_terms = cok, standard, terms
        group.save()
    return group


def new_group_defaults() -> dict[str, str]:
    return {"payment_terms": TERMS_PREPAYMENT}


def _people_count(value: str | None) -> int:
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PEOPLE_PER_ROW:
        raise ValidationError(f"Количество человек — целое число от 1 до {MAX_PEOPLE_PER_ROW}.", field="people_count")
    return int(text)


def add_row(actor: User, organisation: Organisation, group: GroupApplication,
            form: Mapping[str, str]) -> GroupApplicationRow:
    """«Добавление квалификации»: qualification of the профстандарт, venue of the ЦОК, number of people."""
    require_employer_staff(actor, organisation)
    _require_editable(group)
    qualification = _pick(qualification_choices(group), form.get("qualification"), "qualification",
                          "Выберите квалификацию из списка: только квалификации профстандарта заявки, "
                          "по которым ЦОК проводит оценку.")
    venue = _pick(venue_choices(group), form.get("venue"), "venue", "Выберите экзаменационную площадку ЦОК из списка.")
    people = _people_count(form.get("people_count"))
    with write_transaction():
        if group.rows.where((GroupApplicationRow.qualification == qualification)
                            & (GroupApplicationRow.venue == venue)).exists():
            raise ValidationError("Эта квалификация на этой площадке уже есть в заявке: удалите строку и добавьте "
                                  "её с нужным числом человек.", field="qualification")
        return GroupApplicationRow.create(group_application=group, qualification=qualification, venue=venue,
                                          people_count=people)


def delete_row(actor: User, organisation: Organisation, group: GroupApplication, row_id: int) -> None:
    require_employer_staff(actor, organisation)
    row = GroupApplicationRow.get_or_none((GroupApplicationRow.id == row_id)
                                          & (GroupApplicationRow.group_application == group))
    if row is None:
        raise NotFoundError("Строка заявки не найдена.")
    _require_editable(group)
    with write_transaction():
        if _filed(row):
            raise ValidationError("По этой строке уже созданы заявления соискателей: её нельзя удалить.")
        row.delete_instance()


def _filed(row: GroupApplicationRow) -> int:
    return Application.select().where((Application.group_application == row.group_application_id)
                                      & (Application.qualification == row.qualification_id)
                                      & (Application.venue == row.venue_id)
                                      & (Application.status != Status.WITHDRAWN.value)).count()


# --- organisation documents --------------------------------------------------------------------

def organisation_documents(organisation: Organisation) -> peewee.ModelSelect:
    """«Документы организации» for the contract, shared by all its group applications.

    Kept as the organisation staff's `StoredDocument`s of kind «organisation» until a model of
    its own exists (see the report in docs: deleting the uploader would delete them).
    """
    return (StoredDocument.select().join(User)
            .where((StoredDocument.kind == DocumentKind.ORGANISATION.value) & (User.organisation == organisation))
            .order_by(StoredDocument.uploaded_at, StoredDocument.id))


def add_organisation_document(actor: User, organisation: Organisation, upload, title: str) -> StoredDocument:
    """Keep an uploaded document (already checked by content by `core.uploads`) under its title."""
    require_employer_staff(actor, organisation)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("Укажите наименование документа, например «Устав» или «Карточка организации».",
                              field="title")
    if len(title) > 300:
        raise ValidationError("Наименование документа — не более 300 символов.", field="title")
    return StoredDocument.create(owner=actor, kind=DocumentKind.ORGANISATION.value, title=title,
                                 filename=upload.filename[:255], content_type=upload.content_type,
                                 size=upload.size, digest=upload.digest)


def get_organisation_document(actor: User, organisation: Organisation, document_id: int) -> StoredDocument:
    require_employer_staff(actor, organisation)
    found = organisation_documents(organisation).where(StoredDocument.id == document_id).first()
    if found is None:
        raise NotFoundError("Документ не найден.")
    return found


def delete_organisation_document(actor: User, organisation: Organisation, document: StoredDocument) -> None:
    """Refused while the ЦОК reviews a group application: it must see what it was sent."""
    require_employer_staff(actor, organisation)
    with write_transaction():
        if GroupApplication.select().where((GroupApplication.employer == organisation)
                                           & (GroupApplication.status == GroupStatus.SUBMITTED.value)).exists():
            raise ValidationError("Документ нельзя удалить, пока ЦОК рассматривает групповую заявку.")
        document.delete_instance()


# --- staff enrolled in a row ---------------------------------------------------------------------

def enrol(actor: User, organisation: Organisation, line: RowLine, applicant: User, *, full_name: str,
          snils: str | None) -> Application:
    """Create the person's own application for a row (payer = employer); they complete it themselves."""
    require_employer_staff(actor, organisation)
    row = line.row
    with write_transaction():
        if _filed(row) >= row.people_count:  # counted again under the write lock
            raise _no_room(row)
        if (Application.select().where((Application.applicant == applicant) & _ALIVE
                                       & (Application.qualification == row.qualification_id)).exists()):
            raise ValidationError("У соискателя уже есть действующее заявление по этой квалификации.", field="row")
        group = row.group_application
        application = Application.create(applicant=applicant, cok=group.cok_id, venue=row.venue_id,
                                         qualification=row.qualification_id, payer=PAYER_EMPLOYER,
                                         employer=organisation, group_application=group, status=Status.DRAFT.value,
                                         full_name=full_name, snils=snils)
        ApplicationStatusChange.create(application=application, to_status=Status.DRAFT.value, actor=actor,
                                       actor_label=actor.email,
                                       comment=f"Черновик создан работодателем «{organisation.short_name}» "
                                               f"по групповой заявке {group.number or group.id}")
        return application


def link_to_row(actor: User, organisation: Organisation, application: Application, line: RowLine) -> Application:
    """Take an application whose applicant chose this employer as payer into a row of a group application."""
    require_employer_staff(actor, organisation)
    row = line.row
    if (application.employer_id != organisation.id or application.payer != PAYER_EMPLOYER
            or application.group_application_id is not None or Status(application.status) in FINAL_STATUSES):
        raise ValidationError("Это заявление нельзя включить в групповую заявку.", field="row")
    if (application.cok_id, application.qualification_id, application.venue_id) != (
            row.group_application.cok_id, row.qualification_id, row.venue_id):
        raise ValidationError("Строка заявки не совпадает с заявлением: другой ЦОК, квалификация или площадка.",
                              field="row")
    with write_transaction():
        if _filed(row) >= row.people_count:  # counted again under the write lock
            raise _no_room(row)
        application.group_application = row.group_application
        application.updated_at = _now()
        application.save()
    return application


# --- the ЦОК's side: review, decisions, postpayment ---------------------------------------------

MAX_REASON = 1000
CENTRE_DECISIONS = frozenset({GroupStatus.NEEDS_FIX, GroupStatus.REJECTED})


def _require_centre_staff(actor: User, group: GroupApplication) -> None:
    """Staff of the group's ЦОК or of one of its venues (the same rule as `billing.issue_group_invoice`).

    Which group a venue may open (one with a row at it) is decided by the page's query
    (`review.visible_group_applications`); this refuses anyone else who calls the service.
    """
    org = actor.organisation if actor.organisation_id else None
    if (not actor.is_staff or org is None
            or not (org.id == group.cok_id or (org.kind == OrgKind.VENUE.value and org.parent_id == group.cok_id))):
        raise PermissionDeniedError("Решение по групповой заявке принимают сотрудники её ЦОК и площадок.")


def decide_group(actor: User, group: GroupApplication, target: GroupStatus, reason: str,
                 plugins: "PluginHost") -> GroupApplication:
    """«Вернуть на доработку» / «Отклонить заявку»: a reason is required, the employer gets it by mail."""
    _require_centre_staff(actor, group)
    if target not in CENTRE_DECISIONS:
        raise ValidationError("Это действие с заявкой недоступно.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Укажите причину — её получит работодатель.", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Причина — не более {MAX_REASON} символов.", field="reason")
    return change_group_status(group, target, ActorKind.CENTRE, actor, plugins, comment=reason)


def waiting_members(group: GroupApplication) -> list[Application]:
    """The group's applications still «Ожидает оплаты» (postpayment lets them agree dates now)."""
    return list(group.applications.where(Application.status == Status.AWAITING_PAYMENT.value).order_by(Application.id))


def allow_dates_before_payment(actor: User, group: GroupApplication, plugins: "PluginHost") -> list[Application]:
    """Постоплата: let the employer's staff agree their exam dates before the invoice is paid.

    Every member application «Ожидает оплаты» moves to «Оплачено. Согласование даты» through
    `change_status` (history, audit, the applicant's letter), all in one transaction. Refused
    for prepayment — there the payment itself moves them (`payments.record_payment`).
    """
    _require_centre_staff(actor, group)
    if group.payment_terms != TERMS_POSTPAYMENT:
        raise ValidationError("Согласовать даты до оплаты можно только при постоплате; порядок расчётов этой "
                              f"заявки — «{TERMS_TITLES.get(group.payment_terms, group.payment_terms)}».")
    label = group.number or f"№ {group.id}"
    with write_transaction():
        status = GroupStatus(GroupApplication.select(GroupApplication.status)
                             .where(GroupApplication.id == group.id).scalar())
        if status is not GroupStatus.AWAITING_PAYMENT:
            raise ValidationError(f"Согласовать даты до оплаты можно, когда счёт выставлен и заявка "
                                  f"«{GroupStatus.AWAITING_PAYMENT.title}»; сейчас она «{status.title}».")
        waiting = waiting_members(group)
        if not waiting:
            raise ValidationError("Нет заявлений сотрудников в статусе «Ожидает оплаты»: разрешать нечего.")
        comment = (f"Постоплата: согласование даты экзамена разрешено до оплаты по групповой заявке {label} "
                   f"работодателя «{group.employer.short_name}».")
        for member in waiting:
            change_status(member, Status.PAID_DATE_AGREEMENT, ActorKind.CENTRE, actor, plugins, comment=comment)
        audit.record("allow_dates", "group_application", group.id, {"applications": [m.id for m in waiting]})
    return waiting


@dataclass(frozen=True)
class GroupHistoryLine:
    at: dt.datetime
    source: str
    target: str
    actor_label: str
    comment: str

    @property
    def target_title(self) -> str:
        try:
            return GroupStatus(self.target).title
        except ValueError:
            return self.target


def group_history(group: GroupApplication) -> list[GroupHistoryLine]:
    """The group's status moves, oldest first: `change_group_status` writes each into the audit log."""
    records = (audit.AuditRecord.select().where((audit.AuditRecord.action == "status")
                                                & (audit.AuditRecord.entity == "group_application")
                                                & (audit.AuditRecord.entity_id == str(group.id)))
               .order_by(audit.AuditRecord.seq))
    lines = []
    for rec in records:
        data = json.loads(rec.data or "{}")
        lines.append(GroupHistoryLine(rec.at, data.get("from", ""), data.get("to", ""), rec.actor_label,
                                      data.get("comment", "")))
    return lines
