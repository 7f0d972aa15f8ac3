"""Attempts: built once from the КОС, resumed, answers kept, timed by the server clock, scored."""
import datetime as dt
import json

import pytest

from core.exceptions import ValidationError
from core.models import ApplicationStatusChange, AttemptAnswer, ExamAttempt, FinishReason
from core.services import attempts
from core.testing_exam import kos_document, store_kos
from core.workflow import Status




def _right_answer(question):
    key = question["key"]
    return {"single": lambda: key["correct"], "multiple": lambda: key["correct"],
            "matching": lambda: key["pairs"], "ordering": lambda: key["order"],
            "text": lambda: key["answers"][0].upper(), "number": lambda: str(key["answer"]).replace(".", ",")
            }[question["type"]]()


def test_start_builds_from_the_kos_and_a_second_start_resumes(exam_day_world, builtin_plugins):
    group, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    first = attempts.start_attempt(member, builtin_plugins)
    again = attempts.start_attempt(member, builtin_plugins)
    assert again.id == first.id and again.deadline_at == first.deadline_at and again.seed == first.seed
    data = first.data
    assert len(data["questions"]) == 6 and data["time_limit_minutes"] == 30
    assert {q["section"] for q in data["questions"]} == {"s1", "s2"}
    assert (first.deadline_at - first.started_at) == dt.timedelta(minutes=30)
    # The same seed rebuilds the same variant.
    rebuilt = attempts.exam_type(builtin_plugins, "theory").build_attempt(exam_day_world.kos.data["theory"],
                                                                          seed=first.seed)
    assert rebuilt == data


def test_answers_are_kept_rewritten_and_scored(exam_day_world, builtin_plugins):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    attempt = attempts.start_attempt(member, builtin_plugins)
    questions = attempt.data["questions"]
    for q in questions[:4]:
        attempts.save_answer(attempt, q["id"], _right_answer(q))
    attempts.save_answer(attempt, questions[0]["id"], None)  # changed mind: cleared
    attempts.save_answer(attempt, questions[0]["id"], _right_answer(questions[0]))
    row = AttemptAnswer.get(AttemptAnswer.question_id == questions[0]["id"])
    assert row.revision == 3
    done = attempts.finish_attempt(attempt, builtin_plugins, FinishReason.SUBMITTED)
    assert (done.points, done.max_points, done.passed) == (4, 6, True)
    assert done.score_details["answered"] == 4 and done.score_details["correct"] == 4
    app = member.application.__class__.get_by_id(member.application_id)
    assert app.status == Status.THEORY_PASSED.value
    change = ApplicationStatusChange.select().order_by(ApplicationStatusChange.id.desc()).first()
    assert change.comment == "Набрано баллов: 4 из 6"
    # finishing again keeps the first result
    assert attempts.finish_attempt(done, builtin_plugins, FinishReason.STAFF).finish_reason == FinishReason.SUBMITTED


def test_wrong_answers_fail_the_theory(exam_day_world, builtin_plugins):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    attempt = attempts.start_attempt(member, builtin_plugins)
    for q in attempt.data["questions"]:
        attempts.save_answer(attempt, q["id"], "неверно")
    done = attempts.finish_attempt(attempt, builtin_plugins, FinishReason.SUBMITTED)
    assert done.points == 0 and done.passed is False
    assert member.application.__class__.get_by_id(member.application_id).status == Status.THEORY_FAILED.value


def test_unknown_question_and_closed_attempt_are_refused(exam_day_world, builtin_plugins):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    attempt = attempts.start_attempt(member, builtin_plugins)
    with pytest.raises(ValidationError, match="Такого вопроса нет"):
        attempts.save_answer(attempt, "s9-q9", "a")
    qid = attempt.data["questions"][0]["id"]
    late = attempt.deadline_at + dt.timedelta(seconds=1)
    with pytest.raises(attempts.AttemptClosedError, match="Время экзамена истекло"):
        attempts.save_answer(attempt, qid, "a", now=late)
    assert attempts.remaining_seconds(attempt, attempt.deadline_at - dt.timedelta(seconds=90)) == 90
    assert attempts.finish_expired(builtin_plugins, now=late) == 1
    done = ExamAttempt.get_by_id(attempt.id)
    assert done.finish_reason == FinishReason.TIMEOUT and done.finished_at == attempt.deadline_at
    with pytest.raises(attempts.AttemptClosedError, match="Экзамен завершён"):
        attempts.save_answer(done, qid, "a")


def test_practice_group_stage_follows_the_kos(exam_day_world, builtin_plugins):
    group, _ = exam_day_world.started_group("Соколов Дмитрий Олегович", kind="practice")
    assert attempts.stage_for_group(group) == "practice"
    store_kos(exam_day_world.qual, kos_document(version="2026.2", practice=None))
    assert attempts.stage_for_group(group) == "portfolio"
    store_kos(exam_day_world.qual, kos_document(version="2026.3", practice=None, portfolio=None))
    with pytest.raises(ValidationError, match="практический этап провести нельзя"):
        attempts.stage_for_group(group)


def test_a_candidate_with_a_portfolio_defends_it_in_a_practice_group(exam_day_world, builtin_plugins):
    group, (with_task, with_portfolio) = exam_day_world.started_group(
        "Соколов Дмитрий Олегович", "Орлова Анна Сергеевна", kind="practice")
    application = with_portfolio.application
    application.portfolio_link = "https://disk.example.ru/portfolio-orlova"
    application.save()
    assert attempts.stage_for_member(with_task) == "practice"
    assert attempts.stage_for_member(with_portfolio) == "portfolio"
    assert attempts.start_attempt(with_portfolio, builtin_plugins).stage == "portfolio"
    store_kos(exam_day_world.qual, kos_document(version="2026.2", portfolio=None))  # no portfolio in the КОС
    assert attempts.stage_for_member(with_portfolio) == "practice"


def test_no_kos_is_a_clear_error(exam_day_world, builtin_plugins):
    exam_day_world.kos.is_current = False
    exam_day_world.kos.save()
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    with pytest.raises(ValidationError, match="не загружен КОС"):
        attempts.start_attempt(member, builtin_plugins)


def test_answer_size_is_limited(exam_day_world, builtin_plugins):
    _, (member,) = exam_day_world.started_group("Соколов Дмитрий Олегович")
    attempt = attempts.start_attempt(member, builtin_plugins)
    text_q = next(q for q in attempt.data["questions"] if q["type"] in ("text", "number", "single"))
    with pytest.raises(ValidationError, match="слишком длинный"):
        attempts.save_answer(attempt, text_q["id"], "я" * 20000)
    assert json.loads(json.dumps(attempts.answers_of(attempt))) == {}
