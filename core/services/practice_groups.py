"""Группы по практике: what differs from theory groups (seed 002, Постановление 1204).

Practice follows a passed theory, so a practice group takes applications in «Теория сдана»
and joining, leaving or being admitted leaves that status as it is (the practical part
itself moves it to «Практика сдана/не сдана»). A candidate is in at most one practice group
at a time; a refused admission frees them for another one. The group page shows how far
each candidate is (`PracticeProgress`). `core.services.exam_groups` calls these helpers.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import peewee

from core.exceptions import ValidationError
from core.models import (Admission, Application, AttemptFile, CommissionMember, ExamAttempt, ExamGroup, GroupMember,
                         PracticeMark)
from core.models.exams import GROUP_PRACTICE
from core.services import notify
from core.workflow import Status

PRACTICE_READY = (Status.THEORY_PASSED,)


def is_practice(group: ExamGroup) -> bool:
    return group.kind == GROUP_PRACTICE


def practice_members() -> peewee.ModelSelect:
    """Memberships that hold a candidate in a practice group (a refused admission does not)."""
    return (GroupMember.select(GroupMember, ExamGroup).join(ExamGroup)
            .where((ExamGroup.kind == GROUP_PRACTICE) & (GroupMember.admission != Admission.REFUSED)))


def eligible_clauses(group: ExamGroup) -> list[peewee.Expression]:
    """Theory passed, in no practice group and not in this one (filters of `eligible_applications`)."""
    here = GroupMember.select(GroupMember.application).where(GroupMember.group == group.id)
    return [Application.status.in_([s.value for s in PRACTICE_READY]),
            Application.id.not_in(practice_members().select(GroupMember.application)),
            Application.id.not_in(here)]


def check_candidate(group: ExamGroup, application: Application) -> None:
    """Refuse, in Russian, an application that may not join this practice group."""
    if Status(application.status) not in PRACTICE_READY:
        raise ValidationError("В группу по практике включают только соискателей, сдавших теорию; "
                              f"статус этого заявления — «{Status(application.status).title}».")
    if GroupMember.select().where((GroupMember.group == group.id)
                                  & (GroupMember.application == application.id)).exists():
        raise ValidationError("Соискатель уже включён в эту группу.")
    other = practice_members().where((GroupMember.application == application.id)
                                     & (ExamGroup.id != group.id)).first()
    if other is not None:
        raise ValidationError("Соискатель уже включён в другую группу по практике "
                              f"({other.group.starts_at:%d.%m.%Y %H:%M}).")


def mail_refusal(member: GroupMember, reason: str) -> None:
    """Refused practice admission has no status of its own: the applicant hears it by letter."""
    application, group = member.application, member.group
    number = application.number or f"№ {application.id}"
    notify.queue_mail(application.applicant.email, f"Заявление {number}: не допущен к практическому этапу",
                      f"Здравствуйте, {application.applicant.full_name}!\n\n"
                      f"Вы не допущены к практическому этапу экзамена {group.starts_at:%d.%m.%Y %H:%M} "
                      f"({group.qualification.title}).\n\nПричина: {reason}\n\n"
                      "Статус заявления остаётся «Теория сдана»: ЦОК включит вас в другую группу по практике.")


@dataclass(frozen=True)
class PracticeProgress:
    """How far a candidate is: the attempt, files handed in, experts who marked every criterion."""

    attempt: ExamAttempt | None
    files: int = 0
    marked_by: int = 0
    experts: int = 0

    @property
    def state(self) -> str:
        if self.attempt is None:
            return "Не начато"
        if self.attempt.finished_at is not None:
            return "Оценено комиссией"
        if self.marked_by:
            return f"Оценили {self.marked_by} из {self.experts} экспертов"
        return f"Загружено файлов: {self.files}" if self.files else "Выполняется"

    @property
    def result(self) -> str:
        """«6,5 из 8 — сдано» once the commission's marks are complete, else «—»."""
        attempt = self.attempt
        if attempt is None or attempt.finished_at is None or attempt.points is None:
            return "—"
        verdict = "сдано" if attempt.passed else "не сдано"
        return f"{points_text(attempt.points)} из {points_text(attempt.max_points)} — {verdict}"


def points_text(value: Decimal | None) -> str:
    """Points the Russian way: «6,5», «10», «7,25»."""
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def attach_progress(group: ExamGroup, members: list[GroupMember]) -> None:
    """Set `member.practice` (`PracticeProgress`) on each member, in four queries whatever their number."""
    attempts = {a.member_id: a for a in ExamAttempt.select().where(ExamAttempt.member.in_([m.id for m in members]))}
    ids = [a.id for a in attempts.values()]
    files = dict(AttemptFile.select(AttemptFile.attempt, peewee.fn.COUNT(AttemptFile.id))
                 .where(AttemptFile.attempt.in_(ids)).group_by(AttemptFile.attempt).tuples())
    marked = (PracticeMark.select(PracticeMark.attempt, PracticeMark.expert, peewee.fn.COUNT(PracticeMark.id))
              .where(PracticeMark.attempt.in_(ids)).group_by(PracticeMark.attempt, PracticeMark.expert).tuples())
    counts: dict[int, list[int]] = {}
    for attempt_id, _expert, count in marked:
        counts.setdefault(attempt_id, []).append(count)
    experts = CommissionMember.select().where(CommissionMember.group == group.id).count()
    for member in members:
        attempt = attempts.get(member.id)
        if attempt is None:
            member.practice = PracticeProgress(None, experts=experts)
            continue
        criteria = len(attempt.data.get("criteria") or [])
        done = sum(1 for count in counts.get(attempt.id, []) if criteria and count >= criteria)
        member.practice = PracticeProgress(attempt, files.get(attempt.id, 0), done, experts)
