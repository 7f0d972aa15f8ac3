"""Решение экспертной комиссии, «Вернуть на доработку», «Отправить в СПК» (seed 002).

Each expert of the deciding commission (`commission_facts.deciding_group`) records «Сдал» or
«Не сдал»; the chair may record it for any member («Председатель может указать решение по
каждому эксперту»). When every member has a current decision the commission's result is the
majority, the chair's vote deciding a tie (Постановление Правительства РФ от 16.11.2016
№ 1204), and the application moves to «Решение экспертной комиссии». The ЦОК then either
returns it to the experts — their earlier decisions stop counting and each must save again —
or sends it to the СПК: a JSON snapshot in `SpkSubmission` that the federation delivers.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import peewee

from core.db import is_sqlite, write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (Application, ApplicationStatusChange, CommissionMember, CommissionProtocol,
                         CommissionResult, ExamAttempt, ExamGroup, ExpertDecision, GroupMember, Organisation, OrgKind,
                         Qualification, Role, SpkSubmission, User, Verdict)
from core.services import commission_facts as facts
from core.services.access import get_application
from core.services.applications import change_status
from core.services.attempts import utcnow
from core.services.commission_facts import deciding_group, ready_for_decision  # noqa: F401 (part of this API)
from core.services.commission_payload import build_payload
from core.services.commission_protocol import (generate_protocol, protocol_docx, protocol_pdf,  # noqa: F401
                                               sign_protocol, upload_protocol)
from core.services.list_filters import within_days
from core.services.notify import queue_mail
from core.workflow import ActorKind, Status

if TYPE_CHECKING:
    from core.plugins import PluginHost

PAGE_SIZE = 25
MAX_COMMENT = 2000
AFTER_SPK = frozenset({Status.SENT_TO_SPK, Status.APPROVED_BY_SPK, Status.SENT_TO_NARK, Status.CERTIFICATE_ISSUED,
                       Status.CONCLUSION_ISSUED})
# «Статус записи» of the expert's list: the statuses a listed result can be in.
RESULT_STATUSES = (Status.THEORY_PASSED, Status.THEORY_FAILED, Status.PRACTICE_PASSED, Status.PRACTICE_FAILED,
                   Status.COMMISSION_DECIDED, *sorted(AFTER_SPK, key=list(Status).index))


# --- the experts' decisions -----------------------------------------------------------------------

def _check_decidable(application: Application) -> None:
    status = Status(application.status)
    if status is Status.COMMISSION_DECIDED:
        raise ValidationError("Решение экспертной комиссии уже вынесено. Изменить его можно, только если ЦОК "
                              "вернёт результаты на доработку.")
    if status in AFTER_SPK:
        raise ValidationError("Результаты уже переданы в СПК: решение экспертной комиссии изменить нельзя.")
    if not ready_for_decision(application):
        raise ValidationError("Решение выносится, когда известны результаты экзамена: дождитесь окончания этапа "
                              f"(сейчас статус заявления — «{status.title}»).")


def _verdict(value: str, field: str = "verdict") -> str:
    value = (value or "").strip()
    if value not in Verdict.TITLES:
        raise ValidationError("Выберите решение: «Сдал», «Не сдал» или «Не выбрано».", field)
    return value


def _commission_for(actor: User, application: Application) -> tuple[ExamGroup, CommissionMember]:
    group = deciding_group(application)
    me = facts.membership(actor, group) if group is not None else None
    if me is None:
        raise NotFoundError("Результат экзамена не найден.")
    return group, me


def _locked(application: Application) -> Application:
    """Re-read the application under a row lock (PostgreSQL); SQLite's write lock is already held."""
    query = Application.select().where(Application.id == application.id)
    return query.get() if is_sqlite(Application._meta.database.obj) else query.for_update().get()


def _record(application: Application, group: ExamGroup, expert_id: int, verdict: str, actor: User,
            comment: str | None, now: dt.datetime) -> ExpertDecision:
    decision = ExpertDecision.get_or_none((ExpertDecision.application == application.id)
                                          & (ExpertDecision.expert == expert_id))
    if (decision is not None and actor.id != expert_id and decision.verdict == verdict
            and decision.group_id == group.id
            and facts.is_current(decision, CommissionResult.get_or_none(CommissionResult.application == application.id))):
        return decision  # the chair's form repeats a member's own decision: it stays the member's
    decision = decision or ExpertDecision(application=application, expert=expert_id)
    decision.group, decision.verdict, decision.saved_at = group, verdict, now
    decision.set_by = actor if actor.id != expert_id else None
    if comment is not None:
        decision.comment = comment.strip()[:MAX_COMMENT] or None
    decision.save()
    return decision


def decide(actor: User, application: Application, verdict: str, plugins: "PluginHost", *,
           for_expert: User | None = None, comment: str | None = None) -> ExpertDecision:
    """Save one expert's decision (the actor's own, or a member's when the actor is the chair)."""
    target = for_expert.id if for_expert is not None else actor.id
    decisions = decide_all(actor, application, {target: verdict}, plugins,
                           comments={target: comment} if comment is not None else None)
    return decisions[0]


def decide_all(actor: User, application: Application, verdicts: Mapping[int, str], plugins: "PluginHost", *,
               comments: Mapping[int, str | None] | None = None) -> list[ExpertDecision]:
    """Save several members' decisions at once (the chair's form), then count the votes once.

    `verdicts` maps an expert's id to «passed»/«failed»/«none»; only the chair may name
    anyone but themself. A comment of None leaves the stored comment as it is.
    """
    group, me = _commission_for(actor, application)
    members = {m.expert_id: m for m in facts.commission_of(group)}
    if any(expert_id != actor.id for expert_id in verdicts) and not me.is_chair:
        raise PermissionDeniedError("Решение за других экспертов указывает только председатель экспертной комиссии.")
    unknown = [expert_id for expert_id in verdicts if expert_id not in members]
    if unknown:
        raise ValidationError("Эксперт не входит в экспертную комиссию этой группы.", "verdict")
    if not verdicts:
        raise ValidationError("Выберите решение: «Сдал», «Не сдал» или «Не выбрано».", f"verdict_{actor.id}")
    checked = {expert_id: _verdict(value, f"verdict_{expert_id}") for expert_id, value in verdicts.items()}
    now = utcnow()
    with write_transaction():
        current = _locked(application)  # two last votes at once cannot both decide
        _check_decidable(current)
        saved = [_record(current, group, expert_id, value, actor, (comments or {}).get(expert_id), now)
                 for expert_id, value in checked.items()]
        _invalidate_protocol(group)
        _tally(actor, current, group, plugins)
    application.status = current.status
    return saved


def _tally(actor: User, application: Application, group: ExamGroup, plugins: "PluginHost") -> None:
    """When every member has a current decision: the commission's result and «Решение экспертной комиссии»."""
    view = facts.commission_view(application, group)
    verdict = view.verdict()
    if verdict is None:
        return
    result = view.result or CommissionResult(application=application)
    result.group, result.verdict, result.decided_at, result.returned_at = group, verdict, utcnow(), None
    result.save()
    change_status(application, Status.COMMISSION_DECIDED, ActorKind.EXPERT, actor, plugins,
                  comment=f"Решение экспертной комиссии: {Verdict.TITLES[verdict]}")


def _invalidate_protocol(group: ExamGroup) -> None:
    """The protocol shows the decisions as they were: after a change it must be generated again."""
    protocol = CommissionProtocol.get_or_none(CommissionProtocol.group == group.id)
    if protocol is not None and (protocol.pdf_digest or protocol.signed_at):
        protocol.pdf_digest = protocol.docx_digest = protocol.signed_at = None
        protocol.save()


# --- the ЦОК: «Вернуть на доработку» and «Отправить в СПК» -----------------------------------------

def _centre_result(actor: User, application: Application) -> tuple[Application, CommissionResult]:
    if Role(actor.role) not in (Role.ADMIN, Role.OPERATOR) or not actor.organisation_id or \
            actor.organisation.kind not in (OrgKind.COK.value, OrgKind.VENUE.value):
        raise PermissionDeniedError("Это действие доступно сотрудникам ЦОК и экзаменационной площадки.")
    application = get_application(actor, application.id)
    result = CommissionResult.get_or_none(CommissionResult.application == application.id)
    if Status(application.status) is not Status.COMMISSION_DECIDED or result is None:
        raise ValidationError("Действие доступно, когда экспертная комиссия вынесла решение; сейчас статус "
                              f"заявления — «{Status(application.status).title}».")
    return application, result


def return_for_rework(actor: User, application: Application, comment: str, plugins: "PluginHost") -> CommissionResult:
    """«Вернуть на доработку»: back to the status decided from; every expert must save again."""
    application, result = _centre_result(actor, application)
    comment = (comment or "").strip()
    if len(comment) < 3:
        raise ValidationError("Укажите, что должна доработать экспертная комиссия.", "comment")
    decided = (ApplicationStatusChange.select().where(
        (ApplicationStatusChange.application == application.id)
        & (ApplicationStatusChange.to_status == Status.COMMISSION_DECIDED.value))
        .order_by(ApplicationStatusChange.at.desc(), ApplicationStatusChange.id.desc()).first())
    if decided is None or not decided.from_status:
        raise ValidationError("Не найден статус, из которого вынесено решение: вернуть его на доработку нельзя.")
    with write_transaction():
        result.returned_at, result.return_comment = utcnow(), comment[:MAX_COMMENT]
        result.save()
        _invalidate_protocol(result.group)
        change_status(application, Status(decided.from_status), ActorKind.CENTRE, actor, plugins,
                      comment="Результаты экзамена возвращены экспертной комиссии на доработку")
        for member in facts.commission_of(result.group_id):
            queue_mail(member.expert.email, f"Результаты экзамена возвращены на доработку: {application.full_name}",
                       f"Здравствуйте, {member.expert.full_name}!\n\n"
                       f"{actor.organisation.short_name} вернул на доработку решение экспертной комиссии по "
                       f"соискателю {application.full_name} ({application.qualification.title}).\n\n"
                       f"Комментарий: {comment}\n\nОткройте «Результаты экзаменов» в личном кабинете эксперта "
                       f"(/cabinet/expert/results/{application.id}) и сохраните решение заново.")
    return result


def send_to_spk(actor: User, application: Application, plugins: "PluginHost") -> SpkSubmission:
    """«Отправить в СПК»: the result as sent is kept as JSON; the federation delivers it."""
    application, result = _centre_result(actor, application)
    payload = build_payload(application, plugins)
    with write_transaction():
        submission = SpkSubmission.create(application=application, queued_by=actor,
                                          payload=json.dumps(payload, ensure_ascii=False, sort_keys=True))
        result.sent_to_spk_at = submission.queued_at
        result.save()
        change_status(application, Status.SENT_TO_SPK, ActorKind.CENTRE, actor, plugins,
                      comment="Результаты экзамена переданы в СПК")
    return submission


# --- the expert's «Результаты экзаменов» ---------------------------------------------------------

@dataclass(frozen=True)
class ResultFilter:
    name: str = ""
    status: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class ResultRow:
    application: Application
    group: ExamGroup
    attempt: ExamAttempt
    own_verdict: str
    returned: bool

    @property
    def exam_kind(self) -> str:
        return facts.EXAM_KIND_TITLES.get(self.attempt.stage, self.attempt.stage)


def results_for_expert(expert: User, flt: ResultFilter, page: int = 1) -> tuple[list[ResultRow], int]:
    """Deciding stages of the groups whose commission includes `expert` (theory once finished, practice
    from its start, awaiting marks), newest exam first."""
    later, later_member = ExamAttempt.alias(), GroupMember.alias()
    practised = (later.select(later.id).join(later_member, on=(later.member == later_member.id))
                 .where((later_member.application == GroupMember.application)
                        & later.stage.in_(facts.PRACTICAL_STAGES)))
    # A practical attempt is listed before it is scored: the commission's marks are what finish it.
    clauses = [CommissionMember.expert == expert.id,
               ExamAttempt.finished_at.is_null(False) | ExamAttempt.stage.in_(facts.PRACTICAL_STAGES),
               ExamAttempt.stage.in_(facts.PRACTICAL_STAGES) | ~peewee.fn.EXISTS(practised)]
    if flt.name.strip():
        clauses.append(Application.full_name.contains(flt.name.strip()))
    if flt.status:
        clauses.append(Application.status == flt.status)
    clauses += within_days(ExamGroup.starts_at, flt.date_from, flt.date_to)
    cok = Organisation.alias()
    base = (ExamAttempt.select(ExamAttempt, GroupMember, ExamGroup, Application, Qualification, cok)
            .join(GroupMember).join(ExamGroup)
            .join(CommissionMember, on=(CommissionMember.group == ExamGroup.id)).switch(GroupMember)
            .join(Application).join(Qualification).switch(Application).join(cok, on=(Application.cok == cok.id))
            .where(*clauses))
    total = base.count()
    attempts = list(base.order_by(ExamGroup.starts_at.desc(), Application.id.desc()).paginate(max(page, 1), PAGE_SIZE))
    ids = [a.member.application_id for a in attempts] or [0]
    own = {d.application_id: d.verdict for d in ExpertDecision.select(ExpertDecision.application, ExpertDecision.verdict)
           .where(ExpertDecision.application.in_(ids) & (ExpertDecision.expert == expert.id))}
    returned = {r.application_id for r in CommissionResult.select(CommissionResult.application)
                .where(CommissionResult.application.in_(ids) & CommissionResult.returned_at.is_null(False))}
    rows = [ResultRow(a.member.application, a.member.group, a, own.get(a.member.application_id, Verdict.NONE),
                      a.member.application_id in returned) for a in attempts]
    return rows, total
