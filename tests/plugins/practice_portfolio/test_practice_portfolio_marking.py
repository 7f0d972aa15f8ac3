"""Marking without the web: means rounded to 0.01 over the whole commission, the clock never finishes practice."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import Application, CommissionMember, ExamAttempt, OrgKind, Role
from core.plugins import BUILTIN_PLUGINS, PluginHost
from core.services import attempts
from core.testing_exam import ExamDayWorld
from core.workflow import Status
from plugins.practice_portfolio.marking import MarksInvalid, commission_means, open_review, save_marks


@pytest.fixture
def plugins():
    return PluginHost.with_plugins(BUILTIN_PLUGINS)


@pytest.fixture
def world(sqlcipher_db, factory):
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    return ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok))


def _marks(c1, c2, c3) -> dict:
    return {"mark-c1": c1, "mark-c2": c2, "mark-c3": c3}


def test_mean_of_three_experts_is_rounded_to_hundredths(world, plugins, factory):
    group, (member,) = world.started_group("Соколов Дмитрий Олегович", kind="practice")
    third = world.certify(factory.user(Role.EXPERT, world.spk, full_name="Третьякова Анна Павловна"))
    CommissionMember.create(group=group, expert=third)
    attempt = attempts.start_attempt(member, plugins)
    chair = open_review(world.chair, attempt.id)
    save_marks(chair, world.chair.id, _marks("3", "2", "2"), {}, plugins)
    save_marks(open_review(world.expert, attempt.id), world.expert.id, _marks("2,5", "2", "1"), {}, plugins)
    assert commission_means(ExamAttempt.get_by_id(attempt.id), [world.chair.id, world.expert.id, third.id],
                            attempt.data["criteria"]) is None
    done = save_marks(open_review(third, attempt.id), third.id, _marks("2.5", "3", "0"), {}, plugins)
    # c1 (3+2.5+2.5)/3 = 2.666… → 2.67; c2 7/3 → 2.33; c3 3/3 = 1.00 → 6.00 of 8
    assert done.score_details["criteria"] == {"c1": "2.67", "c2": "2.33", "c3": "1.00"}
    assert done.points == Decimal("6.00") and done.passed
    assert Application.get_by_id(member.application_id).status == Status.PRACTICE_PASSED.value


def test_all_bad_fields_are_reported_at_once(world, plugins):
    _, (member,) = world.started_group("Соколов Дмитрий Олегович", kind="practice")
    attempt = attempts.start_attempt(member, plugins)
    with pytest.raises(MarksInvalid) as caught:
        save_marks(open_review(world.expert, attempt.id), world.expert.id, _marks("", "9", "0.25"), {}, plugins)
    assert set(caught.value.errors) == {"mark-c1", "mark-c2", "mark-c3"}


def test_staff_see_but_do_not_mark(world, plugins, factory):
    _, (member,) = world.started_group("Соколов Дмитрий Олегович", kind="practice")
    attempt = attempts.start_attempt(member, plugins)
    review = open_review(factory.user(Role.OPERATOR, world.venue), attempt.id)
    assert review.seat is None and review.markable() == []
    with pytest.raises(PermissionDeniedError):
        save_marks(review, world.chair.id, _marks("1", "1", "1"), {}, plugins)
    other_venue = factory.org(OrgKind.VENUE, parent=world.cok)
    with pytest.raises(NotFoundError, match="не найдена"):
        open_review(factory.user(Role.ADMIN, other_venue), attempt.id)


def test_the_clock_never_finishes_practice(world, plugins):
    _, (member,) = world.started_group("Соколов Дмитрий Олегович", kind="practice")
    attempt = attempts.start_attempt(member, plugins)
    assert attempt.deadline_at is not None  # the task is timed for handing in files
    late = attempt.deadline_at + dt.timedelta(minutes=1)
    assert attempts.finish_expired(plugins, now=late) == 0
    assert ExamAttempt.get_by_id(attempt.id).finished_at is None
    # and the commission can still finish it
    for expert in (world.chair, world.expert):
        save_marks(open_review(world.chair, attempt.id), expert.id, _marks("1", "1", "1"), {}, plugins)
    assert ExamAttempt.get_by_id(attempt.id).finish_reason == "scored"
    with pytest.raises(ValidationError, match="Оценивание завершено"):
        save_marks(open_review(world.chair, attempt.id), world.chair.id, _marks("2", "2", "2"), {}, plugins)
