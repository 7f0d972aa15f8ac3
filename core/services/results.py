"""«Результаты экзаменов» of a ЦОК or venue: the list and the candidate's личное дело (seed 002).

A result is an application with at least one exam attempt in a group of the user's ЦОК
(venue staff: a group held at their venue). Everything is filtered and paginated in the
database, and a page of the list costs the same few queries for 3 rows or 25: the
applications with their qualification and exam date in one statement, then the attempts
and the commission results of the whole page in one statement each.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import peewee

from core.exceptions import NotFoundError, PermissionDeniedError
from core.models import (ApplicantProfile, Application, ApplicationDocument, CommissionResult, ExamAttempt, ExamGroup,
                         GroupMember, GroupVideo, Organisation, OrgKind, Qualification, Role, SpkSubmission, User)
from core.services.access import visible_applications
from core.services.applicant_profile import Checker
from core.services.attempts import THEORY
from core.services.commission_facts import CommissionView, commission_view
from core.services.list_filters import read_name, read_period, read_qualification, within_days
from core.services.review import MATCH_CONTAINS, name_condition
from core.workflow import Status

PAGE_SIZE = 25
# What the «Статус записи» filter offers: the statuses an examined application can be in.
RESULT_STATUSES = (Status.ADMITTED, Status.THEORY_PASSED, Status.THEORY_FAILED, Status.PRACTICE_PASSED,
                   Status.PRACTICE_FAILED, Status.COMMISSION_DECIDED, Status.SENT_TO_SPK, Status.APPROVED_BY_SPK,
                   Status.SENT_TO_NARK, Status.CERTIFICATE_ISSUED, Status.CONCLUSION_ISSUED)


@dataclass(frozen=True)
class ResultFilter:
    """Фильтр: Поиск по ФИО, Квалификация, Статус записи, С даты / По дату (date of the exam)."""

    name: str = ""
    qualification: int | None = None
    status: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class ResultRow:
    """One line of the list: the application, its stages' attempts and the commission's verdict."""

    application: Application
    exam_date: dt.datetime | None
    theory: ExamAttempt | None = None
    practice: ExamAttempt | None = None
    result: CommissionResult | None = None


def parse_filter(params: dict[str, str]) -> ResultFilter:
    """Read the filter form (query string); every wrong field is reported next to itself."""
    check = Checker()
    name, qualification = read_name(check, params), read_qualification(check, params)
    status = params.get("status") or None
    if status and status not in {s.value for s in RESULT_STATUSES}:
        check.add("status", "Выберите статус из списка.")
    date_from, date_to = read_period(check, params, "С даты", "По дату")
    check.raise_if_any()
    return ResultFilter(name, qualification, status, date_from, date_to)


# --- who sees what ------------------------------------------------------------------------------

def staff_org(actor: User) -> Organisation:
    """The ЦОК or venue the actor works for; anyone else is refused."""
    org = actor.organisation if actor.organisation_id else None
    if Role(actor.role) not in (Role.ADMIN, Role.OPERATOR) or org is None or org.kind not in (
            OrgKind.COK.value, OrgKind.VENUE.value):
        raise PermissionDeniedError("Результаты экзаменов доступны сотрудникам ЦОК и площадок.")
    return org


def group_scope(actor: User) -> peewee.Expression:
    """The exam groups whose results the actor sees: the ЦОК's own, or those held at the venue."""
    org = staff_org(actor)
    return (ExamGroup.cok == org.id) if org.kind == OrgKind.COK.value else (ExamGroup.venue == org.id)


def _examined(actor: User, date_from: dt.date | None = None, date_to: dt.date | None = None) -> peewee.ModelSelect:
    """Ids of applications with an attempt in a visible group (held within the dates, if given)."""
    clauses = [group_scope(actor), *within_days(ExamGroup.starts_at, date_from, date_to)]
    return (GroupMember.select(GroupMember.application)
            .join(ExamAttempt, on=(ExamAttempt.member == GroupMember.id)).switch(GroupMember)
            .join(ExamGroup, on=(GroupMember.group == ExamGroup.id)).where(*clauses))


def list_results(actor: User, flt: ResultFilter, page: int = 1) -> tuple[list[ResultRow], int]:
    """One page of results (latest exam first) and their number."""
    clauses = [Application.id.in_(_examined(actor, flt.date_from, flt.date_to))]
    if flt.name:
        clauses.append(name_condition(Application.full_name, flt.name, MATCH_CONTAINS))
    if flt.qualification:
        clauses.append(Application.qualification == flt.qualification)
    if flt.status:
        clauses.append(Application.status == flt.status)
    base = visible_applications(actor).where(*clauses)
    total = base.count()
    exam_date = (ExamGroup.select(peewee.fn.MIN(ExamGroup.starts_at))
                 .join(GroupMember, on=(GroupMember.group == ExamGroup.id))
                 .join(ExamAttempt, on=(ExamAttempt.member == GroupMember.id))
                 .where((GroupMember.application == Application.id) & group_scope(actor)))
    query = (base.select(Application, Qualification, exam_date.alias("exam_date"))
             .join(Qualification, on=(Application.qualification == Qualification.id))
             .order_by(peewee.SQL("exam_date").desc(), Application.id.desc())
             .paginate(max(page, 1), PAGE_SIZE))
    rows = [ResultRow(app, _as_datetime(app.exam_date)) for app in query]
    by_id = {row.application.id: row for row in rows}
    if by_id:
        for attempt in (ExamAttempt.select(ExamAttempt, GroupMember).join(GroupMember)
                        .join(ExamGroup, on=(GroupMember.group == ExamGroup.id))
                        .where(GroupMember.application.in_(list(by_id)) & group_scope(actor))
                        .order_by(ExamAttempt.started_at, ExamAttempt.id)):
            row = by_id[attempt.member.application_id]
            if attempt.stage == THEORY:
                row.theory = attempt
            else:
                row.practice = attempt
        for result in CommissionResult.select().where(CommissionResult.application.in_(list(by_id))):
            by_id[result.application_id].result = result
    return rows, total


def _as_datetime(value: Any) -> dt.datetime | None:
    """SQLite hands an aggregate of a datetime column back as text."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def get_examined(actor: User, application_id: int) -> Application:
    """The application if the actor may open its результаты (visible and examined here), else 404."""
    found = (visible_applications(actor)
             .where((Application.id == application_id) & Application.id.in_(_examined(actor))).first())
    if found is None:
        raise NotFoundError("Результат экзамена не найден.")
    return found


# --- the личное дело ----------------------------------------------------------------------------

@dataclass
class CaseFile:
    """Everything the личное дело shows, read in a fixed number of queries."""

    application: Application
    person: dict[str, Any]
    documents: list[ApplicationDocument]
    attempts: list[ExamAttempt]
    videos: list[GroupVideo]
    commission: CommissionView | None = None
    result: CommissionResult | None = None
    submission: SpkSubmission | None = None


def person_of(application: Application) -> dict[str, Any]:
    """ФИО, СНИЛС, date of birth and contacts: the application's snapshot, else the cabinet's data."""
    data = json.loads(application.personal_data or "{}")
    profile = ApplicantProfile.get_or_none(ApplicantProfile.user == application.applicant_id)
    user = application.applicant
    birth = data.get("birth_date") or (profile.birth_date.isoformat() if profile and profile.birth_date else None)
    return {"full_name": application.full_name or data.get("full_name") or user.full_name,
            "snils": data.get("snils") or application.snils or (profile.snils if profile else None),
            "birth_date": dt.date.fromisoformat(birth) if birth else None,
            "phone": data.get("phone") or user.phone, "email": data.get("email") or user.email}


def case_file(actor: User, application: Application) -> CaseFile:
    """The личное дело of an application the actor may open (`get_examined`)."""
    attempts = list(ExamAttempt.select(ExamAttempt, GroupMember, ExamGroup).join(GroupMember)
                    .join(ExamGroup, on=(GroupMember.group == ExamGroup.id))
                    .where((GroupMember.application == application.id) & group_scope(actor))
                    .order_by(ExamAttempt.started_at, ExamAttempt.id))
    group_ids = sorted({a.member.group_id for a in attempts})
    videos = list(GroupVideo.select(GroupVideo, ExamGroup, User).join(ExamGroup).switch(GroupVideo)
                  .join(User, peewee.JOIN.LEFT_OUTER, on=GroupVideo.uploaded_by)
                  .where(GroupVideo.group.in_(group_ids)).order_by(GroupVideo.uploaded_at, GroupVideo.id)) \
        if group_ids else []
    documents = list(ApplicationDocument.select().where(ApplicationDocument.application == application.id)
                     .order_by(ApplicationDocument.id))
    return CaseFile(application=application, person=person_of(application), documents=documents,
                    attempts=attempts, videos=videos, commission=commission_view(application),
                    result=CommissionResult.get_or_none(CommissionResult.application == application.id),
                    submission=(SpkSubmission.select().where(SpkSubmission.application == application.id)
                                .order_by(SpkSubmission.queued_at.desc(), SpkSubmission.id.desc()).first()))


def attempt_of(actor: User, application: Application, stage: str) -> ExamAttempt:
    """The application's attempt at `stage` in a visible group (for the theory report), else 404."""
    attempt = (ExamAttempt.select(ExamAttempt, GroupMember, ExamGroup).join(GroupMember)
               .join(ExamGroup, on=(GroupMember.group == ExamGroup.id))
               .where((GroupMember.application == application.id) & (ExamAttempt.stage == stage)
                      & group_scope(actor)).first())
    if attempt is None:
        raise NotFoundError("Этот этап экзамена соискатель не проходил.")
    return attempt


def to_local(value: dt.datetime | None) -> dt.datetime | None:
    """Stored times are UTC; pages show the appliance's wall clock (as the group's own time)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
