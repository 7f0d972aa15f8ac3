"""The practice and portfolio providers: deterministic attempts from the КОС, strict scoring of marks."""
from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from core.exceptions import ValidationError
from core.testing_exam import SMALL_KOS
from plugins.practice_portfolio.providers import PortfolioDefence, PracticeExam


def practice_tools(count: int = 3) -> dict:
    tools = copy.deepcopy(SMALL_KOS["practice"])
    base = tools["tasks"][0]
    for n in range(2, count + 1):
        task = copy.deepcopy(base)
        task.update(id=f"t{n}", title=f"Задание {n}")
        tools["tasks"].append(task)
    return tools


def test_practice_attempt_has_one_task_with_its_criteria():
    attempt = PracticeExam().build_attempt(SMALL_KOS["practice"], seed=7)
    assert attempt["task"] == {"id": "t1", "title": "Оценка профессиональных рисков на участке сварки",
                               "text": SMALL_KOS["practice"]["tasks"][0]["text"],
                               "materials": "Описание участка, карта СОУТ", "time_limit_minutes": 60}
    assert [c["id"] for c in attempt["criteria"]] == ["c1", "c2", "c3"]
    assert attempt["max_points"] == 8 and attempt["pass_points"] == 5 and attempt["time_limit_minutes"] == 60
    assert json.loads(json.dumps(attempt)) == attempt  # stored as JSON unchanged


def test_practice_task_is_drawn_by_seed():
    tools = practice_tools(5)
    drawn = {PracticeExam().build_attempt(tools, seed=seed)["task"]["id"] for seed in range(40)}
    assert len(drawn) > 1  # the seed decides
    for seed in (1, 99, 2 ** 61 + 5):
        assert PracticeExam().build_attempt(tools, seed=seed) == PracticeExam().build_attempt(tools, seed=seed)


def test_practice_without_tasks_or_criteria_is_refused():
    with pytest.raises(ValidationError, match="нет практических заданий"):
        PracticeExam().build_attempt({"tasks": []}, seed=1)
    tools = practice_tools(1)
    tools["tasks"][0]["criteria"] = []
    with pytest.raises(ValidationError, match="не заданы критерии"):
        PracticeExam().build_attempt(tools, seed=1)
    tools = practice_tools(1)
    tools["tasks"][0]["pass_points"] = 100
    with pytest.raises(ValidationError, match="проходной балл"):
        PracticeExam().build_attempt(tools, seed=1)


def test_portfolio_attempt_keeps_requirements_and_criteria():
    attempt = PortfolioDefence().build_attempt(SMALL_KOS["portfolio"], seed=3)
    assert attempt["requirements"].startswith("Документы, подтверждающие опыт")
    assert [c["id"] for c in attempt["criteria"]] == ["p1", "p2"] and "task" not in attempt
    assert (attempt["max_points"], attempt["pass_points"], attempt["time_limit_minutes"]) == (5, 3, None)
    assert attempt == PortfolioDefence().build_attempt(SMALL_KOS["portfolio"], seed=4)
    with pytest.raises(ValidationError, match="портфолио"):
        PortfolioDefence().build_attempt({"requirements": "…", "criteria": []}, seed=1)


def test_practice_score_sums_marks_and_compares_with_threshold():
    attempt = PracticeExam().build_attempt(SMALL_KOS["practice"], seed=1)
    passed = PracticeExam().score(attempt, {"c1": Decimal("2.5"), "c2": "2,5", "c3": 0})
    assert (passed.points, passed.max_points, passed.passed) == (Decimal("5.00"), 8, True)
    assert passed.details == {"criteria": {"c1": "2.50", "c2": "2.50", "c3": "0.00"}}
    failed = PracticeExam().score(attempt, {"c1": 3, "c2": 1.67, "c3": Decimal("0.33")})
    assert failed.points == Decimal("5.00") and failed.passed
    low = PracticeExam().score(attempt, {"c1": 3, "c2": 1.66, "c3": Decimal("0.33")})
    assert low.points == Decimal("4.99") and not low.passed


@pytest.mark.parametrize("marks, message", [
    ({"c1": 1, "c2": 1}, "Нет оценки по критерию «Меры по снижению рисков обоснованы»"),
    ({"c1": 1, "c2": 1, "c3": 1, "c9": 1}, "Критерия «c9» нет"),
    ({"c1": -1, "c2": 1, "c3": 1}, "не может быть отрицательной"),
    ({"c1": 1, "c2": 1, "c3": "2.5"}, "больше максимального балла 2"),
    ({"c1": "много", "c2": 1, "c3": 1}, "не число"),
    ({"c1": True, "c2": 1, "c3": 1}, "укажите число"),
    ({"c1": "NaN", "c2": 1, "c3": 1}, "не число"),
])
def test_practice_score_refuses_bad_marks(marks, message):
    attempt = PracticeExam().build_attempt(SMALL_KOS["practice"], seed=1)
    with pytest.raises(ValidationError, match=message):
        PracticeExam().score(attempt, marks)


def test_portfolio_score():
    attempt = PortfolioDefence().build_attempt(SMALL_KOS["portfolio"], seed=1)
    result = PortfolioDefence().score(attempt, {"p1": 2, "p2": "0.5"})
    assert (result.points, result.max_points, result.passed) == (Decimal("2.50"), 5, False)
    with pytest.raises(ValidationError, match="Защита портфолио"):
        PortfolioDefence().score(attempt, {"p1": 2})


def test_score_is_pure():
    attempt = PracticeExam().build_attempt(SMALL_KOS["practice"], seed=1)
    frozen = copy.deepcopy(attempt)
    marks = {"c1": 1, "c2": 2, "c3": 2}
    assert PracticeExam().score(attempt, marks) == PracticeExam().score(attempt, marks)
    assert attempt == frozen and marks == {"c1": 1, "c2": 2, "c3": 2}


def test_paths_and_kos_parts():
    assert (PracticeExam.kos_part, PortfolioDefence.kos_part) == ("practice", "portfolio")
    assert PracticeExam.candidate_path == PortfolioDefence.candidate_path == "/p/practice_portfolio/take"
    assert PracticeExam.review_path.format(attempt_id=5) == "/p/practice_portfolio/attempts/5"
