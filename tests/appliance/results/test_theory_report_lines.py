"""How the theory report writes answers and keys of every question type in words."""
from appliance.web.results.theory_report import _correct, _given

MATCHING = {"type": "matching", "text": "Сопоставьте", "left": [{"id": "p1", "text": "Вводный"},
                                                                 {"id": "p2", "text": "Повторный"}],
            "right": [{"id": "p2", "text": "Раз в 6 месяцев"}, {"id": "p1", "text": "При приёме"}],
            "key": {"pairs": {"p1": "p1", "p2": "p2"}}}
MULTIPLE = {"type": "multiple", "text": "СИЗ", "options": [{"id": "b", "text": "Респиратор"}, {"id": "a", "text": "Каска"},
                                                            {"id": "c", "text": "Ограждение"}],
            "key": {"correct": ["a", "b"]}}


def test_matching_pairs_are_written_left_to_right():
    assert _correct(MATCHING) == ["Вводный — При приёме", "Повторный — Раз в 6 месяцев"]
    assert _given(MATCHING, {"p1": "p2", "p2": "p1"}) == ["Вводный — Раз в 6 месяцев", "Повторный — При приёме"]


def test_multiple_choice_and_unanswered():
    assert _correct(MULTIPLE) == ["Каска", "Респиратор"]
    assert _given(MULTIPLE, ["c"]) == ["Ограждение"]
    assert _given(MULTIPLE, []) == [] and _given(MATCHING, None) == []


def test_number_with_tolerance_and_text_answers():
    assert _correct({"type": "number", "key": {"answer": 12.5, "tolerance": 0.5}}) == ["12,5 (± 0,5)"]
    assert _correct({"type": "number", "key": {"answer": 3, "tolerance": 0}}) == ["3"]
    assert _correct({"type": "text", "key": {"answers": ["журнал", "журнал регистрации"]}}) == [
        "«журнал» или «журнал регистрации»"]
    assert _given({"type": "number"}, "12,5") == ["12,5"]
