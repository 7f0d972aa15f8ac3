"""TheoryExam: drawing per the specification, the key kept apart, scoring every question type."""
from __future__ import annotations

import copy
import random
from decimal import Decimal

import pytest

from core.exceptions import ValidationError
from core.testing_exam import SMALL_KOS, right_answer
from plugins.theory_exam.providers import TheoryExam, is_correct, is_given, normalise_text, parse_number, \
    variant_question

THEORY = SMALL_KOS["theory"]


def bank_question(qid: str) -> dict:
    for section in THEORY["sections"]:
        for q in section["questions"]:
            if q["id"] == qid:
                return q
    raise KeyError(qid)


def variant(qid: str, seed: int = 0) -> dict:
    return variant_question(bank_question(qid), random.Random(seed), "s")


def bigger_bank(size: int = 12) -> dict:
    """One section of `size` single-choice questions of four options, draw 8 of them."""
    questions = [{"id": f"q{i}", "type": "single", "text": f"Вопрос {i}", "points": 1,
                  "options": [{"id": o, "text": f"{o}{i}", "correct": o == "a"} for o in "abcd"]}
                 for i in range(size)]
    return {"specification": {"time_limit_minutes": 20, "pass_points": 5,
                              "draw": [{"section": "s", "count": 8}]},
            "sections": [{"id": "s", "title": "Раздел", "questions": questions}], "samples": []}


# --- every question type: right, wrong, blank ----------------------------------------------------

@pytest.mark.parametrize("given, right", [
    ("a", True), ("b", False), ("c", False), (["a"], False), ("A", False), ("", False), (None, False),
])
def test_single(given, right):
    assert is_correct(variant("s1-q1"), given) is right


@pytest.mark.parametrize("given, right", [
    (["a", "b"], True), (["b", "a"], True),
    (["a"], False),  # subset
    (["a", "b", "c"], False),  # superset
    (["a", "b", "b"], False), (["a", "a", "b"], False),  # duplicates
    (["c", "d"], False), ([], False), ("a", False), ({"a": True, "b": True}, False), (None, False),
    ([["a"], "b"], False), ([{"x": 1}], False),
])
def test_multiple(given, right):
    assert is_correct(variant("s1-q2"), given) is right


def test_multiple_ids_are_strings_and_a_repeat_is_wrong():
    """Found by these tests: `[1, "1", "c"]` used to count as the right answer {"1", "c"}."""
    q = {"id": "m", "type": "multiple", "key": {"correct": ["1", "c"]}}
    assert is_correct(q, ["1", "c"])
    assert not is_correct(q, [1, "1", "c"])
    assert not is_correct(q, [1, "c"])


@pytest.mark.parametrize("text, right", [
    ("регистрации", True), ("РЕГИСТРАЦИИ", True), ("  Журнал   регистрации ", True), ("журнал\tрегистрации", True),
    ("журналрегистрации", False), ("регистрация", False), ("", False), ("   ", False),
])
def test_text_case_and_spaces(text, right):
    assert is_correct(variant("s1-q4"), text) is right


def test_text_yo_is_e_both_ways():
    q = variant_question({"id": "t", "type": "text", "text": "?", "answers": ["Ёлка зелёная"]}, random.Random(1))
    assert is_correct(q, "елка зеленая") and is_correct(q, "ЁЛКА ЗЕЛЁНАЯ") and is_correct(q, "Елка Зеленая")
    assert not is_correct(q, "ёлка")
    assert normalise_text("  Ёж\n\nЁЖ ") == "еж еж"


@pytest.mark.parametrize("given, right", [
    ("3", True), ("3,0", True), ("3.00", True), (" 3 ", True), (3, True), ("4", False), ("3,1", False),
    ("три", False), ("", False), (None, False), (True, False),
])
def test_number_exact(given, right):
    assert is_correct(variant("s1-q3"), given) is right


@pytest.mark.parametrize("given, right", [
    ("12,5", True), ("12.5", True), ("12,3", True), ("12,7", True), ("12,2", True), ("12,8", True),
    ("12,81", False), ("12,19", False), ("1 2,5", True), ("NaN", False), ("Infinity", False),
])
def test_number_comma_and_tolerance(given, right):
    q = variant_question({"id": "n", "type": "number", "text": "?", "answer": 12.5, "tolerance": 0.3},
                         random.Random(0))
    assert is_correct(q, given) is right


def test_parse_number():
    assert parse_number("12,5") == Decimal("12.5")
    assert parse_number("1\u00a0000") == Decimal(1000)
    assert parse_number("abc") is None and parse_number(False) is None and parse_number("-inf") is None


@pytest.mark.parametrize("given, right", [
    ({"p1": "p1", "p2": "p2", "p3": "p3"}, True),
    ({"p1": "p2", "p2": "p1", "p3": "p3"}, False),
    ({"p1": "p1", "p2": "p2"}, False),  # one left unmatched
    ({"p1": "p1", "p2": "p2", "p3": "p3", "p4": "p4"}, False),
    ({}, False), (["p1", "p2", "p3"], False), (None, False),
])
def test_matching(given, right):
    assert is_correct(variant("s2-q2"), given) is right


@pytest.mark.parametrize("given, right", [
    (["a", "b", "c"], True), (["b", "a", "c"], False), (["a", "b"], False), (["a", "b", "c", "c"], False),
    ("abc", False), ([], False),
])
def test_ordering(given, right):
    assert is_correct(variant("s2-q1"), given) is right


@pytest.mark.parametrize("value, answered", [
    (None, False), ("", False), ("  ", False), ([], False), ({}, False), ("a", True), (["a"], True), (0, True),
])
def test_blank_is_not_answered(value, answered):
    assert is_given(value) is answered


# --- the variant ---------------------------------------------------------------------------------

def test_draws_per_section_counts_and_never_samples():
    attempt = TheoryExam().build_attempt(THEORY, seed=42)
    sections = [q["section"] for q in attempt["questions"]]
    assert sections.count("s1") == 3 and sections.count("s2") == 3
    ids = [q["id"] for q in attempt["questions"]]
    assert len(set(ids)) == 6
    for seed in range(200):
        drawn = {q["id"] for q in TheoryExam().build_attempt(THEORY, seed=seed)["questions"]}
        assert not drawn & {"demo-1", "demo-2"}
    assert (attempt["time_limit_minutes"], attempt["pass_points"], attempt["max_points"]) == (30, 4, 6)


def test_every_bank_question_gets_drawn_sometimes():
    seen = set()
    for seed in range(200):
        seen |= {q["id"] for q in TheoryExam().build_attempt(THEORY, seed=seed)["questions"]}
    assert seen == {q["id"] for s in THEORY["sections"] for q in s["questions"]}


def test_same_seed_same_variant_different_seed_different_order():
    bank = bigger_bank()
    first = TheoryExam().build_attempt(bank, seed=7)
    assert TheoryExam().build_attempt(copy.deepcopy(bank), seed=7) == first
    others = [TheoryExam().build_attempt(bank, seed=seed) for seed in (8, 9, 10)]
    orders = {tuple(q["id"] for q in a["questions"]) for a in [first, *others]}
    assert len(orders) == 4
    options = {tuple(o["id"] for o in a["questions"][0]["options"]) for a in [first, *others]}
    assert len(options) > 1


def test_key_is_kept_apart_and_options_shuffled():
    bank = bigger_bank()
    attempt = TheoryExam().build_attempt(bank, seed=3)
    orders = set()
    for q in attempt["questions"]:
        assert q["key"] == {"correct": "a"}
        assert all(set(o) == {"id", "text"} for o in q["options"])  # no "correct" flag beside the option
        assert sorted(o["id"] for o in q["options"]) == list("abcd")
        orders.add(tuple(o["id"] for o in q["options"]))
    assert len(orders) > 1  # not left in the bank's order


def test_matching_sides_shuffled_and_key_kept():
    q = variant("s2-q2", seed=5)
    assert q["key"] == {"pairs": {"p1": "p1", "p2": "p2", "p3": "p3"}}
    assert {i["id"] for i in q["left"]} == {i["id"] for i in q["right"]} == {"p1", "p2", "p3"}
    assert {i["text"] for i in q["right"]} == {"При приёме на работу", "Не реже раза в 6 месяцев",
                                                "При изменении технологии"}
    sides = {tuple(i["id"] for i in variant("s2-q2", seed)["right"]) for seed in range(30)}
    assert len(sides) > 1


def test_ordering_never_starts_in_the_right_order():
    for seed in range(300):
        q = variant("s2-q1", seed=seed)
        assert [i["id"] for i in q["items"]] != ["a", "b", "c"]
        assert q["key"] == {"order": ["a", "b", "c"]}
    two = {"id": "o", "type": "ordering", "text": "?", "items": [{"id": "x", "text": "1"}, {"id": "y", "text": "2"}]}
    for seed in range(50):
        assert [i["id"] for i in variant_question(two, random.Random(seed))["items"]] == ["y", "x"]


def test_text_and_number_keys():
    assert variant("s1-q4")["key"] == {"answers": ["регистрации", "журнал регистрации"]}
    assert variant("s1-q3")["key"] == {"answer": 3, "tolerance": 0}


def test_short_section_and_unknown_type_are_refused():
    bank = bigger_bank(size=5)
    with pytest.raises(ValidationError, match="меньше вопросов"):
        TheoryExam().build_attempt(bank, seed=1)
    with pytest.raises(ValidationError, match="нет банка вопросов"):
        TheoryExam().build_attempt({"sections": []}, seed=1)
    with pytest.raises(ValidationError, match="неизвестный тип"):
        variant_question({"id": "x", "type": "essay", "text": "?"}, random.Random(0))


# --- scoring -------------------------------------------------------------------------------------

def test_score_points_threshold_and_details():
    attempt = TheoryExam().build_attempt(THEORY, seed=11)
    questions = attempt["questions"]
    responses = {q["id"]: right_answer(q) for q in questions[:4]}
    responses[questions[4]["id"]] = "совсем не то" if questions[4]["type"] != "matching" else {"p1": "p2"}
    score = TheoryExam().score(attempt, responses)
    assert (score.points, score.max_points, score.passed) == (Decimal(4), Decimal(6), True)
    assert score.details["answered"] == 5 and score.details["correct"] == 4
    assert score.details["pass_points"] == "4"
    per = score.details["questions"]
    assert per[questions[0]["id"]] == {"points": "1", "correct": True, "answered": True}
    assert per[questions[4]["id"]] == {"points": "0", "correct": False, "answered": True}
    assert per[questions[5]["id"]] == {"points": "0", "correct": False, "answered": False}
    below = TheoryExam().score(attempt, {q["id"]: right_answer(q) for q in questions[:3]})
    assert below.points == 3 and below.passed is False
    assert TheoryExam().score(attempt, {}).points == 0


def test_unknown_response_is_refused():
    attempt = TheoryExam().build_attempt(THEORY, seed=2)
    with pytest.raises(ValidationError, match="demo-1"):
        TheoryExam().score(attempt, {"demo-1": "a"})


def test_decimal_points():
    bank = bigger_bank()
    for i, q in enumerate(bank["sections"][0]["questions"]):
        q["points"] = 0.5 if i % 2 else 1.25
    bank["specification"]["pass_points"] = 2.5
    attempt = TheoryExam().build_attempt(bank, seed=4)
    expected_max = sum(Decimal(str(q["points"])) for q in attempt["questions"])
    assert Decimal(str(attempt["max_points"])) == expected_max and attempt["pass_points"] == 2.5
    responses = {q["id"]: "a" for q in attempt["questions"][:3]}
    score = TheoryExam().score(attempt, responses)
    earned = sum(Decimal(str(q["points"])) for q in attempt["questions"][:3])
    assert score.points == earned and isinstance(score.points, Decimal)
    assert score.passed is (earned >= Decimal("2.5"))
    exact = {"id": "x", "type": "single", "text": "?", "points": 0.1,
             "options": [{"id": "a", "text": "1", "correct": True}, {"id": "b", "text": "2", "correct": False}]}
    three = [variant_question(dict(exact, id=f"x{i}"), random.Random(i)) for i in range(3)]
    score = TheoryExam().score({"pass_points": 0.3, "questions": three}, {q["id"]: "a" for q in three})
    assert score.points == Decimal("0.3") and score.passed  # no float rounding: 0.1 * 3 reaches 0.3
