"""Keeping terms of exam recordings as a table of cases, dates at the boundaries (pure functions)."""
import datetime as dt

import pytest

from core.models.commission import Verdict
from core.workflow import Status
from plugins.video_capture.retention import (FAILED, PASSED, Candidate, add_years, candidate_term, outcome_of,
                                             room_term, years_text)

D = dt.date


def cand(outcome, exam=D(2026, 3, 16), *, validity=3, failed=1, held=False, name="Соколов Дмитрий Олегович"):
    return Candidate(name=name, exam_date=exam, outcome=outcome, validity_years=validity, failed_years=failed,
                     held=held)


@pytest.mark.parametrize("day, years, expected", [
    (D(2026, 3, 16), 1, D(2027, 3, 16)),
    (D(2026, 3, 16), 6, D(2032, 3, 16)),
    (D(2028, 2, 29), 1, D(2029, 2, 28)),  # no 29 February: the last day of the month
    (D(2028, 2, 29), 4, D(2032, 2, 29)),
    (D(2026, 12, 31), 2, D(2028, 12, 31)),
])
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize("status, verdict, returned, expected", [
    (Status.CERTIFICATE_ISSUED, None, False, PASSED),
    (Status.CERTIFICATE_ISSUED, Verdict.FAILED, False, PASSED),  # the issued document decides
    (Status.CONCLUSION_ISSUED, Verdict.PASSED, False, FAILED),
    (Status.WITHDRAWN, None, False, FAILED),
    (Status.COMMISSION_DECIDED, Verdict.PASSED, False, PASSED),
    (Status.SENT_TO_SPK, Verdict.FAILED, False, FAILED),
    (Status.APPROVED_BY_SPK, Verdict.PASSED, False, PASSED),
    (Status.PRACTICE_PASSED, Verdict.PASSED, True, None),  # sent back to the experts: not decided
    (Status.ADMITTED, None, False, None),
    (Status.THEORY_FAILED, None, False, None),  # the commission has not decided yet
    (Status.COMMISSION_DECIDED, Verdict.NONE, False, None),
])
def test_outcome(status, verdict, returned, expected):
    assert outcome_of(status.value, verdict, returned) == expected


# candidate, today, keep until (None: keep), due today?
CASES = [
    # passed: exam + certificate validity (3) + 3 years
    (cand(PASSED), D(2032, 3, 16), D(2032, 3, 16), False),
    (cand(PASSED), D(2032, 3, 17), D(2032, 3, 16), True),
    (cand(PASSED, validity=5), D(2034, 3, 16), D(2034, 3, 16), False),
    (cand(PASSED, validity=5), D(2034, 3, 17), D(2034, 3, 16), True),
    (cand(PASSED, D(2028, 2, 29)), D(2034, 2, 28), D(2034, 2, 28), False),
    (cand(PASSED, D(2028, 2, 29)), D(2034, 3, 1), D(2034, 2, 28), True),
    # failed: exam + the СПК's term (1 year by default)
    (cand(FAILED), D(2027, 3, 16), D(2027, 3, 16), False),
    (cand(FAILED), D(2027, 3, 17), D(2027, 3, 16), True),
    (cand(FAILED, failed=2), D(2027, 3, 17), D(2028, 3, 16), False),
    (cand(FAILED, failed=2), D(2028, 3, 17), D(2028, 3, 16), True),
    (cand(FAILED, D(2028, 2, 29)), D(2029, 2, 28), D(2029, 2, 28), False),
    (cand(FAILED, D(2028, 2, 29)), D(2029, 3, 1), D(2029, 2, 28), True),
    # never early: no result, no exam date, or an appeal holds it
    (cand(None), D(2100, 1, 1), None, False),
    (cand(FAILED, None), D(2100, 1, 1), None, False),
    (cand(PASSED, held=True), D(2100, 1, 1), None, False),
    (cand(FAILED, held=True), D(2027, 3, 17), None, False),
]


@pytest.mark.parametrize("candidate, today, keep_until, due", CASES)
def test_candidate_term(candidate, today, keep_until, due):
    term = candidate_term(candidate)
    assert term.keep_until == keep_until
    assert term.due(today) is due
    assert term.reason


def test_reasons_name_the_rule():
    assert candidate_term(cand(PASSED)).reason == ("экзамен 16.03.2026 сдан: срок действия свидетельства (3 года) "
                                                   "и ещё 3 года (приказ Минтруда 759н, п. 3ж)")
    assert candidate_term(cand(FAILED, failed=5)).reason == ("экзамен 16.03.2026 не сдан: срок хранения, "
                                                             "установленный СПК, — 5 лет")
    assert "апелляция" in candidate_term(cand(PASSED, held=True)).reason
    assert "ещё не известен" in candidate_term(cand(None)).reason
    assert [years_text(n) for n in (1, 2, 5, 11, 21)] == ["1 год", "2 года", "5 лет", "11 лет", "21 год"]


def test_room_camera_takes_the_longest_term():
    exam = D(2026, 3, 16)
    term = room_term([cand(FAILED), cand(PASSED), cand(FAILED, failed=2)], exam, 1)
    assert term.keep_until == D(2032, 3, 16) and "самый долгий срок" in term.reason
    assert not term.due(D(2032, 3, 16)) and term.due(D(2032, 3, 17))
    only_failed = room_term([cand(FAILED), cand(FAILED, failed=2)], exam, 1)
    assert only_failed.keep_until == D(2028, 3, 16)


def test_room_camera_waits_for_every_candidate():
    exam = D(2026, 3, 16)
    undecided = room_term([cand(PASSED), cand(None, name="Петров Пётр Петрович")], exam, 1)
    assert undecided.keep_until is None and not undecided.due(D(2100, 1, 1))
    assert undecided.reason.startswith("Петров Пётр Петрович: результат")
    held = room_term([cand(FAILED), cand(FAILED, held=True)], exam, 1)
    assert held.keep_until is None


def test_room_camera_of_an_empty_group_is_kept_like_a_failed_exam():
    term = room_term([], D(2026, 3, 16), 2)
    assert term.keep_until == D(2028, 3, 16) and "нет соискателей" in term.reason
