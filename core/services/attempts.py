"""Exam attempts: build from the КОС, keep every answer, time by the server clock, score.

The exam type providers (plugins) compute; this module stores. An attempt is created once
per candidate and stage (a second start returns the same attempt, so a closed browser or a
restarted appliance resumes where the candidate was), its deadline is fixed at the start
from the server clock, and an answer is committed before the kiosk gets its reply. When the
deadline has passed, the attempt is finished by whoever touches it first: the candidate's
next request, the operator's page, or `finish_expired` run by `nok exam sweep`.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping

import peewee

from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import (Application, AttemptAnswer, ExamAttempt, ExamGroup, FinishReason, GroupMember, Kos,
                         Qualification, User)
from core.models.exams import GROUP_PRACTICE, GROUP_THEORY
from core.providers import ExamScore, ExamType
from core.services.applications import change_status
from core.workflow import ActorKind, Status

if TYPE_CHECKING:
    from core.plugins import PluginHost

THEORY = "theory"
PRACTICE = "practice"
PORTFOLIO = "portfolio"
MAX_ANSWER_BYTES = 20_000


class AttemptClosedError(ValidationError):
    """The attempt is finished (by the candidate, the operator or the clock): no more answers."""


def utcnow() -> dt.datetime:
    """The server clock in UTC, naive, to the microsecond (deadlines are compared with it)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


# --- КОС and stage ------------------------------------------------------------------------------

def current_kos(qualification: Qualification | int) -> Kos:
    """The КОС version exams of this qualification are built from now."""
    kos = (Kos.select().where((Kos.qualification == qualification) & Kos.is_current)
           .order_by(Kos.loaded_at.desc(), Kos.id.desc()).first())
    if kos is None:
        raise ValidationError("Для квалификации не загружен КОС: загрузите его в разделе «Квалификации».")
    return kos


def stage_for_group(group: ExamGroup, kos: Kos | None = None) -> str:
    """Which exam type a group's candidates take: theory, or practice/portfolio by the КОС."""
    if group.kind == GROUP_THEORY:
        return THEORY
    if group.kind != GROUP_PRACTICE:
        raise ValidationError(f"Неизвестный вид группы «{group.kind}».")
    data = (kos or current_kos(group.qualification_id)).data
    if data.get("practice") and data["practice"].get("tasks"):
        return PRACTICE
    if data.get("portfolio"):
        return PORTFOLIO
    raise ValidationError("В КОС нет практических заданий и требований к портфолио: практический этап провести нельзя.")


def stage_for_member(member: GroupMember, kos: Kos | None = None) -> str:
    """The stage one candidate takes: as `stage_for_group`, except that in a practice group whose
    КОС offers both a practical task and a portfolio defence, a candidate who attached a
    portfolio to the application (file or link) defends it instead."""
    group = member.group
    kos = kos or current_kos(group.qualification_id)
    stage = stage_for_group(group, kos)
    if stage == PRACTICE and kos.data.get("portfolio"):
        application = member.application
        if application.portfolio_digest or application.portfolio_link:
            return PORTFOLIO
    return stage


def exam_type(plugins: "PluginHost", code: str) -> ExamType:
    """An instance of the exam type provider `code`, or a Russian error when its plugin is off."""
    cls = plugins.exam_types().get(code)
    if cls is None:
        raise ValidationError(f"Вид экзамена «{code}» недоступен: включите его модуль («nok plugins enable»).")
    return cls()


# --- starting and answering ---------------------------------------------------------------------

def start_attempt(member: GroupMember, plugins: "PluginHost", *, now: dt.datetime | None = None) -> ExamAttempt:
    """The member's attempt at their group's stage, created on the first call.

    A later call returns the same attempt unchanged (the deadline does not move), which is
    what makes a reload, a crashed station or a restarted appliance resume the exam.
    """
    group = member.group
    kos = current_kos(group.qualification_id)
    stage = stage_for_member(member, kos)
    existing = ExamAttempt.get_or_none((ExamAttempt.member == member.id) & (ExamAttempt.stage == stage))
    if existing is not None:
        return existing
    provider = exam_type(plugins, stage)
    seed = secrets.randbits(62)
    content = provider.build_attempt(kos.data.get(provider.kos_part or stage) or {}, seed=seed)
    now = now or utcnow()
    limit = content.get("time_limit_minutes")
    # Relaxed: the first answer's full commit makes the attempt durable with it (the log is sequential).
    with write_transaction(relaxed=True):
        existing = ExamAttempt.get_or_none((ExamAttempt.member == member.id) & (ExamAttempt.stage == stage))
        if existing is not None:  # a second station raced us
            return existing
        attempt = ExamAttempt.create(member=member, stage=stage, kos=kos, seed=seed,
                                     content=json.dumps(content, ensure_ascii=False), started_at=now,
                                     deadline_at=now + dt.timedelta(minutes=int(limit)) if limit else None)
    return attempt


def remaining_seconds(attempt: ExamAttempt, now: dt.datetime | None = None) -> int | None:
    """Whole seconds left by the server clock; ``None`` when the stage has no time limit."""
    if attempt.deadline_at is None:
        return None
    if attempt.finished_at is not None:
        return 0
    left = (attempt.deadline_at - (now or utcnow())).total_seconds()
    return max(0, int(left))


def is_expired(attempt: ExamAttempt, now: dt.datetime | None = None) -> bool:
    return (attempt.finished_at is None and attempt.deadline_at is not None
            and (now or utcnow()) >= attempt.deadline_at)


def save_answer(attempt: ExamAttempt, question_id: str, value: Any, *, now: dt.datetime | None = None) -> None:
    """Store the answer to one question, committed before returning.

    Refuses a question that is not in the attempt and any answer after the attempt was
    finished or its time ran out (`AttemptClosedError`; the caller then finishes it).
    """
    now = now or utcnow()
    if attempt.finished_at is not None:
        raise AttemptClosedError("Экзамен завершён: ответы больше не принимаются.")
    if is_expired(attempt, now):
        raise AttemptClosedError("Время экзамена истекло: ответы больше не принимаются.")
    if question_id not in question_ids(attempt):
        raise ValidationError("Такого вопроса нет в вашем варианте.")
    encoded = json.dumps(value, ensure_ascii=False)
    if len(encoded.encode()) > MAX_ANSWER_BYTES:
        raise ValidationError("Ответ слишком длинный.")
    with write_transaction():
        updated = (AttemptAnswer.update(value=encoded, saved_at=now, revision=AttemptAnswer.revision + 1)
                   .where((AttemptAnswer.attempt == attempt.id) & (AttemptAnswer.question_id == question_id))
                   .execute())
        if not updated:
            AttemptAnswer.insert(attempt=attempt.id, question_id=question_id, value=encoded, saved_at=now).execute()


def question_ids(attempt: ExamAttempt) -> list[str]:
    """Ids of the questions of a theory attempt, in the order the candidate sees them."""
    cache = attempt.__dict__.setdefault("_question_ids", {})
    if attempt.content not in cache:
        cache.clear()
        cache[attempt.content] = [q["id"] for q in attempt.data.get("questions", [])]
    return cache[attempt.content]


def answers_of(attempt: ExamAttempt) -> dict[str, Any]:
    """The candidate's current answers keyed by question id."""
    return {a.question_id: json.loads(a.value)
            for a in AttemptAnswer.select().where(AttemptAnswer.attempt == attempt.id)}


# --- finishing ----------------------------------------------------------------------------------

_STAGE_RESULT = {
    THEORY: (Status.ADMITTED, Status.THEORY_PASSED, Status.THEORY_FAILED, ActorKind.SYSTEM),
    PRACTICE: (Status.THEORY_PASSED, Status.PRACTICE_PASSED, Status.PRACTICE_FAILED, ActorKind.EXPERT),
    PORTFOLIO: (Status.THEORY_PASSED, Status.PRACTICE_PASSED, Status.PRACTICE_FAILED, ActorKind.EXPERT),
}


def finish_attempt(attempt: ExamAttempt, plugins: "PluginHost", reason: str, *,
                   responses: Mapping[str, Any] | None = None, actor: User | None = None,
                   now: dt.datetime | None = None) -> ExamAttempt:
    """Close the attempt, score it with its exam type and move the application on.

    Theory is scored from the stored answers; practice and portfolio from `responses`
    (the commission's mark per criterion). Finishing twice returns the first result.
    The application moves to «Теория сдана/не сдана» (by the system) or «Практика
    сдана/не сдана» (by the expert), and plugins hear `nok_exam_finished`.
    """
    now = now or utcnow()
    with write_transaction():
        attempt = ExamAttempt.get_by_id(attempt.id)
        if attempt.finished_at is not None:
            return attempt
        if reason == FinishReason.TIMEOUT and attempt.deadline_at is not None:
            now = min(now, attempt.deadline_at)
        given = answers_of(attempt) if responses is None else dict(responses)
        result: ExamScore = exam_type(plugins, attempt.stage).score(attempt.data, given)
        attempt.finished_at = now
        attempt.finish_reason = reason
        attempt.points, attempt.max_points, attempt.passed = result.points, result.max_points, result.passed
        attempt.details = json.dumps(dict(result.details), ensure_ascii=False, default=_json_default)
        attempt.save()
        _move_application(attempt, result.passed, actor, plugins)
        plugins.exam_finished(attempt, result)
    return attempt


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} не сериализуется в JSON")


def _move_application(attempt: ExamAttempt, passed: bool, actor: User | None, plugins: "PluginHost") -> None:
    source, ok, failed, actor_kind = _STAGE_RESULT.get(attempt.stage, (None, None, None, None))
    application: Application = attempt.member.application
    if source is None or Status(application.status) is not source:
        return  # e.g. a status already moved by the operator; the score is still kept
    target = ok if passed else failed
    points = f"{_ru_number(attempt.points)} из {_ru_number(attempt.max_points)}"
    change_status(application, target, actor_kind, actor, plugins, comment=f"Набрано баллов: {points}")


def _ru_number(value: Decimal) -> str:
    """11.25 → «11,25»: a decimal comma, as Russian documents write points."""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def finish_expired(plugins: "PluginHost", *, now: dt.datetime | None = None) -> int:
    """Finish every attempt whose time ran out; returns how many. Safe to run at any time."""
    now = now or utcnow()
    # Practice and portfolio are finished by the commission's marks, never by the clock.
    expired = list(ExamAttempt.select().where(ExamAttempt.finished_at.is_null() & ExamAttempt.deadline_at.is_null(False)
                                              & (ExamAttempt.deadline_at <= now) & (ExamAttempt.stage == THEORY)))
    for attempt in expired:
        finish_attempt(attempt, plugins, FinishReason.TIMEOUT, now=now)
    return len(expired)


def refresh(attempt: ExamAttempt, plugins: "PluginHost", *, now: dt.datetime | None = None) -> ExamAttempt:
    """The attempt as it stands now: a theory attempt is finished by the clock if its time ran out
    (practice and portfolio wait for the commission's marks)."""
    if attempt.stage == THEORY and is_expired(attempt, now):
        return finish_attempt(attempt, plugins, FinishReason.TIMEOUT, now=now)
    return attempt


def attempt_of(member: GroupMember | int, stage: str) -> ExamAttempt | None:
    return ExamAttempt.get_or_none((ExamAttempt.member == member) & (ExamAttempt.stage == stage))


def get_attempt(attempt_id: int) -> ExamAttempt:
    try:
        return (ExamAttempt.select(ExamAttempt, GroupMember, ExamGroup).join(GroupMember).join(ExamGroup)
                .where(ExamAttempt.id == attempt_id).get())
    except peewee.DoesNotExist:
        raise NotFoundError("Попытка экзамена не найдена.") from None


def record_view(attempt: ExamAttempt) -> None:
    """Audit that the current user looked at a candidate's answers (personal data)."""
    audit.record("view", "exam_attempt", attempt.id, {"stage": attempt.stage})


def attempts_for_application(application: Application | int) -> list[ExamAttempt]:
    """Every stage attempt of an application, oldest first (for the личное дело)."""
    return list(ExamAttempt.select(ExamAttempt, GroupMember, ExamGroup).join(GroupMember).join(ExamGroup)
                .where(GroupMember.application == application).order_by(ExamAttempt.started_at, ExamAttempt.id))

