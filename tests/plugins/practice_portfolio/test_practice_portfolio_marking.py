"""Marking without the web: means rounded to 0.01 over the whole commission, the clock never finishes practice."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import Application, CommissionMember, ExamAttempt, OrgKind, Role
from core.services import attempts
from core.workflow import Status
from plugins.practice_portfolio.marking import MarksInvalid, commission_means, open_review, save_marks




def _marks(c1, c2, c3) -> dict:
    return {"mark-c1": c1, "mark-c2": c2, "mark-c3": c3}


def test_mean_of_three_experts_is_rounded_to_hundredths(exam_day_world, builtin_plugins, factory):
    group, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович", kind="practice")
    third = exam_day_world.certify(factory.user(Role.EXPERT, exam_day_world.spk, full_name="Третьякова Анна Павловна"))
    CommissionMember.create(group=group, expert=third)
    attempt = attempts.start_attempt(member, builtin_plugins)
    chair = open_review(exam_day_world.chair, attempt.id)
    save_marks(chair, exam_day_world.chair.id, _marks("3", "2", "2"), {}, builtin_plugins)
    save_marks(open_review(exam_day_world.expert, attempt.id), exam_day_world.expert.id, _marks("2,5", "2", "1"), {},
               builtin_plugins)
    assert commission_means(ExamAttempt.get_by_id(attempt.id),
                            [exam_day_world.chair.id, exam_day_world.expert.id, third.id],
                            attempt.data["criteria"]) is None
    done = save_marks(open_review(third, attempt.id), third.id, _marks("2.5", "3", "0"), {}, builtin_plugins)
    # c1 (3+2.5+2.5)/3 = 2.666… → 2.67; c2 7/3 → 2.33; c3 3/3 = 1.00 → 6.00 of 8
    assert done.score_details["criteria"] == {"c1": "2.67", "c2": "2.33", "c3": "1.00"}
    assert done.points == Decimal("6.00") and done.passed
    assert Application.get_by_id(member.application_id).status == Status.PRACTICE_PASSED.value


def test_all_bad_fields_are_reported_at_once(exam_day_world, builtin_plugins):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович", kind="practice")
    attempt = attempts.start_attempt(member, builtin_plugins)
    with pytest.raises(MarksInvalid) as caught:
        save_marks(open_review(exam_day_world.expert, attempt.id), exam_day_world.expert.id,
                   _marks("", "9", "0.25"), {}, builtin_plugins)
    assert set(caught.value.errors) == {"mark-c1", "mark-c2", "mark-c3"}


def test_staff_see_but_do_not_mark(exam_day_world, builtin_plugins, factory):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович", kind="practice")
    attempt = attempts.start_attempt(member, builtin_plugins)
    review = open_review(factory.user(Role.OPERATOR, exam_day_world.venue), attempt.id)
    assert review.seat is None and review.markable() == []
    with pytest.raises(PermissionDeniedError):
        save_marks(review, exam_day_world.chair.id, _marks("1", "1", "1"), {}, builtin_plugins)
    other_venue = factory.org(OrgKind.VENUE, parent=exam_day_world.cok)
    with pytest.raises(NotFoundError, match="не найдена"):
        open_review(factory.user(Role.ADMIN, other_venue), attempt.id)


def test_the_clock_never_finishes_practice(exam_day_world, builtin_plugins):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович", kind="practice")
    attempt = attempts.start_attempt(member, builtin_plugins)
    assert attempt.deadline_at is not None  # the task is timed for handing in files
    late = attempt.deadline_at + dt.timedelta(minutes=1)
    assert attempts.finish_expired(builtin_plugins, now=late) == 0
    assert ExamAttempt.get_by_id(attempt.id).finished_at is None
    # and the commission can still finish it
    for expert in (exam_day_world.chair, exam_day_world.expert):
        save_marks(open_review(exam_day_world.chair, attempt.id), expert.id, _marks("1", "1", "1"), {}, builtin_plugins)
    assert ExamAttempt.get_by_id(attempt.id).finish_reason == "scored"
    with pytest.raises(ValidationError, match="Оценивание завершено"):
        save_marks(open_review(exam_day_world.chair, attempt.id), exam_day_world.chair.id, _marks("2", "2", "2"), {},
                   builtin_plugins)
