"""The commission's marks for a practical task or a portfolio defence.

Each expert of the group's commission marks every criterion from 0 to its maximum in steps
of 0.5; the chair («Председатель») may enter the marks of any expert of the commission (seed
002: «председатель может указать решение по каждому эксперту»). When every expert has marked
every criterion, the attempt is scored with the mean mark per criterion (rounded to 0.01) and
the application moves to «Практика сдана/не сдана» with the completing expert as the actor;
the marks are read-only from then on. ЦОК and venue staff of the group see everything but
mark nothing; anybody else — another expert, another organisation — is told «not found».
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Mapping

from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (Application, CommissionMember, ExamAttempt, ExamGroup, FinishReason, GroupMember, OrgKind,
                         PracticeMark, Role, User)
from core.models.organisations import _now
from core.services import attempts
from plugins.practice_portfolio.providers import CENT, json_number, to_decimal
from plugins.practice_portfolio.station import STAGES

if TYPE_CHECKING:
    from core.plugins import PluginHost

STEP = Decimal("0.5")
MAX_COMMENT = 1000


class MarksInvalid(ValidationError):
    """Some marks were refused: `errors` maps each form field to its Russian message."""

    def __init__(self, errors: dict[str, str]):
        first = next(iter(errors))
        super().__init__(errors[first], first)
        self.errors = errors


@dataclass
class Review:
    """One attempt as `user` may see it: the group, the commission and the user's seat in it."""

    attempt: ExamAttempt
    group: ExamGroup
    application: Application
    user: User
    commission: list[CommissionMember] = field(default_factory=list)
    seat: CommissionMember | None = None  # the user's own place in the commission (experts only)

    @property
    def criteria(self) -> list[dict]:
        return self.attempt.data.get("criteria") or []

    @property
    def is_chair(self) -> bool:
        return self.seat is not None and self.seat.is_chair

    @property
    def can_mark(self) -> bool:
        return self.seat is not None and self.attempt.finished_at is None

    def markable(self) -> list[User]:
        """Whose marks the user may enter: the chair anyone's of the commission, an expert their own."""
        if not self.can_mark:
            return []
        if self.is_chair:
            return [m.expert for m in self.commission]
        return [self.user]


def open_review(user: User, attempt_id: int) -> Review:
    """The attempt for the user's eyes, or `NotFoundError` when it is none of their business."""
    try:
        attempt = attempts.get_attempt(attempt_id)
    except NotFoundError:
        raise NotFoundError("Попытка экзамена не найдена.") from None
    if attempt.stage not in STAGES:
        raise NotFoundError("Попытка экзамена не найдена.")
    member: GroupMember = attempt.member
    group: ExamGroup = member.group
    commission = list(CommissionMember.select(CommissionMember, User).join(User, on=CommissionMember.expert)
                      .where(CommissionMember.group == group.id)
                      .order_by(CommissionMember.is_chair.desc(), User.full_name))
    review = Review(attempt, group, member.application, user, commission)
    role = Role(user.role)
    if role is Role.EXPERT:
        review.seat = next((m for m in commission if m.expert_id == user.id), None)
        if review.seat is None:
            raise NotFoundError("Попытка экзамена не найдена.")
        return review
    if role in (Role.ADMIN, Role.OPERATOR) and user.organisation_id:
        kind = user.organisation.kind
        if (kind == OrgKind.COK.value and group.cok_id == user.organisation_id) or \
                (kind == OrgKind.VENUE.value and group.venue_id == user.organisation_id):
            return review
    raise NotFoundError("Попытка экзамена не найдена.")


def marks_by_expert(attempt: ExamAttempt) -> dict[int, dict[str, PracticeMark]]:
    """expert id → criterion id → mark, one query."""
    table: dict[int, dict[str, PracticeMark]] = {}
    for mark in PracticeMark.select().where(PracticeMark.attempt == attempt.id):
        table.setdefault(mark.expert_id, {})[mark.criterion_id] = mark
    return table


def parse_marks(criteria: list[dict], raw: Mapping[str, str]) -> dict[str, Decimal]:
    """Every criterion's mark from the form (`mark-<id>`), or `MarksInvalid` naming each bad field."""
    values, errors = {}, {}
    for criterion in criteria:
        name, text = f"mark-{criterion['id']}", (raw.get(f"mark-{criterion['id']}") or "").strip()
        top = Decimal(str(criterion["max_points"]))
        if not text:
            errors[name] = "Поставьте оценку по этому критерию."
            continue
        try:
            points = to_decimal(text, "Оценка")
        except ValidationError:
            errors[name] = f"Оценка — число от 0 до {_shown(top)}, например 1,5."
            continue
        if points < 0 or points > top:
            errors[name] = f"Оценка должна быть от 0 до {_shown(top)}."
        elif points % STEP:
            errors[name] = "Оценка ставится с шагом 0,5 (например, 2 или 2,5)."
        else:
            values[criterion["id"]] = points.quantize(CENT)
    if errors:
        raise MarksInvalid(errors)
    return values


def _shown(value: Decimal) -> str:
    return str(json_number(value)).replace(".", ",")


def save_marks(review: Review, expert_id: int, raw_marks: Mapping[str, str], raw_comments: Mapping[str, str],
               plugins: "PluginHost") -> ExamAttempt:
    """Store one expert's marks (entered by them or by the chair); finish the attempt when all are in."""
    if review.seat is None:
        raise PermissionDeniedError("Оценки ставят только эксперты комиссии этой группы.")
    target = next((u for u in review.markable() if u.id == expert_id), None)
    if review.attempt.finished_at is not None:
        raise ValidationError("Оценивание завершено: оценки больше не изменяются.")
    if target is None:
        raise PermissionDeniedError("Оценки другого эксперта может ввести только председатель комиссии.")
    values = parse_marks(review.criteria, raw_marks)
    comments = {cid: (raw_comments.get(f"comment-{cid}") or "").strip()[:MAX_COMMENT] or None for cid in values}
    with write_transaction():
        attempt = ExamAttempt.get_by_id(review.attempt.id)
        if attempt.finished_at is not None:
            raise ValidationError("Оценивание завершено: оценки больше не изменяются.")
        current = marks_by_expert(attempt).get(target.id, {})
        for cid, points in values.items():
            row = current.get(cid) or PracticeMark(attempt=attempt.id, expert=target.id, criterion_id=cid)
            if row.id is None or row.points != points or row.comment != comments[cid]:
                row.points, row.comment, row.saved_at = points, comments[cid], _now()
                row.save()
        if target.id != review.user.id:
            audit.record("marks_by_chair", "exam_attempt", attempt.id, {"expert": target.id})
        means = commission_means(attempt, [m.expert_id for m in review.commission], review.criteria)
        if means is not None:
            attempt = attempts.finish_attempt(attempt, plugins, FinishReason.SCORED, responses=means,
                                              actor=review.user)
    review.attempt = attempt
    return attempt


def commission_means(attempt: ExamAttempt, expert_ids: list[int], criteria: list[dict]) -> dict[str, Decimal] | None:
    """The mean mark per criterion once every expert marked every criterion, else None."""
    table = marks_by_expert(attempt)
    if not expert_ids or not criteria:
        return None
    means = {}
    for criterion in criteria:
        cid = criterion["id"]
        marks = [table.get(expert, {}).get(cid) for expert in expert_ids]
        if any(mark is None for mark in marks):
            return None
        total = sum((Decimal(mark.points) for mark in marks), Decimal(0))
        means[cid] = (total / len(marks)).quantize(CENT, rounding=ROUND_HALF_UP)
    return means
