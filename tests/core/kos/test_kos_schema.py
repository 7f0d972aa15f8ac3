"""`validate_kos`: the documented format, normalisation, and one precise Russian message per problem."""
from __future__ import annotations

import copy
import json

import pytest

from core.exceptions import ValidationError
from core.kos import validate_kos
from core.kos.demo.labour_safety import labour_safety_kos
from core.kos.schema import max_test_points
from core.testing_exam import SMALL_KOS
from kos_kit import small_kos


def test_small_kos_of_the_exam_tests_validates_unchanged():
    assert validate_kos(copy.deepcopy(SMALL_KOS)) == json.loads(json.dumps(SMALL_KOS))


def test_defaults_are_filled_and_numbers_normalised():
    doc = small_kos(legal_acts=None)
    del doc["required_documents"], doc["practice"], doc["portfolio"], doc["theory"]["samples"]
    question = doc["theory"]["sections"][0]["questions"][0]
    del question["points"]
    number = doc["theory"]["sections"][0]["questions"][2]
    del number["tolerance"]
    number["answer"] = 3.0
    doc["theory"]["specification"]["pass_points"] = 4.0
    doc["theory"]["sections"][1]["questions"][0]["points"] = 1.5
    out = validate_kos(doc)
    assert out["legal_acts"] == [] and out["required_documents"] == []
    assert out["practice"] is None and out["portfolio"] is None and out["theory"]["samples"] == []
    assert out["theory"]["sections"][0]["questions"][0]["points"] == 1
    normalised = out["theory"]["sections"][0]["questions"][2]
    assert normalised["tolerance"] == 0 and normalised["answer"] == 3 and type(normalised["answer"]) is int
    assert type(out["theory"]["specification"]["pass_points"]) is int
    assert out["theory"]["sections"][1]["questions"][0]["points"] == 1.5
    assert list(out) == ["format", "qualification", "version", "title", "legal_acts", "required_documents",
                         "theory", "practice", "portfolio"]


def test_pass_points_are_checked_against_the_cheapest_variant():
    doc = small_kos()
    section = doc["theory"]["sections"][0]["questions"]
    section[0]["points"], section[1]["points"], section[2]["points"], section[3]["points"] = 3, 1, 2, 5
    # s1 draws 3 of points {1, 2, 3, 5}: the cheapest is 1+2+3 = 6; s2 draws 3 of four 1-point questions: 3.
    assert max_test_points(validate_kos(doc)["theory"]) == 9
    doc["theory"]["specification"]["pass_points"] = 9
    validate_kos(doc)
    doc["theory"]["specification"]["pass_points"] = 9.5
    with pytest.raises(ValidationError) as err:
        validate_kos(doc)
    assert err.value.message == ("Спецификация теста: проходной балл 9,5 больше, чем можно набрать в тесте (9 при самом "
                                 "«дешёвом» наборе вопросов)")


def _q(doc, section, n):
    return doc["theory"]["sections"][section]["questions"][n]


def _set(path_fn, value):
    def change(doc):
        target, key = path_fn(doc)
        target[key] = value
    return change


def _delete(path_fn):
    def change(doc):
        target, key = path_fn(doc)
        del target[key]
    return change


def _more_s2_questions(doc):
    for n in range(5, 9):
        doc["theory"]["sections"][1]["questions"].append({"id": f"s2-q{n}", "type": "text", "text": "?", "answers": ["да"]})
    doc["theory"]["specification"]["draw"][1]["count"] = 10


CASES = [
    ("not an object", lambda d: d.clear() or d.update(x=1), "КОС: неизвестное поле «x»"),
    ("format", _set(lambda d: (d, "format"), "nok-kos/2"), "КОС: формат «nok-kos/2» не поддерживается"),
    ("qualification code", _set(lambda d: (d, "qualification"), "40.054"),
     "КОС: код квалификации «40.054» должен иметь вид NN.NNNNN.NN"),
    ("version length", _set(lambda d: (d, "version"), "v" * 33), "длиннее 32 символов"),
    ("empty title", _set(lambda d: (d, "title"), "  "), "КОС: поле title должно быть непустой строкой"),
    ("no theory", _delete(lambda d: (d, "theory")), "Теоретическая часть: нет раздела theory"),
    ("no correct option", _set(lambda d: (_q(d, 0, 0)["options"][0], "correct"), False),
     "Вопрос s1-q1: нет правильного варианта ответа"),
    ("two correct in single", _set(lambda d: (_q(d, 0, 0)["options"][1], "correct"), True),
     "Вопрос s1-q1: в вопросе с одним ответом должен быть ровно один правильный вариант, а отмечено 2"),
    ("multiple without correct", lambda d: [o.update(correct=False) for o in _q(d, 0, 1)["options"]],
     "Вопрос s1-q2: нет правильного варианта ответа"),
    ("one option", _set(lambda d: (_q(d, 0, 0), "options"), [{"id": "a", "text": "Да", "correct": True}]),
     "Вопрос s1-q1: нужно не меньше двух вариантов ответа в поле options"),
    ("correct not bool", _set(lambda d: (_q(d, 0, 0)["options"][0], "correct"), "да"),
     "Вопрос s1-q1, вариант № 1: поле correct должно быть true или false"),
    ("typo in a field", lambda d: _q(d, 0, 0)["options"][1].update(corect=True),
     "Вопрос s1-q1, вариант № 2: неизвестное поле «corect»"),
    ("duplicate option", _set(lambda d: (_q(d, 0, 1)["options"][1], "id"), "a"),
     "Вопрос s1-q2: вариант ответа «a» повторяется"),
    ("bad question id", _set(lambda d: (_q(d, 0, 0), "id"), "вопрос 1"),
     "Вопрос вопрос 1: идентификатор «вопрос 1» недопустим"),
    ("missing question id", _delete(lambda d: (_q(d, 1, 2), "id")),
     "Раздел s2, вопрос № 3: идентификатор «не указан» недопустим"),
    ("duplicate across sections", _set(lambda d: (_q(d, 1, 0), "id"), "s1-q1"),
     "Вопрос s1-q1: идентификатор повторяется"),
    ("sample clashes with bank", _set(lambda d: (d["theory"]["samples"][1], "id"), "s2-q4"),
     "Вопрос s2-q4: идентификатор повторяется"),
    ("unknown type", _set(lambda d: (_q(d, 0, 0), "type"), "essay"), "Вопрос s1-q1: неизвестный тип «essay»"),
    ("points zero", _set(lambda d: (_q(d, 0, 0), "points"), 0), "Вопрос s1-q1: points должен быть положительным числом"),
    ("points as text", _set(lambda d: (_q(d, 0, 0), "points"), "1"),
     "Вопрос s1-q1: points должен быть положительным числом"),
    ("points bool", _set(lambda d: (_q(d, 0, 0), "points"), True),
     "Вопрос s1-q1: points должен быть положительным числом"),
    ("number without answer", _delete(lambda d: (_q(d, 0, 2), "answer")),
     "Вопрос s1-q3: нет правильного ответа (поле answer)"),
    ("negative tolerance", _set(lambda d: (_q(d, 0, 2), "tolerance"), -1),
     "Вопрос s1-q3: tolerance должен быть неотрицательным числом"),
    ("text without answers", _set(lambda d: (_q(d, 0, 3), "answers"), []), "Вопрос s1-q4: нет правильного ответа"),
    ("empty text answer", _set(lambda d: (_q(d, 0, 3), "answers"), ["журнал", " "]),
     "Вопрос s1-q4: поле answers[2] должно быть непустой строкой"),
    ("ordering of one", _set(lambda d: (_q(d, 1, 0), "items"), [{"id": "a", "text": "Один"}]),
     "Вопрос s2-q1: нужно не меньше двух элементов в поле items"),
    ("matching repeated right", _set(lambda d: (_q(d, 1, 1)["pairs"][1], "right"), "При приёме на работу"),
     "Вопрос s2-q2: правый элемент «При приёме на работу» повторяется"),
    ("empty question text", _set(lambda d: (_q(d, 0, 0), "text"), ""), "Вопрос s1-q1: поле text должно быть непустой"),
    ("empty section", _set(lambda d: (d["theory"]["sections"][1], "questions"), []), "Раздел s2: нет ни одного вопроса"),
    ("duplicate section", _set(lambda d: (d["theory"]["sections"][1], "id"), "s1"),
     "Теоретическая часть: раздел «s1» повторяется"),
    ("draw more than the section has", _more_s2_questions,
     "Раздел s2: в спецификации требуется 10 вопросов, а в разделе 8"),
    ("draw of unknown section", _set(lambda d: (d["theory"]["specification"]["draw"][1], "section"), "s9"),
     "Спецификация теста, правило № 2: раздела «s9» нет в банке вопросов"),
    ("section drawn twice", _set(lambda d: (d["theory"]["specification"]["draw"][1], "section"), "s1"),
     "Раздел s1: указан в спецификации дважды"),
    ("draw count zero", _set(lambda d: (d["theory"]["specification"]["draw"][0], "count"), 0),
     "Спецификация теста, правило № 1: count (число вопросов) должен быть целым числом"),
    ("time limit", _set(lambda d: (d["theory"]["specification"], "time_limit_minutes"), 601),
     "Спецификация теста: time_limit_minutes (время на тест, минут) должен быть целым числом от 1 до 600"),
    ("pass points above the test", _set(lambda d: (d["theory"]["specification"], "pass_points"), 7),
     "Спецификация теста: проходной балл 7 больше, чем можно набрать в тесте (6"),
    ("no draw", _set(lambda d: (d["theory"]["specification"], "draw"), []),
     "Спецификация теста: не указано, сколько вопросов брать"),
    ("criterion points", _set(lambda d: (d["practice"]["tasks"][0]["criteria"][1], "max_points"), 0),
     "Задание t1, критерий c2: max_points должен быть положительным числом"),
    ("task pass points", _set(lambda d: (d["practice"]["tasks"][0], "pass_points"), 9),
     "Задание t1: проходной балл 9 больше суммы максимальных баллов критериев (8)"),
    ("task without criteria", _set(lambda d: (d["practice"]["tasks"][0], "criteria"), []),
     "Задание t1: нет критериев оценки"),
    ("task time limit", _set(lambda d: (d["practice"]["tasks"][0], "time_limit_minutes"), 0),
     "Задание t1: time_limit_minutes должен быть целым числом от 1 до 600"),
    ("practice without tasks", _set(lambda d: (d["practice"], "tasks"), []), "Практическая часть: нет ни одного задания"),
    ("portfolio requirements", _set(lambda d: (d["portfolio"], "requirements"), ""),
     "Портфолио: поле requirements должно быть непустой строкой"),
    ("portfolio criterion duplicated", _set(lambda d: (d["portfolio"]["criteria"][1], "id"), "p1"),
     "Портфолио: критерий «p1» повторяется"),
    ("portfolio pass points", _set(lambda d: (d["portfolio"], "pass_points"), 6),
     "Портфолио: проходной балл 6 больше суммы максимальных баллов критериев (5)"),
    ("legal acts not a list", _set(lambda d: (d, "legal_acts"), "ТК РФ"), "КОС: поле legal_acts должно быть списком строк"),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_problem_names_its_item(change, message):
    doc = small_kos()
    change(doc)
    with pytest.raises(ValidationError) as err:
        validate_kos(doc)
    assert message in err.value.message
    assert err.value.field == "file"


@pytest.mark.parametrize("value", [None, [], "КОС", 42])
def test_not_an_object(value):
    with pytest.raises(ValidationError, match="КОС: документ должен быть JSON-объектом"):
        validate_kos(value)


def test_demo_kos_is_complete_and_valid():
    doc = validate_kos(labour_safety_kos())
    theory = doc["theory"]
    questions = [q for s in theory["sections"] for q in s["questions"]]
    assert len(questions) >= 60 and 4 <= len(theory["sections"]) <= 5
    assert {q["type"] for q in questions} == {"single", "multiple", "matching", "ordering", "text", "number"}
    assert len(theory["samples"]) == 6
    assert theory["specification"] == {"time_limit_minutes": 90, "pass_points": 28,
                                       "draw": [{"section": s["id"], "count": 8} for s in theory["sections"]]}
    assert len(doc["practice"]["tasks"]) == 2 and doc["portfolio"]["criteria"]
    assert any("274н" in act for act in doc["legal_acts"]) and any("2464" in act for act in doc["legal_acts"])
    assert doc["required_documents"] and doc["qualification"] == "40.05400.01"
    # a few answers checked against the law (ТК РФ, 426-ФЗ, постановление № 2464)
    by_id = {q["id"]: q for q in questions}
    assert by_id["s1-q02"]["answer"] == 50 and by_id["s1-q03"]["answer"] == 0.2
    assert by_id["s2-q03"]["answer"] == 6 and by_id["s3-q01"]["answer"] == 5
    assert (by_id["s5-q02"]["answer"], by_id["s5-q03"]["answer"], by_id["s5-q04"]["answer"]) == (3, 15, 45)
    assert [i["text"] for i in by_id["s4-q01"]["items"]][-2:] == ["Использование средств индивидуальной защиты",
                                                                  "Страхование профессионального риска"]
