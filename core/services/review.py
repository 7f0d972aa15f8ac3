"""«Заявления» of a ЦОК or venue: the queue with its filters, and the review of documents.

Seed 002 «Запись на теорию»: staff open an application, mark each document «Принято» or
«Отклонено» with a reason, and either «Отправить на доработку» (the reasons reach the
applicant by mail) or, when everything is accepted, issue the contract and invoice
(`core.services.billing`). The queue is filtered and paginated in the database, so it stays
fast with a hundred thousand applications (bench/queue_list.py).
"""
from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee

from core.db import write_transaction
from core.exceptions import PermissionDeniedError, ValidationError
from core.models import (Application, ApplicationDocument, ApplicationStatusChange, DocumentReview,
                         GroupApplication, GroupApplicationRow, Organisation, OrgKind, ProfStandard, Qualification,
                         User)
from core.models.organisations import _now
from core.services.access import get_application, visible_applications
from core.services.applications import change_status
from core.services.applicant_profile import Checker
from core.services.group_applications import GroupStatus
from core.services.list_filters import read_name, read_period, read_qualification, within_days
from core.workflow import ActorKind, Status

if TYPE_CHECKING:
    from core.plugins import PluginHost

PAGE_SIZE = 25
MAX_REASON = 1000
VERDICTS = (DocumentReview.PENDING, DocumentReview.ACCEPTED, DocumentReview.REJECTED)
QUEUE_STATUSES = [s for s in Status if s is not Status.DRAFT]
GROUP_QUEUE_STATUSES = [s for s in GroupStatus if s is not GroupStatus.DRAFT]
MATCH_PREFIX, MATCH_CONTAINS = "prefix", "contains"
_TOP = "\U0010ffff"  # sorts after every character: the upper bound of a prefix range


def require_reviewer(actor: User) -> None:
    """Staff of a ЦОК or a venue review applications (an employer only pays for them)."""
    org = actor.organisation if actor.organisation_id else None
    if not actor.is_staff or org is None or org.kind not in (OrgKind.COK.value, OrgKind.VENUE.value):
        raise PermissionDeniedError("Проверять заявления могут сотрудники ЦОК и экзаменационных площадок.")


# --- the queue ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueFilter:
    """Фильтр очереди: ФИО (начинается с / содержит), квалификация, статус, даты подачи."""

    name: str = ""
    match: str = MATCH_PREFIX
    qualification_id: int | None = None
    status: str | None = None
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None


def parse_queue_filter(params: dict[str, str], statuses: list[str] | None = None) -> QueueFilter:
    """Read the filter form (query string); every wrong field is reported next to itself.

    `statuses` are the values the status filter accepts (group applications have their own).
    """
    check = Checker()
    name = read_name(check, params)
    match = params.get("match") or MATCH_PREFIX
    if match not in (MATCH_PREFIX, MATCH_CONTAINS):
        check.add("match", "Выберите способ поиска: «начинается с» или «содержит».")
    qualification = read_qualification(check, params)
    status = params.get("status") or None
    if status and status not in (statuses or [s.value for s in QUEUE_STATUSES]):
        check.add("status", "Выберите статус из списка.")
    date_from, date_to = read_period(check, params, "Дата подачи с", "Дата подачи по")
    check.raise_if_any()
    return QueueFilter(name, match, qualification, status, date_from, date_to)


def _capitalised(text: str) -> str:
    """«иванов-петров и» → «Иванов-Петров И»: how ФИО are stored (SQLite folds case only for ASCII)."""
    return text.title()


def name_condition(field: peewee.Field, text: str, match: str) -> peewee.Expression:
    """ФИО filter: a prefix is an index range; «содержит» tries the usual letter cases.

    SQLite's LIKE folds case for ASCII only, so «иван» would miss «Иван»: the typed text is
    also tried as typed, lower, upper and capitalised (PostgreSQL's ILIKE needs none of it).
    """
    if match == MATCH_CONTAINS:
        variants = sorted({text, _capitalised(text), text.lower(), text.upper(), text[:1].upper() + text[1:]})
        return functools.reduce(operator.or_, (field.contains(v) for v in variants))
    prefix = _capitalised(text)
    return (field >= prefix) & (field < prefix + _TOP)


def _where(query: peewee.ModelSelect, conditions: list[peewee.Expression]) -> peewee.ModelSelect:
    return query.where(*conditions) if conditions else query


def search_applications(actor: User, flt: QueueFilter, page: int = 1,
                        per_page: int = PAGE_SIZE) -> tuple[list[Application], int]:
    """One page of submitted applications the actor may see, newest first, and their count.

    Three statements whatever the page size or depth: the count, and the page as a
    «deferred join» — the page's ids are picked from the application table alone (an index
    walk), and only those 25 rows are joined with qualification, phone and venue. Joining
    before the OFFSET would look up three tables for every skipped row: page 200 cost
    135 ms instead of 35 ms at 100 000 rows (bench/queue_list.py).
    """
    require_reviewer(actor)
    conditions = [Application.submitted_at.is_null(False)]  # drafts were never submitted
    if flt.name:
        conditions.append(name_condition(Application.full_name, flt.name, flt.match))
    if flt.qualification_id:
        conditions.append(Application.qualification == flt.qualification_id)
    if flt.status:
        conditions.append(Application.status == flt.status)
    conditions += within_days(Application.submitted_at, flt.submitted_from, flt.submitted_to)
    filtered = _where(visible_applications(actor), conditions)
    total = filtered.count()
    newest_first = (Application.submitted_at.desc(), Application.id.desc())
    page_ids = filtered.select(Application.id).order_by(*newest_first).paginate(max(page, 1), per_page)
    venue = Organisation.alias("venue")
    rows = (Application.select(Application.id, Application.number, Application.full_name, Application.status,
                               Application.submitted_at, Application.payer, Qualification.id, Qualification.name,
                               Qualification.level, User.id, User.phone, venue.id, venue.short_name)
            .join(Qualification, on=(Application.qualification == Qualification.id))
            .switch(Application).join(User, on=(Application.applicant == User.id))
            .switch(Application).join(venue, on=(Application.venue == venue.id), attr="venue")
            .where(Application.id.in_(page_ids))
            .order_by(*newest_first))
    return list(rows), total


def visible_group_applications(actor: User) -> peewee.ModelSelect:
    """Group applications of employers: a ЦОК sees those addressed to it, a venue those with its rows."""
    org = actor.organisation if actor.organisation_id else None
    query = GroupApplication.select()
    if actor.is_staff and org is not None and org.kind == OrgKind.COK.value:
        return query.where(GroupApplication.cok == org.id)
    if actor.is_staff and org is not None and org.kind == OrgKind.VENUE.value:
        rows = GroupApplicationRow.select(GroupApplicationRow.group_application).where(
            GroupApplicationRow.venue == org.id)
        return query.where(GroupApplication.id.in_(rows))
    return query.where(peewee.SQL("1 = 0"))


def search_group_applications(actor: User, flt: QueueFilter, page: int = 1,
                              per_page: int = PAGE_SIZE) -> tuple[list[GroupApplication], int]:
    """«Работодатели» tab: one page of group applications with employer and people count."""
    require_reviewer(actor)
    employer = Organisation.alias("employer")
    conditions = [GroupApplication.submitted_at.is_null(False), GroupApplication.status != GroupStatus.DRAFT.value]
    if flt.name:
        conditions.append(name_condition(employer.short_name, flt.name, MATCH_CONTAINS)
                          | name_condition(employer.full_name, flt.name, MATCH_CONTAINS))
    if flt.qualification_id:
        conditions.append(GroupApplication.id.in_(GroupApplicationRow.select(GroupApplicationRow.group_application)
                                                  .where(GroupApplicationRow.qualification == flt.qualification_id)))
    if flt.status:
        conditions.append(GroupApplication.status == flt.status)
    conditions += within_days(GroupApplication.submitted_at, flt.submitted_from, flt.submitted_to)
    base = visible_group_applications(actor).join(employer, on=(GroupApplication.employer == employer.id),
                                                  attr="employer_row")
    filtered = _where(base, conditions)
    total = filtered.count()
    people = (GroupApplicationRow.select(peewee.fn.COALESCE(peewee.fn.SUM(GroupApplicationRow.people_count), 0))
              .where(GroupApplicationRow.group_application == GroupApplication.id))
    rows = (filtered.select(GroupApplication.id, GroupApplication.number, GroupApplication.status,
                            GroupApplication.submitted_at, GroupApplication.payment_terms, employer.id,
                            employer.short_name, employer.inn, ProfStandard.id, ProfStandard.code,
                            ProfStandard.name, people.alias("people"))
            .switch(GroupApplication).join(ProfStandard, on=(GroupApplication.prof_standard == ProfStandard.id))
            .order_by(GroupApplication.submitted_at.desc(), GroupApplication.id.desc())
            .paginate(max(page, 1), per_page))
    return list(rows), total


# --- reviewing documents ------------------------------------------------------------------------

def _require_reviewable(actor: User, application: Application) -> Application:
    require_reviewer(actor)
    application = get_application(actor, application.id)
    if application.status != Status.SUBMITTED.value:
        raise ValidationError(f"Документы проверяются, пока заявление «{Status.SUBMITTED.title}»; "
                              f"сейчас оно «{Status(application.status).title}».")
    return application


def _clean_verdict(doc: ApplicationDocument, verdict: str, reason: str) -> tuple[str, str | None]:
    field = f"reason_{doc.id}"
    if verdict not in VERDICTS:
        raise ValidationError(f"«{doc.title}»: выберите «Принято» или «Отклонено».", field=f"verdict_{doc.id}")
    reason = " ".join((reason or "").split())
    if verdict != DocumentReview.REJECTED:
        return verdict, None
    if not reason:
        raise ValidationError(f"«{doc.title}»: укажите причину отклонения — её получит соискатель.", field=field)
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Причина отклонения — не более {MAX_REASON} символов.", field=field)
    return verdict, reason


def _apply_verdict(actor: User, doc: ApplicationDocument, verdict: str, reason: str | None) -> None:
    if doc.review == verdict and (doc.reject_reason or None) == reason:
        return
    doc.review, doc.reject_reason = verdict, reason
    doc.reviewed_by = actor if verdict != DocumentReview.PENDING else None
    doc.reviewed_at = _now() if verdict != DocumentReview.PENDING else None
    doc.save()


def review_document(actor: User, app_doc: ApplicationDocument, verdict: str, reason: str = "") -> ApplicationDocument:
    """Mark one document «Принято» or «Отклонено» (a reason is required to reject)."""
    _require_reviewable(actor, app_doc.application)
    verdict, reason = _clean_verdict(app_doc, verdict, reason)
    with write_transaction():
        _apply_verdict(actor, app_doc, verdict, reason)
    return app_doc


def review_documents(actor: User, application: Application,
                     verdicts: dict[int, tuple[str, str]]) -> list[ApplicationDocument]:
    """Save the verdicts of the review form at once: all of them, or none if any is wrong."""
    application = _require_reviewable(actor, application)
    docs = list(ApplicationDocument.select().where(ApplicationDocument.application == application)
                .order_by(ApplicationDocument.id))
    check = Checker()
    cleaned = {doc.id: check(_clean_verdict, doc, *verdicts[doc.id]) for doc in docs if doc.id in verdicts}
    check.raise_if_any()
    with write_transaction():
        for doc in docs:
            if doc.id in cleaned:
                _apply_verdict(actor, doc, *cleaned[doc.id])
    return docs


def send_for_fixes(actor: User, application: Application, plugins: "PluginHost") -> ApplicationStatusChange:
    """«Отправить на доработку»: needs a rejected document; the reasons go to the applicant's letter."""
    application = _require_reviewable(actor, application)
    rejected = list(ApplicationDocument.select().where((ApplicationDocument.application == application)
                                                       & (ApplicationDocument.review == DocumentReview.REJECTED))
                    .order_by(ApplicationDocument.id))
    if not rejected:
        raise ValidationError("Чтобы отправить заявление на доработку, отклоните хотя бы один документ "
                              "и укажите причину.")
    comment = "Документы, которые нужно заменить:\n" + "\n".join(
        f"— {doc.title}: {doc.reject_reason}" for doc in rejected)
    return change_status(application, Status.NEEDS_FIX, ActorKind.CENTRE, actor, plugins, comment)


def review_and_send_for_fixes(actor: User, application: Application, verdicts: dict[int, tuple[str, str]],
                              plugins: "PluginHost") -> ApplicationStatusChange:
    """The form's «Отправить на доработку»: save its verdicts and send, together or not at all."""
    with write_transaction():
        review_documents(actor, application, verdicts)
        return send_for_fixes(actor, application, plugins)


def all_accepted(documents: list[ApplicationDocument]) -> bool:
    return bool(documents) and all(d.review == DocumentReview.ACCEPTED for d in documents)
